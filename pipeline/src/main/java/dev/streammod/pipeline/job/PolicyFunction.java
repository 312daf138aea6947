package dev.streammod.pipeline.job;

import dev.streammod.connectors.AvroCodec;
import dev.streammod.connectors.KeyedBytes;
import dev.streammod.connectors.avro.DeadLetter;
import dev.streammod.connectors.avro.Decision;
import dev.streammod.connectors.avro.ModerationVerdict;
import dev.streammod.pipeline.moderation.SegmentResult;
import dev.streammod.pipeline.moderation.SegmentResult.Failed;
import dev.streammod.pipeline.moderation.SegmentResult.Scored;
import dev.streammod.pipeline.moderation.Verdicts;
import dev.streammod.pipeline.policy.Escalation;
import dev.streammod.pipeline.policy.EscalationState;
import dev.streammod.pipeline.policy.Policy;
import dev.streammod.pipeline.stats.StatsEvent;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by stream id: turns each segment's result into exactly one verdict, raising the decision
 * its frames gave when the policy's {@link Escalation} is on and the stream's recent history calls
 * for it (the history is keyed state with a TTL, written by {@link EscalationStateSerializer}),
 * plus a dead letter for each segment that failed and a {@link StatsEvent} per verdict for the
 * stream statistics.
 */
public final class PolicyFunction extends KeyedProcessFunction<String, SegmentResult, KeyedBytes> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<KeyedBytes> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

  /** One {@link StatsEvent} per verdict, for the per-stream statistics. */
  public static final OutputTag<StatsEvent> STATS_EVENTS = new OutputTag<>("stats-events") {};

  private final Escalation escalation;
  private transient ValueState<EscalationState> history;
  private transient AvroCodec<ModerationVerdict> verdictCodec;
  private transient AvroCodec<DeadLetter> deadLetterCodec;
  private transient Counter[] decisions;
  private transient Counter deadLetters;

  public PolicyFunction(Policy policy) {
    this.escalation = policy.escalation();
  }

  /** The keyed state that holds a stream's history, forgotten {@code state-ttl-ms} after its last write. */
  static ValueStateDescriptor<EscalationState> historyDescriptor(Escalation escalation) {
    ValueStateDescriptor<EscalationState> d =
        new ValueStateDescriptor<>("escalation-history", EscalationStateSerializer.INSTANCE);
    d.enableTimeToLive(
        StateTtlConfig.newBuilder(Duration.ofMillis(escalation.stateTtlMs()))
            .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
            .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
            .build());
    return d;
  }

  @Override
  public void open(OpenContext openContext) {
    if (escalation.enabled()) {
      history = getRuntimeContext().getState(historyDescriptor(escalation));
    }
    verdictCodec = AvroCodec.verdicts();
    deadLetterCodec = AvroCodec.deadLetters();
    var group = getRuntimeContext().getMetricGroup().addGroup("moderation");
    var values = Decision.values();
    decisions = new Counter[values.length];
    for (var d : values) {
      decisions[d.ordinal()] = group.counter("verdicts_" + d.name().toLowerCase());
    }
    deadLetters = group.counter("dead_letters");
  }

  @Override
  public void processElement(SegmentResult s, Context ctx, Collector<KeyedBytes> out) throws Exception {
    long now = System.currentTimeMillis();
    ModerationVerdict verdict = Verdicts.verdict(s, escalate(s), now);
    decisions[verdict.getDecision().ordinal()].inc();
    out.collect(record(s.streamId(), verdictCodec.encode(verdict)));
    ctx.output(STATS_EVENTS, StatsEvent.verdict(verdict, s.id().ingestTimestampMs(), s.fetchedBytes()));
    if (s instanceof Failed f) {
      deadLetters.inc();
      ctx.output(DEAD_LETTERS, record(s.streamId(), deadLetterCodec.encode(Verdicts.deadLetter(f, now))));
    }
  }

  private EscalationState.Escalated escalate(SegmentResult s) throws Exception {
    Decision frames = s instanceof Scored sc ? sc.decision() : Decision.ERROR;
    if (history == null || frames == Decision.ERROR) {
      return EscalationState.Escalated.unchanged(frames);
    }
    EscalationState state = history.value();
    if (state == null) {
      state = new EscalationState(escalation.window());
    }
    EscalationState.Escalated e = state.apply(escalation, frames, s.id().sequence());
    history.update(state);
    return e;
  }

  private static KeyedBytes record(String key, byte[] value) {
    KeyedBytes k = new KeyedBytes();
    k.key = key;
    k.value = value;
    return k;
  }
}
