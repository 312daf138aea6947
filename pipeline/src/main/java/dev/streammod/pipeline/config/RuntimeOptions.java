package dev.streammod.pipeline.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;

/**
 * Flink-side knobs: parallelism, in-flight bound, timeouts, checkpoints.
 *
 * <p>{@code checkpoint-dir} (a URI such as {@code file:///var/lib/streammod/checkpoints} or {@code
 * s3://bucket/checkpoints}, or an absolute path) selects file-system checkpoint storage; absent, the
 * cluster's own setting applies. Segments in flight in the moderate operator are part of each
 * checkpoint, payload included, which soon exceeds the 5 MiB that JobManager-memory checkpoints
 * allow per operator.
 */
public record RuntimeOptions(
    @JsonProperty("parallelism") Integer parallelism,
    @JsonProperty("in-flight-per-slot") Integer inFlightPerSlot,
    @JsonProperty("segment-timeout-ms") Long segmentTimeoutMs,
    @JsonProperty("checkpoint-interval-ms") Long checkpointIntervalMs,
    @JsonProperty("checkpoint-dir") String checkpointDir)
    implements Serializable {

  public RuntimeOptions {
    parallelism = Check.positive("job.parallelism", parallelism, 2);
    inFlightPerSlot = Check.positive("job.in-flight-per-slot", inFlightPerSlot, 8);
    segmentTimeoutMs = Check.positive("job.segment-timeout-ms", segmentTimeoutMs, 60_000L);
    checkpointIntervalMs =
        Check.positive("job.checkpoint-interval-ms", checkpointIntervalMs, 5_000L);
    checkpointDir = checkpointDir == null ? null : checkpointUri(checkpointDir);
  }

  /** The same options with checkpoints under {@code dir}. */
  public RuntimeOptions withCheckpointDir(String dir) {
    return new RuntimeOptions(parallelism, inFlightPerSlot, segmentTimeoutMs, checkpointIntervalMs, dir);
  }

  /** An absolute path becomes a file: URI; a URI must name its scheme. */
  static String checkpointUri(String value) {
    String v = value.strip();
    if (v.startsWith("/")) {
      return java.nio.file.Path.of(v).toUri().toString();
    }
    try {
      java.net.URI uri = new java.net.URI(v);
      if (uri.getScheme() != null && uri.getScheme().length() > 1) {
        return v;
      }
    } catch (java.net.URISyntaxException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "job.checkpoint-dir must be an absolute path or a URI with a scheme (file:///..., s3://...,"
            + " hdfs://...), got '"
            + value
            + "'");
  }
}
