package dev.streammod.pipeline.job;

import dev.streammod.connectors.RawRecord;
import dev.streammod.decoders.DecoderSettings;
import dev.streammod.decoders.SegmentDecoder;
import dev.streammod.models.EngineOptions;
import dev.streammod.models.ModelArtifact;
import dev.streammod.models.ModelConfig;
import dev.streammod.models.ModelRepository;
import dev.streammod.models.batching.SharedBatchers;
import dev.streammod.pipeline.config.BatchingOptions;
import dev.streammod.pipeline.config.DecoderOptions;
import dev.streammod.pipeline.config.ModelSettings;
import dev.streammod.pipeline.moderation.ScoredSegment;
import dev.streammod.pipeline.moderation.SegmentModerator;
import dev.streammod.pipeline.policy.Policy;
import java.nio.file.Path;
import java.util.Collections;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Adapts {@link SegmentModerator} to Flink's async I/O: the operator's capacity bounds the segments
 * in flight per slot, the decode pool and the shared batcher's queue are bounded, so a slow model
 * backpressures the Kafka source instead of filling memory.
 */
public final class ModerateSegmentFunction extends RichAsyncFunction<RawRecord, ScoredSegment> {
  private static final long serialVersionUID = 1L;

  private final ModelSettings model;
  private final DecoderOptions decoderOptions;
  private final BatchingOptions batching;
  private final Policy policy;
  private final int inFlight;
  private final long timeoutMs;

  private transient SharedBatchers.Lease lease;
  private transient ThreadPoolExecutor decodePool;
  private transient SegmentModerator moderator;
  private transient Counter segmentsIn;
  private transient Counter framesDecoded;
  private transient Counter failures;

  public ModerateSegmentFunction(
      ModelSettings model,
      DecoderOptions decoderOptions,
      BatchingOptions batching,
      Policy policy,
      int inFlight,
      long timeoutMs) {
    this.model = model;
    this.decoderOptions = decoderOptions;
    this.batching = batching;
    this.policy = policy;
    this.inFlight = inFlight;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public void open(OpenContext openContext) {
    ModelRepository repository = new ModelRepository(Path.of(model.repository()));
    ModelArtifact artifact =
        model.version() == null
            ? repository.resolve(model.name())
            : repository.resolve(model.name(), model.version());
    ModelConfig config = artifact.config();
    policy.checkLabels(config.labels(), config.name());
    lease =
        SharedBatchers.acquire(
            artifact,
            EngineOptions.builder()
                .device(model.executionDevice())
                .intraOpThreads(model.intraOpThreads())
                .build(),
            batching.toBatcherSettings());
    SegmentDecoder decoder =
        new SegmentDecoder(
            DecoderSettings.builder()
                .width(config.width())
                .height(config.height())
                .sampling(decoderOptions.samplingPolicy())
                .maxFrames(decoderOptions.maxFrames())
                .maxPayloadBytes(decoderOptions.maxPayloadBytes())
                .build());
    int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    AtomicInteger n = new AtomicInteger();
    int threads = decoderOptions.threads();
    decodePool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(Math.max(1, inFlight)),
            r -> {
              Thread t = new Thread(r, "decode-" + subtask + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.CallerRunsPolicy());
    moderator =
        new SegmentModerator(decoder, lease.batcher(), config, policy.riskLabels(), decodePool);
    var group = getRuntimeContext().getMetricGroup().addGroup("moderation");
    segmentsIn = group.counter("segments_in");
    framesDecoded = group.counter("frames_sampled");
    failures = group.counter("segments_failed");
  }

  @Override
  public void asyncInvoke(RawRecord record, ResultFuture<ScoredSegment> resultFuture) {
    segmentsIn.inc();
    moderator
        .moderate(record)
        .thenAccept(
            s -> {
              framesDecoded.inc(s.framesSampled);
              if (s.failed()) {
                failures.inc();
              }
              resultFuture.complete(Collections.singletonList(s));
            });
  }

  @Override
  public void timeout(RawRecord record, ResultFuture<ScoredSegment> resultFuture) {
    failures.inc();
    resultFuture.complete(Collections.singletonList(moderator.timedOut(record, timeoutMs)));
  }

  @Override
  public void close() throws Exception {
    if (decodePool != null) {
      decodePool.shutdownNow();
      decodePool = null;
    }
    if (lease != null) {
      lease.close();
      lease = null;
    }
    super.close();
  }
}
