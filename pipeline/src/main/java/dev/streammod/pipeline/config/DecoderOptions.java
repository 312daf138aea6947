package dev.streammod.pipeline.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.streammod.decoders.SamplingPolicy;
import java.io.Serializable;

/**
 * How segments are decoded and sampled; the frame size comes from the model.
 *
 * <p>Degrade mode is opt-in: with {@code deadline-ms} set, a segment that reaches the decoder older
 * (now minus its Kafka record timestamp) than {@code degrade-at} times the deadline is sampled with
 * at most {@code degraded-max-frames} frames (never fewer than one) and its verdict is marked
 * degraded. {@code max-in-flight-per-stream} keeps one stream's burst from starving the others: a
 * stream's further segments wait, round-robin with the other streams, until one of its own is
 * done.
 */
public record DecoderOptions(
    @JsonProperty("sampling") String sampling,
    @JsonProperty("max-frames") Integer maxFrames,
    @JsonProperty("max-payload-bytes") Long maxPayloadBytes,
    @JsonProperty("threads") Integer threads,
    @JsonProperty("deadline-ms") Long deadlineMs,
    @JsonProperty("degrade-at") Double degradeAt,
    @JsonProperty("degraded-max-frames") Integer degradedMaxFrames,
    @JsonProperty("max-in-flight-per-stream") Integer maxInFlightPerStream)
    implements Serializable {

  @JsonCreator
  public DecoderOptions {
    sampling = Check.nonBlank("decoder.sampling", sampling, "keyframes");
    try {
      SamplingPolicy.parse(sampling);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("decoder.sampling: " + e.getMessage(), e);
    }
    maxFrames = Check.positive("decoder.max-frames", maxFrames, 8);
    maxPayloadBytes = Check.positive("decoder.max-payload-bytes", maxPayloadBytes, 64L << 20);
    threads = Check.positive("decoder.threads", threads, 2);
    if (deadlineMs != null && deadlineMs <= 0) {
      throw new IllegalArgumentException(
          "decoder.deadline-ms must be > 0 (or absent: degrade mode off), got " + deadlineMs);
    }
    // 0.25: at 2x overload (fps:4, 8 frames, 2 s deadline) 0.5 let the backlog run away between
    // degraded and full analysis (p99 6.0 s at 1.5x), 0.25 kept p99 at 0.94-1.03 s (bench, 2 cores).
    double at = degradeAt == null ? 0.25 : degradeAt;
    if (!(at > 0 && at <= 1)) {
      throw new IllegalArgumentException("decoder.degrade-at must be in (0, 1], got " + degradeAt);
    }
    degradeAt = at;
    degradedMaxFrames = Check.positive("decoder.degraded-max-frames", degradedMaxFrames, 1);
    if (degradedMaxFrames > maxFrames) {
      throw new IllegalArgumentException(
          "decoder.degraded-max-frames must be <= decoder.max-frames ("
              + maxFrames
              + "), got "
              + degradedMaxFrames);
    }
    maxInFlightPerStream =
        Check.positive("decoder.max-in-flight-per-stream", maxInFlightPerStream, 2);
  }

  /** Without degrade mode and with the default per-stream cap. */
  public DecoderOptions(String sampling, Integer maxFrames, Long maxPayloadBytes, Integer threads) {
    this(sampling, maxFrames, maxPayloadBytes, threads, null, null, null, null);
  }

  public SamplingPolicy samplingPolicy() {
    return SamplingPolicy.parse(sampling);
  }

  /** Whether degrade mode is on ({@code deadline-ms} set). */
  public boolean degradeEnabled() {
    return deadlineMs != null;
  }
}
