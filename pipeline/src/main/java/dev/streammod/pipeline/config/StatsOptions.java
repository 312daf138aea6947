package dev.streammod.pipeline.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.streammod.connectors.Topics;
import java.io.Serializable;

/**
 * Per-stream statistics for the ops dashboard: every {@code interval-ms} the job writes one {@code
 * StreamStats} record per stream it is tracking to {@code topic}; a stream with no segment for
 * {@code idle-expiry-ms} is forgotten (a tombstone is written).
 */
public record StatsOptions(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("interval-ms") Long intervalMs,
    @JsonProperty("idle-expiry-ms") Long idleExpiryMs,
    @JsonProperty("topic") String topic)
    implements Serializable {

  public StatsOptions {
    enabled = enabled == null || enabled;
    intervalMs = Check.positive("stats.interval-ms", intervalMs, 5_000L);
    if (intervalMs < 100) {
      throw new IllegalArgumentException("stats.interval-ms must be >= 100, got " + intervalMs);
    }
    idleExpiryMs = Check.positive("stats.idle-expiry-ms", idleExpiryMs, 600_000L);
    if (idleExpiryMs < intervalMs) {
      throw new IllegalArgumentException(
          "stats.idle-expiry-ms must be >= stats.interval-ms (" + intervalMs + "), got " + idleExpiryMs);
    }
    topic = Check.nonBlank("stats.topic", topic, Topics.STREAM_STATS);
  }

  /** All defaults: enabled, every 5 s, forget after 10 min idle, {@link Topics#STREAM_STATS}. */
  public static StatsOptions defaults() {
    return new StatsOptions(null, null, null, null);
  }
}
