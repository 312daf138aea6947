package dev.streammod.decoders.fetch;

import java.util.Objects;

/**
 * The bytes behind a reference.
 *
 * @param uri the URI that was finally read (after redirects), query redacted
 * @param bytes the payload; the caller's own array
 * @param fetchMillis wall time of the fetch
 */
public record FetchedPayload(String uri, byte[] bytes, double fetchMillis) implements FetchResult {
  public FetchedPayload {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(bytes, "bytes");
  }

  @Override
  public String toString() {
    return "FetchedPayload{uri="
        + uri
        + ", bytes="
        + bytes.length
        + ", fetchMillis="
        + String.format(java.util.Locale.ROOT, "%.1f", fetchMillis)
        + "}";
  }
}
