package dev.streammod.pipeline.job;

import dev.streammod.connectors.AvroCodec;
import dev.streammod.connectors.KeyedBytes;
import dev.streammod.connectors.avro.StreamStats;
import dev.streammod.pipeline.config.StatsOptions;
import dev.streammod.pipeline.stats.StatsEvent;
import dev.streammod.pipeline.stats.StreamWindow;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by stream id: folds arrivals and verdicts into a {@link StreamWindow} (which does the
 * arithmetic, without Flink) and, on a
 * processing-time timer every {@code stats.interval-ms} (aligned to the epoch, so all streams share
 * window bounds), writes the window as an Avro {@code StreamStats} record. A stream with no event
 * for {@code stats.idle-expiry-ms} gets a tombstone (null value) and its state is dropped.
 */
public final class StreamStatsFunction extends KeyedProcessFunction<String, StatsEvent, KeyedBytes> {
  private static final long serialVersionUID = 1L;

  private final long intervalMs;
  private final long idleExpiryMs;

  private transient ValueState<StreamWindow> window;
  private transient AvroCodec<StreamStats> codec;
  private transient Counter recordsOut;
  private transient Counter streamsExpired;

  public StreamStatsFunction(StatsOptions options) {
    this.intervalMs = options.intervalMs();
    this.idleExpiryMs = options.idleExpiryMs();
  }

  @Override
  public void open(OpenContext openContext) {
    window =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("stream-window", TypeInformation.of(StreamWindow.class)));
    codec = AvroCodec.streamStats();
    var group = getRuntimeContext().getMetricGroup().addGroup("moderation");
    recordsOut = group.counter("stats_records");
    streamsExpired = group.counter("stats_streams_expired");
  }

  @Override
  public void processElement(StatsEvent event, Context ctx, Collector<KeyedBytes> out) throws Exception {
    long now = ctx.timerService().currentProcessingTime();
    StreamWindow w = window.value();
    if (w == null) {
      w = StreamWindow.startingAt(StreamWindow.alignedStart(now, intervalMs));
    }
    w.add(event, now);
    if (w.nextTimerMs == 0) {
      w.nextTimerMs = StreamWindow.alignedStart(now, intervalMs) + intervalMs;
      ctx.timerService().registerProcessingTimeTimer(w.nextTimerMs);
    }
    window.update(w);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<KeyedBytes> out) throws Exception {
    StreamWindow w = window.value();
    if (w == null || timestamp != w.nextTimerMs) {
      return;
    }
    String streamId = ctx.getCurrentKey();
    long now = ctx.timerService().currentProcessingTime();
    if (w.idle(now, idleExpiryMs)) {
      out.collect(new KeyedBytes(streamId, null));
      window.clear();
      streamsExpired.inc();
      return;
    }
    out.collect(new KeyedBytes(streamId, codec.encode(w.snapshot(streamId, timestamp, System.currentTimeMillis()))));
    recordsOut.inc();
    // After a restore or a long pause the next aligned boundary may lie past timestamp + interval.
    long next = Math.max(timestamp, StreamWindow.alignedStart(now, intervalMs)) + intervalMs;
    w.startWindow(timestamp);
    w.nextTimerMs = next;
    ctx.timerService().registerProcessingTimeTimer(next);
    window.update(w);
  }
}
