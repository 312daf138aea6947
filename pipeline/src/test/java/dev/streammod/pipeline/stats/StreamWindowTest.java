package dev.streammod.pipeline.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.streammod.connectors.RawRecord;
import dev.streammod.connectors.avro.Decision;
import dev.streammod.connectors.avro.ModerationVerdict;
import dev.streammod.connectors.avro.StreamStats;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

class StreamWindowTest {
  private static final long T0 = 1_700_000_000_000L;

  @Test
  void windowCountsVerdictsFramesBytesAndDecisions() {
    StreamWindow w = StreamWindow.startingAt(T0);
    w.add(arrival("s1", 1000, T0 - 100), T0);
    w.add(arrival("s1", 3000, T0 + 1900), T0 + 1);
    w.add(verdict("s1", Decision.ALLOW, 2, 10.0, 4.0, 120, false), T0 + 2);
    w.add(verdict("s1", Decision.BLOCK, 4, 20.0, 6.0, 80, true), T0 + 3);
    w.add(verdict("s1", Decision.ERROR, 0, 1.0, 0.0, 40, false), T0 + 4);

    StreamStats s = w.snapshot("s1", T0 + 5000, T0 + 5001);

    assertThat(s.getStreamId()).isEqualTo("s1");
    assertThat(s.getWindowStartMs()).isEqualTo(T0);
    assertThat(s.getWindowEndMs()).isEqualTo(T0 + 5000);
    assertThat(s.getSegments()).isEqualTo(3);
    assertThat(s.getSegmentsArrived()).isEqualTo(2);
    assertThat(s.getFrames()).isEqualTo(6);
    assertThat(s.getBytesIn()).isEqualTo(4000);
    assertThat(s.getSegmentsPerS()).isCloseTo(0.6, within(1e-9));
    assertThat(s.getFramesPerS()).isCloseTo(1.2, within(1e-9));
    assertThat(s.getDecisions())
        .containsEntry("ALLOW", 1L)
        .containsEntry("REVIEW", 0L)
        .containsEntry("BLOCK", 1L)
        .containsEntry("ERROR", 1L);
    assertThat(s.getErrors()).isEqualTo(1);
    assertThat(s.getDegraded()).isEqualTo(1);
    assertThat(s.getDecodeMsMean()).as("ERROR verdicts left out").isCloseTo(15.0, within(1e-9));
    assertThat(s.getInferMsMean()).isCloseTo(5.0, within(1e-9));
    assertThat(s.getIngestToVerdictP50Ms()).isEqualTo(80);
    assertThat(s.getIngestToVerdictP99Ms()).isEqualTo(120);
    assertThat(s.getLastSeenMs()).isEqualTo(T0 + 1900);
    assertThat(s.getSegmentPeriodMs()).isEqualTo(2000);
    assertThat(s.getEmittedAtMs()).isEqualTo(T0 + 5001);
  }

  @Test
  void theNewestFlagIsKeptAndItsThumbnailSentOnlyWithItsWindow() {
    byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2};
    StreamWindow w = StreamWindow.startingAt(T0);
    w.add(StatsEvent.verdict(withEvidence(Decision.REVIEW, 17, jpeg), T0), T0 + 10);
    w.add(StatsEvent.verdict(withEvidence(Decision.ALLOW, 18, jpeg), T0), T0 + 20);

    StreamStats first = w.snapshot("s", T0 + 5000, T0 + 5000);
    assertThat(first.getLastFlagSequence()).isEqualTo(17);
    assertThat(first.getLastFlagDecision()).isEqualTo("REVIEW");
    assertThat(first.getLastFlagAtMs()).isEqualTo(T0 + 10);
    assertThat(first.getLastFlagJpeg()).isEqualTo(java.nio.ByteBuffer.wrap(jpeg));

