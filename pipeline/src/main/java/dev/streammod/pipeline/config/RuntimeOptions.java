package dev.streammod.pipeline.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;

/** Flink-side knobs: parallelism, in-flight bound, timeouts, checkpoints. */
public record RuntimeOptions(
    @JsonProperty("parallelism") Integer parallelism,
    @JsonProperty("in-flight-per-slot") Integer inFlightPerSlot,
    @JsonProperty("segment-timeout-ms") Long segmentTimeoutMs,
    @JsonProperty("checkpoint-interval-ms") Long checkpointIntervalMs)
    implements Serializable {

  public RuntimeOptions {
    parallelism = Check.positive("job.parallelism", parallelism, 2);
    inFlightPerSlot = Check.positive("job.in-flight-per-slot", inFlightPerSlot, 8);
    segmentTimeoutMs = Check.positive("job.segment-timeout-ms", segmentTimeoutMs, 60_000L);
    checkpointIntervalMs =
        Check.positive("job.checkpoint-interval-ms", checkpointIntervalMs, 5_000L);
  }
}
