package dev.streammod.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.connectors.RawRecord;
import dev.streammod.pipeline.moderation.ScoredSegment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The moderate operator's own contract, with an async function whose results the test hands over
 * from another thread: at most {@code capacity} in flight, nothing in flight (and no state) when a
 * checkpoint is taken, a timeout result for a segment that never finishes, timestamps kept.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ModerateSegmentOperatorTest {
  private static final long TIMEOUT_MS = 10_000;
  private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    later.shutdownNow();
  }

  /** Completes each segment {@code delayMs} after it is taken, from another thread; -1: never. */
  static final class Delayed extends RichAsyncFunction<RawRecord, ScoredSegment> {
    static final Map<Long, Long> DELAYS = new ConcurrentHashMap<>();
    static volatile ScheduledExecutorService executor;
    static volatile String openedAsSubtask;

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext context) {
      // As ModerateSegmentFunction does: the runtime context must be there when the function opens.
      openedAsSubtask = getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks();
      getRuntimeContext().getMetricGroup().addGroup("moderation").counter("segments_in");
    }

    @Override
    public void asyncInvoke(RawRecord input, ResultFuture<ScoredSegment> result) {
      long delay = DELAYS.getOrDefault(input.offset, 0L);
      if (delay >= 0) {
        executor.schedule(() -> result.complete(List.of(scored(input, "done"))), delay, TimeUnit.MILLISECONDS);
      }
    }

    @Override
    public void timeout(RawRecord input, ResultFuture<ScoredSegment> result) {
      result.complete(List.of(scored(input, "TIMEOUT")));
    }

    private static ScoredSegment scored(RawRecord r, String code) {
      ScoredSegment s = new ScoredSegment();
      s.streamId = "s";
      s.sequence = r.offset;
      s.errorCode = code;
      return s;
    }
  }

  private OneInputStreamOperatorTestHarness<RawRecord, ScoredSegment> harness(int capacity) throws Exception {
    Delayed.executor = later;
    Delayed.DELAYS.clear();
    Delayed.openedAsSubtask = null;
    TypeSerializer<RawRecord> serializer =
        TypeInformation.of(RawRecord.class).createSerializer(new SerializerConfigImpl());
    var h =
        new OneInputStreamOperatorTestHarness<>(
            ModerateSegmentOperator.factory(new Delayed(), capacity, TIMEOUT_MS), serializer);
    h.open();
    assertThat(Delayed.openedAsSubtask).isNotBlank();
    return h;
  }

  private static StreamRecord<RawRecord> record(long offset) {
    return new StreamRecord<>(new RawRecord("t", 0, offset, 1000 + offset, new byte[] {'s'}, new byte[8]), 1000 + offset);
  }

  @Test
  void aCheckpointWaitsForTheSegmentsInFlightAndHoldsNoState() throws Exception {
    try (var h = harness(4)) {
      Delayed.DELAYS.put(1L, 300L);
      Delayed.DELAYS.put(2L, 400L);
      h.processElement(record(1));
      h.processElement(record(2));
      assertThat(h.extractOutputValues()).isEmpty();

      long t0 = System.nanoTime();
      h.prepareSnapshotPreBarrier(1);
      OperatorSubtaskState state = h.snapshot(1, 5000);

      assertThat(System.nanoTime() - t0).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(250));
      assertThat(h.extractOutputValues()).extracting(s -> s.sequence).containsExactlyInAnyOrder(1L, 2L);
      assertThat(state.getManagedOperatorState()).isEmpty();
      assertThat(state.getRawOperatorState()).isEmpty();
      // Timestamps travel with the results.
      assertThat(h.getOutput())
          .filteredOn(o -> o instanceof StreamRecord<?>)
          .extracting(o -> ((StreamRecord<?>) o).getTimestamp())
          .containsExactlyInAnyOrder(1001L, 1002L);
    }
  }

  @Test
  void noMoreThanCapacityInFlight() throws Exception {
    try (var h = harness(2)) {
      Delayed.DELAYS.put(1L, 300L);
      Delayed.DELAYS.put(2L, 5_000L);
      Delayed.DELAYS.put(3L, 0L);
      h.processElement(record(1));
      h.processElement(record(2));
      ModerateSegmentOperator op = (ModerateSegmentOperator) h.getOperator();
      assertThat(op.inFlight()).isEqualTo(2);

      long t0 = System.nanoTime();
      h.processElement(record(3)); // waits until segment 1 is done
      long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

      assertThat(waitedMs).isGreaterThanOrEqualTo(200);
      assertThat(h.extractOutputValues()).extracting(s -> s.sequence).contains(1L).doesNotContain(2L);
      assertThat(op.inFlight()).isLessThanOrEqualTo(2);
    }
  }

  @Test
  void aSegmentThatNeverFinishesGetsItsTimeoutResultOnce() throws Exception {
    try (var h = harness(4)) {
      Delayed.DELAYS.put(7L, -1L);
      h.setProcessingTime(0);
      h.processElement(record(7));
      h.setProcessingTime(TIMEOUT_MS - 1);
      assertThat(h.extractOutputValues()).isEmpty();
      h.setProcessingTime(TIMEOUT_MS);
      assertThat(h.extractOutputValues()).singleElement().satisfies(s -> {
        assertThat(s.sequence).isEqualTo(7L);
        assertThat(s.errorCode).isEqualTo("TIMEOUT");
      });
      assertThat(((ModerateSegmentOperator) h.getOperator()).inFlight()).isZero();
      h.prepareSnapshotPreBarrier(1); // nothing left to wait for
    }
  }
}
