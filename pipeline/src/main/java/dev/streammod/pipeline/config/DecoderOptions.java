package dev.streammod.pipeline.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.streammod.decoders.SamplingPolicy;
import java.io.Serializable;

/** How segments are decoded and sampled; the frame size comes from the model. */
public record DecoderOptions(
    @JsonProperty("sampling") String sampling,
    @JsonProperty("max-frames") Integer maxFrames,
    @JsonProperty("max-payload-bytes") Long maxPayloadBytes,
    @JsonProperty("threads") Integer threads)
    implements Serializable {

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
  }

  public SamplingPolicy samplingPolicy() {
    return SamplingPolicy.parse(sampling);
  }
}
