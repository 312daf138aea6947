package dev.streammod.cli.bench;

import java.util.Locale;

/** How the load generator's segments reach the job. */
public enum PayloadMode {
  /** The segment bytes inside the Kafka record ({@code payload}). */
  INLINE,
  /**
   * A {@code file:} URI in the record ({@code payload_uri}); the job fetches the bytes on its
   * decode threads, as it would from shared storage. The broker then carries a few hundred bytes
   * per segment instead of the segment.
   */
  FILE;

  /** {@code inline} or {@code file}, in any case. */
  public static PayloadMode parse(String s) {
    for (PayloadMode m : values()) {
      if (m.name().equalsIgnoreCase(s == null ? "" : s.trim())) {
        return m;
      }
    }
    throw new IllegalArgumentException("--payload must be inline or file, got '" + s + "'");
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
