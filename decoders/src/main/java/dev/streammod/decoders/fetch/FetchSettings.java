package dev.streammod.decoders.fetch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Immutable, validated allowlist and limits of a {@link PayloadFetcher}. Build with {@link
 * #builder()}; {@link Builder#build()} checks every field once and names the field and its bad
 * value.
 *
 * <p>A URI is fetched only when its scheme is allowed, its host is allowed (for {@code http} and
 * {@code https}), and its path lies under an allowed prefix (for {@code file:} URIs the path is the
 * file system path, and must lie under a prefix after symbolic links are resolved too).
 */
public final class FetchSettings {

  /** The schemes this fetcher can read at all. */
  public static final Set<String> SUPPORTED_SCHEMES = Set.of("http", "https", "file");

  public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final int MAX_REDIRECTS = 10;

  private final Set<String> allowedSchemes;
  private final Set<String> allowedHosts;
  private final List<String> allowedPathPrefixes;
  private final long maxBytes;
  private final Duration connectTimeout;
  private final Duration timeout;
  private final int maxRedirects;

  private FetchSettings(Builder b) {
    this.allowedSchemes = Set.copyOf(b.schemes);
    this.allowedHosts = Set.copyOf(b.hosts);
    this.allowedPathPrefixes = List.copyOf(b.pathPrefixes);
    this.maxBytes = b.maxBytes;
    this.connectTimeout = b.connectTimeout;
    this.timeout = b.timeout;
    this.maxRedirects = b.maxRedirects;
  }

  /** No scheme, host or path allowed yet; 64 MiB, 2 s to connect, 10 s in all, no redirects. */
  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b =
        new Builder()
            .maxBytes(maxBytes)
            .connectTimeout(connectTimeout)
            .timeout(timeout)
            .maxRedirects(maxRedirects);
    b.schemes.addAll(allowedSchemes);
    b.hosts.addAll(allowedHosts);
    b.pathPrefixes.addAll(allowedPathPrefixes);
    return b;
  }

  /** Lower-case schemes, a subset of {@link #SUPPORTED_SCHEMES}. */
  public Set<String> allowedSchemes() {
    return allowedSchemes;
  }

  /**
   * Lower-case host names or IP literals, each optionally with {@code :port} (otherwise any port),
   * or {@code *.example.com} for any subdomain of example.com (not example.com itself).
   */
  public Set<String> allowedHosts() {
    return allowedHosts;
  }

  /**
   * Path prefixes, each starting with {@code /} and matched per path segment ({@code /segments}
   * allows {@code /segments/a.ts}, not {@code /segments-old/a.ts}). Empty: any path on an allowed
   * host; never empty when {@code file} is allowed.
   */
  public List<String> allowedPathPrefixes() {
    return allowedPathPrefixes;
  }

  /** Largest payload read; larger ones fail with {@link FetchErrorCode#TOO_LARGE}. */
  public long maxBytes() {
    return maxBytes;
  }

  /** Time to establish an HTTP connection. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Time for the whole fetch, redirects and body included. */
  public Duration timeout() {
    return timeout;
  }

  /** HTTP redirects followed, each target checked against the allowlist again; 0 by default. */
  public int maxRedirects() {
    return maxRedirects;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FetchSettings s
        && allowedSchemes.equals(s.allowedSchemes)
        && allowedHosts.equals(s.allowedHosts)
        && allowedPathPrefixes.equals(s.allowedPathPrefixes)
        && maxBytes == s.maxBytes
        && connectTimeout.equals(s.connectTimeout)
        && timeout.equals(s.timeout)
        && maxRedirects == s.maxRedirects;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        allowedSchemes,
        allowedHosts,
        allowedPathPrefixes,
        maxBytes,
        connectTimeout,
        timeout,
        maxRedirects);
  }

  @Override
  public String toString() {
    return "FetchSettings{schemes="
        + allowedSchemes
        + ", hosts="
        + allowedHosts
        + ", pathPrefixes="
        + allowedPathPrefixes
        + ", maxBytes="
        + maxBytes
        + ", connectTimeout="
        + connectTimeout
        + ", timeout="
        + timeout
        + ", maxRedirects="
        + maxRedirects
        + "}";
  }

  /** Mutable builder; not thread-safe. Allow lists add up over calls. */
  public static final class Builder {
    private final Set<String> schemes = new LinkedHashSet<>();
    private final Set<String> hosts = new LinkedHashSet<>();
    private final List<String> pathPrefixes = new ArrayList<>();
    private final List<String> rejected = new ArrayList<>();
    private long maxBytes = DEFAULT_MAX_BYTES;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration timeout = DEFAULT_TIMEOUT;
    private int maxRedirects;

    private Builder() {}

    /** Adds schemes: {@code http}, {@code https}, {@code file}. */
    public Builder allowSchemes(String... schemes) {
      add(schemes, "allowSchemes", this.schemes);
      return this;
    }

    /** Adds hosts: {@code cdn.example.com}, {@code 10.0.0.7:8080}, {@code *.example.com}. */
    public Builder allowHosts(String... hosts) {
      add(hosts, "allowHosts", this.hosts);
      return this;
    }

    /** Adds path prefixes such as {@code /live/segments/}. */
    public Builder allowPathPrefixes(String... prefixes) {
      if (prefixes == null) {
        rejected.add("allowPathPrefixes must not be null");
        return this;
      }
      for (String p : prefixes) {
        if (p == null) {
          rejected.add("allowPathPrefixes must not contain null");
        } else {
          pathPrefixes.add(p.trim());
        }
      }
      return this;
    }

    public Builder maxBytes(long maxBytes) {
      this.maxBytes = maxBytes;
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public Builder maxRedirects(int maxRedirects) {
      this.maxRedirects = maxRedirects;
      return this;
    }

    private void add(String[] values, String field, Collection<String> into) {
      if (values == null) {
        rejected.add(field + " must not be null");
        return;
      }
      for (String v : values) {
        if (v == null || v.isBlank()) {
          rejected.add(field + " must not contain a null or blank entry, but got \"" + v + "\"");
        } else {
          into.add(v.trim().toLowerCase(Locale.ROOT));
        }
      }
    }

    /**
     * @throws IllegalArgumentException naming the first bad field and its value
     */
    public FetchSettings build() {
      if (!rejected.isEmpty()) {
        throw new IllegalArgumentException(rejected.get(0));
      }
      if (schemes.isEmpty()) {
        throw new IllegalArgumentException(
            "allowedSchemes must name at least one of " + SUPPORTED_SCHEMES + ", but was empty");
      }
      for (String s : schemes) {
        if (!SUPPORTED_SCHEMES.contains(s)) {
          throw new IllegalArgumentException(
              "allowedSchemes may hold only " + SUPPORTED_SCHEMES + ", but has \"" + s + "\"");
        }
      }
      boolean network = schemes.contains("http") || schemes.contains("https");
      if (network && hosts.isEmpty()) {
        throw new IllegalArgumentException(
            "allowedHosts must name at least one host when http or https is allowed, but was"
                + " empty");
      }
      for (String h : hosts) {
        if (!h.matches("(\\*\\.)?[a-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9a-f:.]+\\](:[0-9]{1,5})?")) {
          throw new IllegalArgumentException(
              "allowedHosts entries must be host, host:port or *.domain, but got \"" + h + "\"");
        }
      }
      for (String p : pathPrefixes) {
        if (!p.startsWith("/") || p.contains("/../") || p.endsWith("/..") || p.contains("\\")) {
          throw new IllegalArgumentException(
              "allowedPathPrefixes entries must be absolute paths without dot segments, but got"
                  + " \""
                  + p
                  + "\"");
        }
      }
      if (schemes.contains("file") && pathPrefixes.isEmpty()) {
        throw new IllegalArgumentException(
            "allowedPathPrefixes must name at least one directory when file is allowed, but was"
                + " empty");
      }
      if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE - 8L) {
        throw new IllegalArgumentException(
            "maxBytes must be in [1, " + (Integer.MAX_VALUE - 8L) + "], but was " + maxBytes);
      }
      checkPositive("connectTimeout", connectTimeout);
      checkPositive("timeout", timeout);
      if (maxRedirects < 0 || maxRedirects > MAX_REDIRECTS) {
        throw new IllegalArgumentException(
            "maxRedirects must be in [0, " + MAX_REDIRECTS + "], but was " + maxRedirects);
      }
      return new FetchSettings(this);
    }

    private static void checkPositive(String field, Duration d) {
      if (d == null || d.isZero() || d.isNegative() || d.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException(field + " must be in (0, PT1H], but was " + d);
      }
    }
  }
}
