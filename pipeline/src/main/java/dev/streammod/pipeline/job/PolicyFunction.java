package dev.streammod.pipeline.job;

import dev.streammod.connectors.AvroCodec;
import dev.streammod.connectors.KeyedBytes;
import dev.streammod.connectors.avro.DeadLetter;
import dev.streammod.connectors.avro.ModerationVerdict;
import dev.streammod.pipeline.moderation.SegmentResult;
import dev.streammod.pipeline.moderation.SegmentResult.Failed;
import dev.streammod.pipeline.moderation.Verdicts;
import dev.streammod.pipeline.policy.Policy;
import dev.streammod.pipeline.stats.StatsEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by stream id: applies the policy and emits exactly one verdict per segment, plus a dead
 * letter for each segment that failed and a {@link StatsEvent} per verdict for the stream
 * statistics.
 */
public final class PolicyFunction extends KeyedProcessFunction<String, SegmentResult, KeyedBytes> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<KeyedBytes> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

  /** One {@link StatsEvent} per verdict, for the per-stream statistics. */
  public static final OutputTag<StatsEvent> STATS_EVENTS = new OutputTag<>("stats-events") {};

  private final Policy policy;
  private transient AvroCodec<ModerationVerdict> verdictCodec;
  private transient AvroCodec<DeadLetter> deadLetterCodec;
  private transient Counter[] decisions;
  private transient Counter deadLetters;

  public PolicyFunction(Policy policy) {
    this.policy = policy;
  }

  @Override
  public void open(OpenContext openContext) {
    verdictCodec = AvroCodec.verdicts();
    deadLetterCodec = AvroCodec.deadLetters();
    var group = getRuntimeContext().getMetricGroup().addGroup("moderation");
    var values = dev.streammod.connectors.avro.Decision.values();
    decisions = new Counter[values.length];
    for (var d : values) {
      decisions[d.ordinal()] = group.counter("verdicts_" + d.name().toLowerCase());
    }
    deadLetters = group.counter("dead_letters");
  }

  @Override
  public void processElement(SegmentResult s, Context ctx, Collector<KeyedBytes> out) {
    long now = System.currentTimeMillis();
    ModerationVerdict verdict = Verdicts.verdict(s, now);
    decisions[verdict.getDecision().ordinal()].inc();
    out.collect(record(s.streamId(), verdictCodec.encode(verdict)));
    ctx.output(STATS_EVENTS, StatsEvent.verdict(verdict, s.id().ingestTimestampMs(), s.fetchedBytes()));
    if (s instanceof Failed f) {
      deadLetters.inc();
      ctx.output(DEAD_LETTERS, record(s.streamId(), deadLetterCodec.encode(Verdicts.deadLetter(f, now))));
    }
  }

  private static KeyedBytes record(String key, byte[] value) {
    KeyedBytes k = new KeyedBytes();
    k.key = key;
    k.value = value;
    return k;
  }
}
