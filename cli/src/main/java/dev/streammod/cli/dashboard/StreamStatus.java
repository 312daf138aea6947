package dev.streammod.cli.dashboard;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a stream looks on the dashboard, worst first. */
public enum StreamStatus {
  /** No segment for more than {@link StatsStore#STALL_FACTOR} times the stream's period. */
  STALLED,
  /** ERROR verdicts in the latest window. */
  ERRORS,
  /** Verdicts made in degraded mode in the latest window. */
  DEGRADED,
  OK;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the API spelling ({@code stalled}, ...); null or empty for "any". */
  public static StreamStatus parse(String value) {
    if (value == null || value.isBlank() || value.equalsIgnoreCase("all")) {
      return null;
    }
    for (StreamStatus s : values()) {
      if (s.name().equalsIgnoreCase(value.trim())) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "status must be one of stalled, errors, degraded, ok or all, got '" + value + "'");
  }
}
