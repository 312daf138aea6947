package dev.streammod.pipeline.job;

import dev.streammod.connectors.RawRecord;
import dev.streammod.pipeline.moderation.ScoredSegment;
import java.util.Collection;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.functions.util.FunctionUtils;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.streaming.api.functions.async.AsyncFunction;
import org.apache.flink.streaming.api.functions.async.CollectionSupplier;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.operators.AbstractStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.AbstractUdfStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Runs {@link ModerateSegmentFunction} (any async function of raw records) with at most {@code capacity} segments in flight, like
 * Flink's unordered async operator, with one difference: before a checkpoint barrier passes, every
 * segment in flight is finished and its result emitted. The operator therefore has no state, and a
 * checkpoint holds no segment payloads: Flink's async operator stores each segment in flight in
 * every checkpoint, which costs CPU in proportion to the payload bytes in flight (written a byte at
 * a time by Flink's operator-state stream) and soon exceeds the 5 MiB that JobManager-memory
 * checkpoints allow. Exactly-once holds as before: the barrier follows the results of every segment
 * read before it.
 *
 * <p>The price is the time to finish the segments in flight at each checkpoint, during which no new
 * segment is taken; it is bounded by the capacity and the per-segment timeout.
 */
public final class ModerateSegmentOperator extends AbstractUdfStreamOperator<ScoredSegment, AsyncFunction<RawRecord, ScoredSegment>>
    implements OneInputStreamOperator<RawRecord, ScoredSegment>, BoundedOneInput {
  private static final long serialVersionUID = 1L;

  private final int capacity;
  private final long timeoutMs;
  private final transient MailboxExecutor mailbox;
  /** Segments taken and not yet emitted; touched only on the task thread. */
  private transient int inFlight;

  ModerateSegmentOperator(
      StreamOperatorParameters<ScoredSegment> parameters,
      AsyncFunction<RawRecord, ScoredSegment> function,
      int capacity,
      long timeoutMs) {
    super(parameters, function);
    // Built from its parameters, the operator is never set up the legacy way that hands the
    // function its runtime context, so hand it over here (metrics, subtask index).
    FunctionUtils.setFunctionRuntimeContext(function, getRuntimeContext());
    this.capacity = capacity;
    this.timeoutMs = timeoutMs;
    // The task's mailbox for this operator's place in the chain: what it yields to while it waits.
    this.mailbox = parameters.getMailboxExecutor();
  }

  /** The factory to hand {@code DataStream#transform}: the function's own bound and timeout. */
  public static Factory factory(ModerateSegmentFunction function) {
    return factory(function, function.inFlight(), function.timeoutMs());
  }

  /** The same for any async function of raw records, with the bound and timeout given. */
  public static Factory factory(
      AsyncFunction<RawRecord, ScoredSegment> function, int capacity, long timeoutMs) {
    if (capacity < 1 || timeoutMs < 1) {
      throw new IllegalArgumentException(
          "capacity and timeoutMs must be >= 1, got " + capacity + " and " + timeoutMs);
    }
    return new Factory(function, capacity, timeoutMs);
  }

  @Override
  public void processElement(StreamRecord<RawRecord> element) throws Exception {
    while (inFlight >= capacity) {
      mailbox.yield();
    }
    inFlight++;
    Pending p = new Pending(element);
    long now = getProcessingTimeService().getCurrentProcessingTime();
    p.timer = getProcessingTimeService().registerTimer(now + timeoutMs, t -> p.timeout());
    userFunction.asyncInvoke(element.getValue(), p);
  }

  /** Segments in flight finish before the barrier: nothing of them goes into the checkpoint. */
  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    drain();
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  /** A watermark passes only after the segments read before it. */
  @Override
  public void processWatermark(Watermark mark) throws Exception {
    drain();
    super.processWatermark(mark);
  }

  @Override
  public void endInput() throws Exception {
    drain();
  }

  @Override
  public void finish() throws Exception {
    drain();
    super.finish();
  }

  /** Segments taken and not yet emitted. */
  int inFlight() {
    return inFlight;
  }

  private void drain() throws InterruptedException {
    while (inFlight > 0) {
      mailbox.yield();
    }
  }

  /**
   * One segment in flight: its result, or its timeout, is emitted once, on the task thread, with
   * the input's timestamp.
   */
  private final class Pending implements ResultFuture<ScoredSegment> {
    private final StreamRecord<RawRecord> input;
    private final AtomicBoolean done = new AtomicBoolean();
    private ScheduledFuture<?> timer;

    Pending(StreamRecord<RawRecord> input) {
      this.input = input;
    }

    @Override
    public void complete(Collection<ScoredSegment> results) {
      if (done.compareAndSet(false, true)) {
        mailbox.execute(() -> emit(results), "emit a moderated segment");
      }
    }

    @Override
    public void complete(CollectionSupplier<ScoredSegment> supplier) {
      if (done.compareAndSet(false, true)) {
        mailbox.execute(() -> emit(supplier.get()), "emit a moderated segment");
      }
    }

    @Override
    public void completeExceptionally(Throwable error) {
      if (done.compareAndSet(false, true)) {
        mailbox.execute(
            () -> {
              throw new Exception("moderating a segment failed", error);
            },
            "fail on a segment error");
      }
    }

    /** On the task thread, when the timer fires. */
    void timeout() throws Exception {
      if (!done.get()) {
        userFunction.timeout(
            input.getValue(),
            new ResultFuture<>() {
              @Override
              public void complete(Collection<ScoredSegment> results) {
                if (done.compareAndSet(false, true)) {
                  emit(results);
                }
              }

              @Override
              public void complete(CollectionSupplier<ScoredSegment> supplier) {
                try {
                  complete(supplier.get());
                } catch (Exception e) {
                  completeExceptionally(e);
                }
              }

              @Override
              public void completeExceptionally(Throwable error) {
                Pending.this.completeExceptionally(error);
              }
            });
      }
    }

    private void emit(Collection<ScoredSegment> results) {
      if (timer != null) {
        timer.cancel(false);
      }
      for (ScoredSegment s : results) {
        output.collect(input.hasTimestamp() ? new StreamRecord<>(s, input.getTimestamp()) : new StreamRecord<>(s));
      }
      inFlight--;
    }
  }

  /**
   * Builds the operator from its parameters, which carry the task's mailbox executor (the supported
   * route; Flink's {@code YieldingOperatorFactory} is internal and deprecated).
   */
  public static final class Factory extends AbstractStreamOperatorFactory<ScoredSegment>
      implements OneInputStreamOperatorFactory<RawRecord, ScoredSegment> {
    private static final long serialVersionUID = 1L;
    private final AsyncFunction<RawRecord, ScoredSegment> function;
    private final int capacity;
    private final long timeoutMs;

    private Factory(AsyncFunction<RawRecord, ScoredSegment> function, int capacity, long timeoutMs) {
      this.function = function;
      this.capacity = capacity;
      this.timeoutMs = timeoutMs;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends StreamOperator<ScoredSegment>> T createStreamOperator(
        StreamOperatorParameters<ScoredSegment> parameters) {
      return (T) new ModerateSegmentOperator(parameters, function, capacity, timeoutMs);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends StreamOperator> getStreamOperatorClass(ClassLoader classLoader) {
      return ModerateSegmentOperator.class;
    }
  }
}
