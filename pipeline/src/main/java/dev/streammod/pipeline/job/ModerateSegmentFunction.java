package dev.streammod.pipeline.job;

import dev.streammod.connectors.RawRecord;
import dev.streammod.decoders.SegmentDecoder;
import dev.streammod.decoders.fetch.PayloadFetcher;
import dev.streammod.models.ModelArtifact;
import dev.streammod.models.ModelConfig;
import dev.streammod.models.batching.SharedBatchers;
import dev.streammod.pipeline.config.BatchingOptions;
import dev.streammod.pipeline.config.DecoderOptions;
import dev.streammod.pipeline.config.FetchOptions;
import dev.streammod.pipeline.config.ModelSettings;
import dev.streammod.pipeline.moderation.DegradePolicy;
import dev.streammod.pipeline.moderation.ModerationComponents;
import dev.streammod.pipeline.moderation.ScoredSegment;
import dev.streammod.pipeline.moderation.SegmentModerator;
import dev.streammod.pipeline.policy.Policy;
import java.util.Collections;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Adapts {@link SegmentModerator} to Flink's async function interface; {@link
 * ModerateSegmentOperator} runs it. The operator's capacity bounds the segments in flight per
 * slot, the decode pool and the shared batcher's queue are bounded, so a slow model backpressures
 * the Kafka source instead of filling memory.
 *
 * <p>Metrics (group {@code moderation}): counters {@code segments_in}, {@code frames_sampled},
 * {@code segments_failed}, {@code segments_degraded}, {@code payloads_fetched} and {@code
 * payload_bytes_fetched} (payloads by reference); histograms (last {@value #HISTOGRAM_WINDOW}
 * segments) {@code batch_size}, {@code wait_ms} (for a decode thread), {@code fetch_ms} (payloads
 * by reference), {@code decode_ms}, {@code queue_ms} (in the batcher), {@code infer_ms}, {@code
 * total_ms}; gauges {@code segments_admitted} and {@code segments_waiting} of this slot, {@code
 * batcher_queued_frames} of the shared batcher.
 */
public final class ModerateSegmentFunction extends RichAsyncFunction<RawRecord, ScoredSegment> {
  private static final long serialVersionUID = 1L;
  static final int HISTOGRAM_WINDOW = 1024;

  private final ModelSettings model;
  private final DecoderOptions decoderOptions;
  private final BatchingOptions batching;
  private final FetchOptions fetch;
  private final Policy policy;
  private final int inFlight;
  private final long timeoutMs;

  private transient SharedBatchers.Lease lease;
  private transient ThreadPoolExecutor decodePool;
  private transient ThreadPoolExecutor fetchPool;
  private transient PayloadFetcher fetcher;
  private transient SegmentModerator moderator;
  private transient Counter segmentsIn;
  private transient Counter framesDecoded;
  private transient Counter failures;
  private transient Counter degraded;
  private transient Counter payloadsFetched;
  private transient Counter payloadBytesFetched;
  private transient Histogram batchSize;
  private transient Histogram waitMs;
  private transient Histogram fetchMs;
  private transient Histogram decodeMs;
  private transient Histogram queueMs;
  private transient Histogram inferMs;
  private transient Histogram totalMs;

  public ModerateSegmentFunction(
      ModelSettings model,
      DecoderOptions decoderOptions,
      BatchingOptions batching,
      FetchOptions fetch,
      Policy policy,
      int inFlight,
      long timeoutMs) {
    this.model = model;
    this.decoderOptions = decoderOptions;
    this.batching = batching;
    this.fetch = fetch;
    this.policy = policy;
    this.inFlight = inFlight;
    this.timeoutMs = timeoutMs;
  }

  /** The segments in flight per slot that the operator running this function admits. */
  public int inFlight() {
    return inFlight;
  }

  /** The per-segment timeout the operator running this function applies. */
  public long timeoutMs() {
    return timeoutMs;
  }

  @Override
  public void open(OpenContext openContext) {
    ModelArtifact artifact = ModerationComponents.artifact(model);
    ModelConfig config = artifact.config();
    policy.checkLabels(config.labels(), config.name());
    lease =
        SharedBatchers.acquire(
            artifact, ModerationComponents.engineOptions(model), ModerationComponents.batcherSettings(batching));
    SegmentDecoder decoder = new SegmentDecoder(ModerationComponents.decoderSettings(decoderOptions, config));
    int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    AtomicInteger n = new AtomicInteger();
    int threads = decoderOptions.threads();
    // The fair dispatcher never hands the pool more than `threads` tasks, so its queue never
    // overflows; were it to, the segment gets an ERROR verdict rather than running on the caller.
    decodePool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(threads),
            r -> {
              Thread t = new Thread(r, "decode-" + subtask + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
    DegradePolicy degrade = ModerationComponents.degradePolicy(decoderOptions);
    fetcher = ModerationComponents.fetcher(fetch);
    if (fetcher != null && fetch.threads() > 0) {
      AtomicInteger f = new AtomicInteger();
      // Unbounded queue: Flink's in-flight bound (job.in-flight-per-slot) caps what reaches it.
      fetchPool =
          new ThreadPoolExecutor(
              fetch.threads(),
              fetch.threads(),
              30,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              r -> {
                Thread t = new Thread(r, "fetch-" + subtask + "-" + f.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      fetchPool.allowCoreThreadTimeOut(true);
    }
    moderator =
        new SegmentModerator(
            decoder,
            lease.batcher(),
            config,
            policy.riskLabels(),
            decodePool,
            // Flink bounds the segments in flight to `inFlight`; segments that timed out there may
            // still be running here, hence the slack before the dispatcher refuses one.
            new SegmentModerator.Admission(
                threads, decoderOptions.maxInFlightPerStream(), 2 * Math.max(1, inFlight)),
            degrade,
            System::currentTimeMillis,
            fetcher,
            fetchPool);
    MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("moderation");
    segmentsIn = group.counter("segments_in");
    framesDecoded = group.counter("frames_sampled");
    failures = group.counter("segments_failed");
    degraded = group.counter("segments_degraded");
    payloadsFetched = group.counter("payloads_fetched");
    payloadBytesFetched = group.counter("payload_bytes_fetched");
    batchSize = histogram(group, "batch_size");
    waitMs = histogram(group, "wait_ms");
    fetchMs = histogram(group, "fetch_ms");
    decodeMs = histogram(group, "decode_ms");
    queueMs = histogram(group, "queue_ms");
    inferMs = histogram(group, "infer_ms");
    totalMs = histogram(group, "total_ms");
    SegmentModerator m = moderator;
    var batcher = lease.batcher();
    group.gauge("segments_admitted", (Gauge<Integer>) m::admitted);
    group.gauge("segments_waiting", (Gauge<Integer>) m::waiting);
    group.gauge("batcher_queued_frames", (Gauge<Integer>) batcher::queuedFrames);
  }

  private static Histogram histogram(MetricGroup group, String name) {
    return group.histogram(name, new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
  }

  @Override
  public void asyncInvoke(RawRecord record, ResultFuture<ScoredSegment> resultFuture) {
    segmentsIn.inc();
    moderator
        .moderate(record)
        .thenAccept(
            s -> {
              record(s);
              resultFuture.complete(Collections.singletonList(s));
            });
  }

  private void record(ScoredSegment s) {
    framesDecoded.inc(s.framesSampled);
    if (s.failed()) {
      failures.inc();
    }
    if (s.degraded) {
      degraded.inc();
    }
    if (s.fetchMs > 0) {
      fetchMs.update(Math.round(s.fetchMs));
    }
    if (s.fetchedBytes > 0) {
      payloadsFetched.inc();
      payloadBytesFetched.inc(s.fetchedBytes);
    }
    if (s.batchSize > 0) {
      batchSize.update(s.batchSize);
      queueMs.update(Math.round(s.queueMs));
      inferMs.update(Math.round(s.inferMs));
    }
    waitMs.update(Math.round(s.waitMs));
    decodeMs.update(Math.round(s.decodeMs));
    totalMs.update(Math.round(s.totalMs));
  }

  @Override
  public void timeout(RawRecord record, ResultFuture<ScoredSegment> resultFuture) {
    failures.inc();
    resultFuture.complete(Collections.singletonList(moderator.timedOut(record, timeoutMs)));
  }

  @Override
  public void close() throws Exception {
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
    super.close();
  }
}
