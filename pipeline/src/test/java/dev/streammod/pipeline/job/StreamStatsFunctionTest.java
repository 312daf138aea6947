package dev.streammod.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.connectors.AvroCodec;
import dev.streammod.connectors.AvroDecodeException;
import dev.streammod.connectors.KeyedBytes;
import dev.streammod.connectors.avro.Decision;
import dev.streammod.connectors.avro.StreamStats;
import dev.streammod.connectors.RawRecord;
import dev.streammod.connectors.avro.ModerationVerdict;
import dev.streammod.pipeline.config.StatsOptions;
import dev.streammod.pipeline.stats.StatsEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Timers and keyed state of the stats operator, on processing time the test sets. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StreamStatsFunctionTest {
  private static final long INTERVAL = 1000;
  private static final long EXPIRY = 3000;
  private final AvroCodec<StreamStats> codec = AvroCodec.streamStats();

  @Test
  void emitsOneRecordPerStreamAtEachWindowBoundary() throws Exception {
    try (var h = harness()) {
      h.setProcessingTime(10_100);
      h.processElement(new StreamRecord<>(arrival("a", 500, 10_050)));
      h.processElement(new StreamRecord<>(verdict("a", Decision.ALLOW, 2, 3, 1, 40, false)));
      h.processElement(new StreamRecord<>(verdict("b", Decision.BLOCK, 1, 3, 1, 60, false)));
      assertThat(h.extractOutputValues()).isEmpty();

      h.setProcessingTime(11_000);
      List<StreamStats> first = decoded(h.extractOutputValues());
      assertThat(first).extracting(StreamStats::getStreamId).containsExactlyInAnyOrder("a", "b");
      StreamStats a = first.stream().filter(s -> s.getStreamId().equals("a")).findFirst().orElseThrow();
      assertThat(a.getWindowStartMs()).isEqualTo(10_000);
      assertThat(a.getWindowEndMs()).isEqualTo(11_000);
      assertThat(a.getSegments()).isEqualTo(1);
      assertThat(a.getBytesIn()).isEqualTo(500);
      assertThat(a.getSegmentsPerS()).isEqualTo(1.0);

      h.setProcessingTime(12_000);
      List<StreamStats> second = decoded(h.extractOutputValues()).subList(2, 4);
      assertThat(second).allSatisfy(s -> {
        assertThat(s.getWindowStartMs()).isEqualTo(11_000);
        assertThat(s.getSegments()).as("idle window still reported").isZero();
      });
    }
  }

  @Test
  void idleStreamGetsATombstoneAndItsStateIsDropped() throws Exception {
    try (var h = harness()) {
      h.setProcessingTime(20_500);
      h.processElement(new StreamRecord<>(arrival("gone", 10, 20_400)));
      for (long t = 21_000; t <= 24_000; t += INTERVAL) {
        h.setProcessingTime(t);
      }
      List<KeyedBytes> out = h.extractOutputValues();
      assertThat(out).extracting(k -> k.key).containsOnly("gone");
      assertThat(out.get(out.size() - 1).value).as("tombstone").isNull();
      assertThat(out.subList(0, out.size() - 1)).allSatisfy(k -> assertThat(k.value).isNotNull());
      assertThat(h.numKeyedStateEntries()).isZero();
      assertThat(h.numProcessingTimeTimers()).isZero();

      h.setProcessingTime(30_000);
      assertThat(h.extractOutputValues()).hasSize(out.size());
    }
  }

  @Test
  void stateSurvivesASnapshotAndRestore() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness()) {
      h.setProcessingTime(40_100);
      h.processElement(new StreamRecord<>(arrival("r", 10, 40_000)));
      h.processElement(new StreamRecord<>(verdict("r", Decision.REVIEW, 3, 1, 1, 5, false)));
      snapshot = h.snapshot(1, 40_200);
    }
    try (var h = harness(false)) {
      h.initializeState(snapshot);
      h.open();
      h.setProcessingTime(41_000);
      List<StreamStats> out = decoded(h.extractOutputValues());
      assertThat(out).singleElement().satisfies(s -> {
        assertThat(s.getStreamId()).isEqualTo("r");
        assertThat(s.getSegments()).isEqualTo(1);
        assertThat(s.getDecisions()).containsEntry("REVIEW", 1L);
      });
    }
  }

  private KeyedOneInputStreamOperatorTestHarness<String, StatsEvent, KeyedBytes> harness() throws Exception {
    return harness(true);
  }

  private KeyedOneInputStreamOperatorTestHarness<String, StatsEvent, KeyedBytes> harness(boolean open)
      throws Exception {
    var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(
                new StreamStatsFunction(new StatsOptions(true, INTERVAL, EXPIRY, null))),
            e -> e.streamId,
            Types.STRING);
    if (open) {
      h.open();
    }
    return h;
  }

  private static StatsEvent arrival(String stream, int bytes, long ingestMs) {
    return StatsEvent.arrival(
        new RawRecord("video.segments", 0, 0, ingestMs, stream.getBytes(StandardCharsets.UTF_8), new byte[bytes]));
  }

  private static StatsEvent verdict(
      String stream, Decision d, int frames, double decodeMs, double inferMs, long latencyMs, boolean degraded) {
    return StatsEvent.verdict(
        ModerationVerdict.newBuilder()
            .setStreamId(stream)
            .setSequence(1)
            .setDecision(d)
            .setFramesSampled(frames)
            .setDecodeMs(decodeMs)
            .setInferMs(inferMs)
            .setIngestToVerdictMs(latencyMs)
            .setDegraded(degraded)
            .build(),
        0);
  }

  private List<StreamStats> decoded(List<KeyedBytes> out) {
    return out.stream().filter(k -> k.value != null).map(this::decode).collect(Collectors.toList());
  }

  private StreamStats decode(KeyedBytes k) {
    try {
      return codec.decode(k.value);
    } catch (AvroDecodeException e) {
      throw new AssertionError("unreadable stats record for " + k.key, e);
    }
  }
}
