package dev.streammod.pipeline.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.streammod.models.batching.BatcherSettings;
import java.io.Serializable;
import java.time.Duration;

/** The per-JVM dynamic batcher in front of the model. */
public record BatchingOptions(
    @JsonProperty("max-batch-size") Integer maxBatchSize,
    @JsonProperty("max-wait-ms") Long maxWaitMs,
    @JsonProperty("queue-capacity-frames") Integer queueCapacityFrames)
    implements Serializable {

  public BatchingOptions {
    maxBatchSize = Check.positive("batching.max-batch-size", maxBatchSize, 32);
    maxWaitMs = Check.positive("batching.max-wait-ms", maxWaitMs, 5L);
    queueCapacityFrames =
        Check.positive("batching.queue-capacity-frames", queueCapacityFrames, 512);
    if (queueCapacityFrames < maxBatchSize) {
      throw new IllegalArgumentException(
          "batching.queue-capacity-frames must be >= batching.max-batch-size ("
              + maxBatchSize
              + "), got "
              + queueCapacityFrames);
    }
  }

  public BatcherSettings toBatcherSettings() {
    return BatcherSettings.builder()
        .maxBatchSize(maxBatchSize)
        .maxWait(Duration.ofMillis(maxWaitMs))
        .queueCapacityFrames(queueCapacityFrames)
        .build();
  }
}
