package dev.streammod.pipeline.moderation;

import dev.streammod.decoders.DecoderSettings;
import dev.streammod.decoders.fetch.PayloadFetcher;
import dev.streammod.models.BundledRepository;
import dev.streammod.models.EngineOptions;
import dev.streammod.models.ModelArtifact;
import dev.streammod.models.ModelConfig;
import dev.streammod.models.batching.BatcherSettings;
import dev.streammod.pipeline.config.BatchingOptions;
import dev.streammod.pipeline.config.DecoderOptions;
import dev.streammod.pipeline.config.FetchOptions;
import dev.streammod.pipeline.config.ModelSettings;
import java.nio.file.Path;

/**
 * What the job's settings make, in one place: the job's operator, the bench and anything else that
 * must run the moderation path as the job does take their components from here.
 */
public final class ModerationComponents {
  private ModerationComponents() {}

  /** The model the job loads: from {@code model.repository}, else among the bundled models. */
  public static ModelArtifact artifact(ModelSettings model) {
    return BundledRepository.resolve(
        model.repository() == null ? null : Path.of(model.repository()), model.name(), model.version());
  }

  /**
   * The engine options the shared batcher's session is opened with, on this JVM (the intra-op
   * threads by default follow its cores).
   */
  public static EngineOptions engineOptions(ModelSettings model) {
    return EngineOptions.builder()
        .device(model.executionDevice())
        .intraOpThreads(model.intraOpThreadsOn(Runtime.getRuntime().availableProcessors()))
        .build();
  }

  /** The shared batcher's settings. */
  public static BatcherSettings batcherSettings(BatchingOptions batching) {
    return batching.toBatcherSettings();
  }

  /** The decoder's settings for this model: frames at the model's input size. */
  public static DecoderSettings decoderSettings(DecoderOptions options, ModelConfig config) {
    return DecoderSettings.builder()
        .width(config.width())
        .height(config.height())
        .sampling(options.samplingPolicy())
        .maxFrames(options.maxFrames())
        .maxPayloadBytes(options.maxPayloadBytes())
        .build();
  }

  /** Degrade mode as configured, or off. */
  public static DegradePolicy degradePolicy(DecoderOptions options) {
    return options.degradeEnabled()
        ? DegradePolicy.of(options.deadlineMs(), options.degradeAt(), options.maxFrames(), options.degradedMaxFrames())
        : DegradePolicy.off();
  }

  /** The payload fetcher, or null when fetching by reference is off. */
  public static PayloadFetcher fetcher(FetchOptions fetch) {
    return fetch.enabled() ? new PayloadFetcher(fetch.toFetchSettings()) : null;
  }
}
