package dev.streammod.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.connectors.RawRecord;
import dev.streammod.pipeline.moderation.ErrorCode;
import dev.streammod.pipeline.moderation.SegmentModeration;
import dev.streammod.pipeline.moderation.SegmentModerator;
import dev.streammod.pipeline.moderation.SegmentResult;
import dev.streammod.pipeline.moderation.Stage;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The moderate operator's own contract, with a moderation whose results the test hands over from
 * another thread: at most {@code capacity} in flight, nothing in flight (and no state) when a
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
  static final class Delayed implements SegmentModeration.Factory {
    static final Map<Long, Long> DELAYS = new ConcurrentHashMap<>();
    static volatile ScheduledExecutorService executor;
    static volatile String openedAsSubtask;
    private final int capacity;

    Delayed(int capacity) {
      this.capacity = capacity;
    }

    @Override
    public int inFlight() {
      return capacity;
    }

    @Override
    public long timeoutMs() {
      return TIMEOUT_MS;
    }

    @Override
    public SegmentModeration open(SegmentModeration.Slot slot) {
      // As the job's moderation does: the slot names its task when the moderation opens.
      openedAsSubtask = slot.taskName();
      return new SegmentModeration() {
        @Override
        public SegmentModerator.Moderation moderate(RawRecord input) {
          CompletableFuture<SegmentResult> result = new CompletableFuture<>();
          long delay = DELAYS.getOrDefault(input.offset, 0L);
          if (delay >= 0) {
            // Completed on the slot's completion executor, as the moderator does.
            executor.schedule(
                () -> slot.completion().execute(() -> result.complete(failed(input, ErrorCode.INTERNAL))),
                delay,
                TimeUnit.MILLISECONDS);
          }
          return new SegmentModerator.Moderation() {
            @Override
            public CompletableFuture<SegmentResult> result() {
              return result;
            }

            @Override
            public void timeOut(long afterMs) {
              result.complete(failed(input, ErrorCode.TIMEOUT));
            }
          };
        }

        @Override
        public int admitted() {
          return 0;
        }

        @Override
        public int waiting() {
          return 0;
        }

        @Override
        public int queuedFrames() {
          return 0;
        }

        @Override
        public void close() {}
      };
    }

    private static SegmentResult failed(RawRecord r, ErrorCode code) {
      return new SegmentResult.Failed(
          new SegmentResult.SegmentId("s", r.offset, r.topic, r.partition, r.offset, r.timestamp),
          new SegmentResult.ModelRef("m", "1"),
          code == ErrorCode.TIMEOUT ? Stage.TIMEOUT : Stage.INFER,
          code,
          "",
          null,
          null,
          0,
          SegmentResult.Timings.NONE);
    }
  }

  private OneInputStreamOperatorTestHarness<RawRecord, SegmentResult> harness(int capacity) throws Exception {
    Delayed.executor = later;
    Delayed.DELAYS.clear();
    Delayed.openedAsSubtask = null;
    TypeSerializer<RawRecord> serializer =
        TypeInformation.of(RawRecord.class).createSerializer(new SerializerConfigImpl());
    var h =
        new OneInputStreamOperatorTestHarness<>(
            ModerateSegmentOperator.factory(new Delayed(capacity)), serializer);
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
      assertThat(h.extractOutputValues()).extracting(s -> s.id().sequence()).containsExactlyInAnyOrder(1L, 2L);
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
      assertThat(h.extractOutputValues()).extracting(s -> s.id().sequence()).contains(1L).doesNotContain(2L);
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
        assertThat(s.id().sequence()).isEqualTo(7L);
        assertThat(((SegmentResult.Failed) s).code()).isEqualTo(ErrorCode.TIMEOUT);
      });
      assertThat(((ModerateSegmentOperator) h.getOperator()).inFlight()).isZero();
      h.prepareSnapshotPreBarrier(1); // nothing left to wait for
    }
  }
}