    w.startWindow(T0 + 5000);
    StreamStats next = w.snapshot("s", T0 + 10_000, T0 + 10_000);
    assertThat(next.getLastFlagSequence()).isEqualTo(17);
    assertThat(next.getLastFlagJpeg()).as("sent once").isNull();
    assertThat(
            StreamWindow.startingAt(T0).snapshot("t", T0 + 5000, T0 + 5000).getLastFlagSequence())
        .isEqualTo(-1);
  }

  @Test
  void emptyWindowReportsZerosButKeepsLastSeenAndPeriod() {
    StreamWindow w = StreamWindow.startingAt(T0);
    w.add(arrival("s", 10, T0 + 100), T0 + 100);
    w.add(arrival("s", 10, T0 + 2100), T0 + 2100);
    w.add(verdict("s", Decision.ALLOW, 1, 1, 1, 5, false), T0 + 2200);
    w.snapshot("s", T0 + 5000, T0 + 5000);

    w.startWindow(T0 + 5000);
    StreamStats s = w.snapshot("s", T0 + 10_000, T0 + 10_000);

    assertThat(s.getWindowStartMs()).isEqualTo(T0 + 5000);
    assertThat(s.getSegments()).isZero();
    assertThat(s.getBytesIn()).isZero();
    assertThat(s.getSegmentsPerS()).isZero();
    assertThat(s.getIngestToVerdictP50Ms()).isZero();
    assertThat(s.getDecodeMsMean()).isZero();
    assertThat(s.getDecisions().values()).containsOnly(0L);
    assertThat(s.getLastSeenMs()).isEqualTo(T0 + 2100);
    assertThat(s.getSegmentPeriodMs()).isEqualTo(2000);
  }

  @Test
  void periodIsAMovingAverageOfArrivalGapsIgnoringOutOfOrderTimestamps() {
    StreamWindow w = StreamWindow.startingAt(T0);
    w.add(arrival("s", 1, T0), T0);
    w.add(arrival("s", 1, T0 + 2000), T0);
    assertThat(w.periodMs).isEqualTo(2000);
    w.add(arrival("s", 1, T0 + 1500), T0);
    assertThat(w.periodMs).as("an older timestamp is no gap").isEqualTo(2000);
    w.add(arrival("s", 1, T0 + 6000), T0);
    assertThat(w.periodMs).isEqualTo(2000 + StreamWindow.PERIOD_ALPHA * (4000 - 2000));
  }

  @Test
  void latencySamplesStayBoundedAndPercentilesStayClose() {
    StreamWindow w = StreamWindow.startingAt(T0);
    int n = 20_000;
    for (int i = 1; i <= n; i++) {
      w.add(verdict("s", Decision.ALLOW, 1, 1, 1, i, false), T0);
    }
    assertThat(w.latencyCount).isEqualTo(StreamWindow.MAX_LATENCY_SAMPLES);
    assertThat(w.latencySamples).hasSize(StreamWindow.MAX_LATENCY_SAMPLES);
    StreamStats s = w.snapshot("s", T0 + 5000, T0 + 5000);
    assertThat(s.getSegments()).isEqualTo(n);
    assertThat((double) s.getIngestToVerdictP50Ms()).isCloseTo(n / 2.0, within(n * 0.08));
    assertThat((double) s.getIngestToVerdictP99Ms()).isCloseTo(n * 0.99, within(n * 0.03));
  }

  @Test
  void percentileIsNearestRank() {
    long[] v = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
    assertThat(StreamWindow.percentile(v, 50)).isEqualTo(50);
    assertThat(StreamWindow.percentile(v, 99)).isEqualTo(100);
    assertThat(StreamWindow.percentile(new long[] {7}, 99)).isEqualTo(7);
    assertThat(StreamWindow.percentile(new long[0], 50)).isZero();
  }

  @Test
  void idleAfterExpiryWithoutEvents() {
    StreamWindow w = StreamWindow.startingAt(T0);
    w.add(arrival("s", 1, T0), T0 + 10);
    assertThat(w.idle(T0 + 10 + 59_999, 60_000)).isFalse();
    assertThat(w.idle(T0 + 10 + 60_000, 60_000)).isTrue();
  }

  @Test
  void payloadsFetchedByReferenceCountAsBytesInWithTheirVerdicts() {
    StreamWindow w = StreamWindow.startingAt(T0);
    w.add(arrival("s", 200, T0), T0);
    ModerationVerdict v = verdictRecord("s", Decision.ALLOW, 2, 1, 1, 10, false);
    w.add(StatsEvent.verdict(v, T0, 150_000), T0 + 50);
    assertThat(w.snapshot("s", T0 + 5000, T0 + 5000).getBytesIn()).isEqualTo(200 + 150_000);
    assertThat(StatsEvent.verdict(v, T0).bytes)
        .as("inline payloads came with the arrival")
        .isZero();
  }

  @Test
  void windowsAlignToTheEpoch() {
    assertThat(StreamWindow.alignedStart(12_345, 5000)).isEqualTo(10_000);
    assertThat(StreamWindow.alignedStart(15_000, 5000)).isEqualTo(15_000);
  }

  @Test
  void recordsWithoutKeyShareOneStream() {
    RawRecord unkeyed = new RawRecord("t", 0, 1, T0, null, new byte[12]);
    assertThat(StatsEvent.arrival(unkeyed).streamId).isEqualTo(StatsEvent.UNKEYED);
    assertThat(StatsEvent.arrival(unkeyed).bytes).isEqualTo(12);
    ModerationVerdict v = verdictRecord("unkeyed/t-0@1", Decision.ERROR, 0, 0, 0, 0, false);
    assertThat(StatsEvent.verdict(v, T0).streamId).isEqualTo(StatsEvent.UNKEYED);
    assertThat(
            StatsEvent.verdict(verdictRecord("cam-1", Decision.ALLOW, 0, 0, 0, 0, false), T0)
                .streamId)
        .isEqualTo("cam-1");
  }

  @Test
  void stateAndEventsAreFlinkPojos() {
    assertThat(TypeInformation.of(StreamWindow.class)).isInstanceOf(PojoTypeInfo.class);
    assertThat(TypeInformation.of(StatsEvent.class)).isInstanceOf(PojoTypeInfo.class);
  }

  static StatsEvent arrival(String stream, int bytes, long ingestMs) {
    return StatsEvent.arrival(
        new RawRecord(
            "video.segments",
            0,
            0,
            ingestMs,
            stream.getBytes(StandardCharsets.UTF_8),
            new byte[bytes]));
  }

  private static ModerationVerdict withEvidence(Decision d, long sequence, byte[] jpeg) {
    return ModerationVerdict.newBuilder(verdictRecord("s", d, 1, 1, 1, 5, false))
        .setSequence(sequence)
        .setEvidenceJpeg(java.nio.ByteBuffer.wrap(jpeg))
        .build();
  }

  static StatsEvent verdict(
      String stream,
      Decision d,
      int frames,
      double decodeMs,
      double inferMs,
      long latencyMs,
      boolean degraded) {
    return StatsEvent.verdict(
        verdictRecord(stream, d, frames, decodeMs, inferMs, latencyMs, degraded), T0);
  }

  static ModerationVerdict verdictRecord(
      String stream,
      Decision d,
      int frames,
      double decodeMs,
      double inferMs,
      long latencyMs,
      boolean degraded) {
    return ModerationVerdict.newBuilder()
        .setStreamId(stream)
        .setSequence(1)
        .setDecision(d)
        .setFramesSampled(frames)
        .setDecodeMs(decodeMs)
        .setInferMs(inferMs)
        .setIngestToVerdictMs(latencyMs)
        .setDegraded(degraded)
        .build();
  }
}
