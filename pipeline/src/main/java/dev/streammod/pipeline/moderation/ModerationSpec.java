package dev.streammod.pipeline.moderation;

import dev.streammod.connectors.RawRecord;
import dev.streammod.decoders.SegmentDecoder;
import dev.streammod.decoders.fetch.PayloadFetcher;
import dev.streammod.models.ModelArtifact;
import dev.streammod.models.ModelConfig;
import dev.streammod.models.batching.SharedBatchers;
import dev.streammod.pipeline.config.BatchingOptions;
import dev.streammod.pipeline.config.CascadeOptions;
import dev.streammod.pipeline.config.DecoderOptions;
import dev.streammod.pipeline.config.FetchOptions;
import dev.streammod.pipeline.config.ModelSettings;
import dev.streammod.pipeline.policy.Policy;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The job's moderation settings, as they travel to the TaskManagers; {@link #open} builds a slot's
 * {@link SegmentModerator} from them: the shared batcher for the model (leased), the decoder, the
 * decode threads ({@code decode-<subtask>-<n>}), the fetcher and its threads ({@code
 * fetch-<subtask>-<n>}).
 */
public record ModerationSpec(
    ModelSettings model,
    DecoderOptions decoder,
    BatchingOptions batching,
    FetchOptions fetch,
    Policy policy,
    CascadeOptions cascade,
    EvidenceSettings evidence,
    int inFlight,
    long timeoutMs)
    implements SegmentModeration.Factory {

  public ModerationSpec {
    if (inFlight < 1 || timeoutMs < 1) {
      throw new IllegalArgumentException(
          "inFlight and timeoutMs must be >= 1, got " + inFlight + " and " + timeoutMs);
    }
  }

  @Override
  public SegmentModeration open(SegmentModeration.Slot slot) {
    Opened o = new Opened();
    try {
      o.open(this, slot);
      return o;
    } catch (RuntimeException | Error e) {
      o.close();
      throw e;
    }
  }

  private static final class Opened implements SegmentModeration {
    private volatile SharedBatchers.Lease lease;
    private SharedBatchers.Lease secondLease;
    private ThreadPoolExecutor decodePool;
    private ThreadPoolExecutor fetchPool;
    private PayloadFetcher fetcher;
    private volatile SegmentModerator moderator;

    void open(ModerationSpec spec, SegmentModeration.Slot slot) {
      ModelArtifact artifact = ModerationComponents.artifact(spec.model);
      ModelConfig config = artifact.config();
      spec.policy.checkLabels(config.labels(), config.name());
      lease =
          SharedBatchers.acquire(
              artifact,
              ModerationComponents.engineOptions(spec.model),
              ModerationComponents.batcherSettings(spec.batching));
      int threads = spec.decoder.threads();
      // The dispatcher never hands the pool more than `threads` tasks, so its queue never
      // overflows; were it to, the segment gets an ERROR verdict rather than running on the caller.
      decodePool = pool("decode-" + slot.subtaskIndex() + "-", threads, new ArrayBlockingQueue<>(threads));
      fetcher = ModerationComponents.fetcher(spec.fetch);
      if (fetcher != null && spec.fetch.threads() > 0) {
        // Unbounded queue: the operator's in-flight bound (job.in-flight-per-slot) caps what reaches it.
        fetchPool = pool("fetch-" + slot.subtaskIndex() + "-", spec.fetch.threads(), new LinkedBlockingQueue<>());
        fetchPool.allowCoreThreadTimeOut(true);
      }
      SegmentDecoder decoder = new SegmentDecoder(ModerationComponents.decoderSettings(spec.decoder, config));
      SegmentModerator.Builder builder =
          SegmentModerator.builder(decoder, lease.batcher(), config, decodePool)
              .policy(spec.policy)
              .evidence(spec.evidence);
      int admission = spec.inFlight;
      if (Boolean.TRUE.equals(spec.cascade.enabled())) {
        ModelSettings second = spec.cascade.secondModel(spec.model);
        ModelArtifact secondArtifact = ModerationComponents.artifact(second);
        ModelConfig secondConfig = secondArtifact.config();
        secondLease =
            SharedBatchers.acquire(
                secondArtifact,
                ModerationComponents.engineOptions(second),
                ModerationComponents.batcherSettings(spec.batching));
        builder.cascade(
            new Cascade(
                spec.cascade.cascadeMode(),
                spec.policy.bind(config.labels(), config.name()),
                new SegmentResult.ModelRef(secondConfig.name(), secondConfig.version()),
                secondConfig.labels(),
                Policy.defaultFor(secondConfig.name())),
            new SegmentDecoder(ModerationComponents.decoderSettings(spec.decoder, secondConfig)),
            secondLease.batcher());
      }
      if (Boolean.TRUE.equals(spec.cascade.enabled()) || spec.evidence != null) {
        // A segment hands itself a further step while its previous one still holds its place.
        admission++;
      }
      moderator =
          builder
              .admission(
                  SegmentModerator.Admission.forInFlight(
                      admission, threads, spec.decoder.maxInFlightPerStream()))
              .degrade(ModerationComponents.degradePolicy(spec.decoder))
              .fetch(fetcher, fetchPool)
              .completion(slot.completion())
              .build();
    }

    private static ThreadPoolExecutor pool(String prefix, int threads, BlockingQueue<Runnable> queue) {
      AtomicInteger n = new AtomicInteger();
      return new ThreadPoolExecutor(
          threads,
          threads,
          30,
          TimeUnit.SECONDS,
          queue,
          r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          },
          new ThreadPoolExecutor.AbortPolicy());
    }

    @Override
    public SegmentModerator.Moderation moderate(RawRecord record) {
      if (moderator == null) {
        throw new IllegalStateException("moderation is closed");
      }
      return moderator.moderate(record);
    }

    @Override
    public int admitted() {
      SegmentModerator m = moderator;
      return m == null ? 0 : m.admitted();
    }

    @Override
    public int waiting() {
      SegmentModerator m = moderator;
      return m == null ? 0 : m.waiting();
    }

    @Override
    public int queuedFrames() {
      SharedBatchers.Lease l = lease;
      return l == null ? 0 : l.batcher().queuedFrames();
    }

    @Override
    public void close() {
      moderator = null;
      if (fetchPool != null) {
        fetchPool.shutdownNow();
        fetchPool = null;
      }
      if (decodePool != null) {
        decodePool.shutdownNow();
        decodePool = null;
      }
      if (fetcher != null) {
        fetcher.close();
        fetcher = null;
      }
      if (lease != null) {
        lease.close();
        lease = null;
      }
      if (secondLease != null) {
        secondLease.close();
        secondLease = null;
      }
    }
  }
}
