package dev.streammod.pipeline.config;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.streammod.decoders.fetch.FetchSettings;
import dev.streammod.decoders.fetch.PayloadFetcher;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Payloads by reference: a segment with a {@code payload_uri} and no inline payload is read by a
 * {@link PayloadFetcher} built from these options, when and only when the URI passes their
 * allowlist. Off by default: with {@code allowed-schemes} empty, such a segment gets an ERROR
 * verdict whose message names this key.
 *
 * <p>The keys are those of {@link FetchSettings}, which checks the allowlist: {@code allowed-hosts}
 * is needed for http(s), {@code allowed-path-prefixes} for {@code file:} (the same prefixes apply
 * to URL paths and to file system paths). List keys take a YAML list or one comma-separated string
 * ({@code --set fetch.allowed-schemes=file,https}).
 *
 * <p>Fetches run on {@code threads} fetch threads per slot (default {@value #DEFAULT_THREADS}),
 * before a segment is admitted to the slot's decode threads, so a slow store holds fetch threads,
 * not decoders; {@code job.in-flight-per-slot} bounds the fetches in flight. With {@code threads: 0}
 * a fetch runs on a decode thread instead, under the decode pool's bounds. {@code timeout-ms}
 * bounds one fetch and must stay below {@code job.segment-timeout-ms}.
 *
 * @param maxBytes null until {@link JobSettings} fills in {@code decoder.max-payload-bytes}
 */
public record FetchOptions(
    @JsonProperty("allowed-schemes")
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        List<String> allowedSchemes,
    @JsonProperty("allowed-hosts")
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        List<String> allowedHosts,
    @JsonProperty("allowed-path-prefixes")
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        List<String> allowedPathPrefixes,
    @JsonProperty("max-bytes") Long maxBytes,
    @JsonProperty("timeout-ms") Long timeoutMs,
    @JsonProperty("connect-timeout-ms") Long connectTimeoutMs,
    @JsonProperty("max-redirects") Integer maxRedirects,
    @JsonProperty("threads") Integer threads)
    implements Serializable {

  /** Fetch threads per slot unless {@code fetch.threads} says otherwise. */
  public static final int DEFAULT_THREADS = 8;

  private static final int MAX_THREADS = 256;

  /** The key that turns fetching on, named in the ERROR verdicts of segments refused meanwhile. */
  public static final String ENABLING_KEY = "fetch.allowed-schemes";

  private static final long MAX_TIMEOUT_MS = 3_600_000L;

  /** {@link FetchSettings} field names, as they appear in its messages, and their keys here. */
  private static final Map<String, String> KEYS =
      Map.of(
          "allowedSchemes", "fetch.allowed-schemes",
          "allowSchemes", "fetch.allowed-schemes",
          "allowedHosts", "fetch.allowed-hosts",
          "allowHosts", "fetch.allowed-hosts",
          "allowedPathPrefixes", "fetch.allowed-path-prefixes",
          "allowPathPrefixes", "fetch.allowed-path-prefixes",
          "maxBytes", "fetch.max-bytes");

  public FetchOptions {
    allowedSchemes = entries(allowedSchemes);
    allowedHosts = entries(allowedHosts);
    allowedPathPrefixes = entries(allowedPathPrefixes);
    if (maxBytes != null && maxBytes <= 0) {
      throw new IllegalArgumentException("fetch.max-bytes must be > 0, got " + maxBytes);
    }
    timeoutMs =
        Check.positive("fetch.timeout-ms", timeoutMs, FetchSettings.DEFAULT_TIMEOUT.toMillis());
    connectTimeoutMs =
        Check.positive(
            "fetch.connect-timeout-ms",
            connectTimeoutMs,
            FetchSettings.DEFAULT_CONNECT_TIMEOUT.toMillis());
    atMostAnHour("fetch.timeout-ms", timeoutMs);
    atMostAnHour("fetch.connect-timeout-ms", connectTimeoutMs);
    maxRedirects = maxRedirects == null ? 0 : maxRedirects;
    threads = threads == null ? DEFAULT_THREADS : threads;
    if (threads < 0 || threads > MAX_THREADS) {
      throw new IllegalArgumentException(
          "fetch.threads must be in [0, "
              + MAX_THREADS
              + "] (0: fetch on the decode threads), got "
              + threads);
    }
    if (maxRedirects < 0 || maxRedirects > FetchSettings.MAX_REDIRECTS) {
      throw new IllegalArgumentException(
          "fetch.max-redirects must be in [0, "
              + FetchSettings.MAX_REDIRECTS
              + "], got "
              + maxRedirects);
    }
    if (allowedSchemes.isEmpty()) {
      if (!allowedHosts.isEmpty() || !allowedPathPrefixes.isEmpty()) {
        throw new IllegalArgumentException(
            "fetch.allowed-hosts "
                + allowedHosts
                + " and fetch.allowed-path-prefixes "
                + allowedPathPrefixes
                + " have no effect while fetch.allowed-schemes is empty (fetching disabled);"
                + " name the schemes to fetch, e.g. fetch.allowed-schemes: [https]");
      }
    } else {
      settings(
          allowedSchemes,
          allowedHosts,
          allowedPathPrefixes,
          maxBytes,
          timeoutMs,
          connectTimeoutMs,
          maxRedirects);
    }
  }

  /** Fetching disabled: a segment by reference gets an ERROR verdict. */
  public static FetchOptions disabled() {
    return new FetchOptions(null, null, null, null, null, null, null, null);
  }

  /** Whether segments by reference are fetched at all. */
  public boolean enabled() {
    return !allowedSchemes.isEmpty();
  }

  /**
   * These options with {@code max-bytes} defaulting to {@code decoderMaxPayloadBytes} and refused
   * above it: a larger payload could be fetched but never decoded.
   */
  FetchOptions withDecoderLimit(long decoderMaxPayloadBytes) {
    if (maxBytes != null && maxBytes > decoderMaxPayloadBytes) {
      throw new IllegalArgumentException(
          "fetch.max-bytes must be <= decoder.max-payload-bytes ("
              + decoderMaxPayloadBytes
              + "): a larger payload could be fetched but never decoded, got "
              + maxBytes);
    }
    return new FetchOptions(
        allowedSchemes,
        allowedHosts,
        allowedPathPrefixes,
        maxBytes == null ? decoderMaxPayloadBytes : maxBytes,
        timeoutMs,
        connectTimeoutMs,
        maxRedirects,
        threads);
  }

  /**
   * The fetcher's settings.
   *
   * @throws IllegalStateException when fetching is disabled
   */
  public FetchSettings toFetchSettings() {
    if (!enabled()) {
      throw new IllegalStateException(
          "fetching is disabled (" + ENABLING_KEY + " is empty): there are no fetch settings");
    }
    return settings(
        allowedSchemes,
        allowedHosts,
        allowedPathPrefixes,
        maxBytes,
        timeoutMs,
        connectTimeoutMs,
        maxRedirects);
  }

  private static FetchSettings settings(
      List<String> schemes,
      List<String> hosts,
      List<String> prefixes,
      Long maxBytes,
      long timeoutMs,
      long connectTimeoutMs,
      int maxRedirects) {
    FetchSettings.Builder b =
        FetchSettings.builder()
            .allowSchemes(schemes.toArray(String[]::new))
            .allowHosts(hosts.toArray(String[]::new))
            .allowPathPrefixes(prefixes.toArray(String[]::new))
            .timeout(Duration.ofMillis(timeoutMs))
            .connectTimeout(Duration.ofMillis(connectTimeoutMs))
            .maxRedirects(maxRedirects);
    if (maxBytes != null) {
      b.maxBytes(maxBytes);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      String message = e.getMessage();
      for (Map.Entry<String, String> k : KEYS.entrySet()) {
        message = message.replaceAll("\\b" + k.getKey() + "\\b", k.getValue());
      }
      throw new IllegalArgumentException(message, e);
    }
  }

  /** Null: none. Entries are trimmed; one entry may hold several, separated by commas. */
  private static List<String> entries(List<String> values) {
    if (values == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String v : values) {
      if (v == null) {
        continue;
      }
      for (String part : v.split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    }
    return List.copyOf(out);
  }

  private static void atMostAnHour(String key, long ms) {
    if (ms > MAX_TIMEOUT_MS) {
      throw new IllegalArgumentException(
          key + " must be <= " + MAX_TIMEOUT_MS + " (one hour), got " + ms);
    }
  }
}
