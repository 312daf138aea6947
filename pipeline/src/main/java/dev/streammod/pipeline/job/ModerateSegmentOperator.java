package dev.streammod.pipeline.job;

import dev.streammod.connectors.RawRecord;
import dev.streammod.pipeline.moderation.SegmentModeration;
import dev.streammod.pipeline.moderation.SegmentModerator;
import dev.streammod.pipeline.moderation.SegmentResult;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.AbstractStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Adapts a slot's {@link SegmentModeration} to Flink: at most {@code inFlight} segments in flight
 * (it then yields to the mailbox, so Flink's credit-based flow control slows the Kafka source), a
 * processing-time timer per segment that times it out, results emitted and metrics updated on the
 * task thread (the moderation completes its results on the task's mailbox), with the input's
 * timestamp.
 *
 * <p>Like Flink's unordered async operator, with one difference: before a checkpoint barrier
 * passes, every segment in flight is finished and its result emitted. The operator therefore has
 * no state, and a checkpoint holds no segment payloads: Flink's async operator stores each segment
 * in flight in every checkpoint, which costs CPU in proportion to the payload bytes in flight and
 * soon exceeds the 5 MiB that JobManager-memory checkpoints allow. Exactly-once holds as before:
 * the barrier follows the results of every segment read before it. The price is the time to finish
 * the segments in flight at each checkpoint, during which no new segment is taken; it is bounded by
 * the bound and the per-segment timeout.
 */
public final class ModerateSegmentOperator extends AbstractStreamOperator<SegmentResult>
    implements OneInputStreamOperator<RawRecord, SegmentResult>, BoundedOneInput {
  private static final long serialVersionUID = 1L;

  private final SegmentModeration.Factory factory;
  private final transient MailboxExecutor mailbox;
  private transient SegmentModeration moderation;
  private transient ModerationMetrics metrics;
  /** Segments taken and not yet emitted; touched only on the task thread. */
  private transient int inFlight;

  private ModerateSegmentOperator(
      StreamOperatorParameters<SegmentResult> parameters, SegmentModeration.Factory factory) {
    super(parameters);
    this.factory = factory;
    // The task's mailbox for this operator's place in the chain: what it yields to while it
    // waits, and where the moderation completes its results.
    this.mailbox = parameters.getMailboxExecutor();
  }

  /** The factory to hand {@code DataStream#transform}, with the bound and timeout of {@code spec}. */
  public static Factory factory(SegmentModeration.Factory spec) {
    if (spec.inFlight() < 1 || spec.timeoutMs() < 1) {
      throw new IllegalArgumentException(
          "inFlight and timeoutMs must be >= 1, got " + spec.inFlight() + " and " + spec.timeoutMs());
    }
    return new Factory(spec);
  }

  @Override
  public void open() throws Exception {
    super.open();
    var task = getRuntimeContext().getTaskInfo();
    moderation =
        factory.open(
            new SegmentModeration.Slot(
                task.getIndexOfThisSubtask(),
                task.getTaskNameWithSubtasks(),
                r -> mailbox.execute(r::run, "complete a moderated segment")));
    metrics = new ModerationMetrics(getMetricGroup(), moderation);
  }

  @Override
  public void processElement(StreamRecord<RawRecord> element) throws Exception {
    while (inFlight >= factory.inFlight()) {
      mailbox.yield();
    }
    inFlight++;
    metrics.segmentIn();
    SegmentModerator.Moderation m = moderation.moderate(element.getValue());
    long now = getProcessingTimeService().getCurrentProcessingTime();
    ScheduledFuture<?> timer =
        getProcessingTimeService()
            .registerTimer(now + factory.timeoutMs(), t -> m.timeOut(factory.timeoutMs()));
    m.result()
        .whenComplete(
            (result, error) -> {
              try {
                if (error != null) {
                  throw error;
                }
                timer.cancel(false);
                emit(element, result);
              } catch (Throwable t) {
                // Thrown here it would only fail the future: fail the task instead.
                mailbox.execute(
                    () -> {
                      throw new Exception("moderating a segment failed", t);
                    },
                    "fail on a segment error");
              }
            });
  }

  /** On the task thread: the moderation completes results on the mailbox, timeouts fire there. */
  private void emit(StreamRecord<RawRecord> input, SegmentResult result) {
    metrics.segmentDone(result);
    output.collect(
        input.hasTimestamp() ? new StreamRecord<>(result, input.getTimestamp()) : new StreamRecord<>(result));
    inFlight--;
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

  @Override
  public void close() throws Exception {
    try {
      if (moderation != null) {
        moderation.close();
        moderation = null;
      }
    } finally {
      super.close();
    }
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
   * Builds the operator from its parameters, which carry the task's mailbox executor (the supported
   * route; Flink's {@code YieldingOperatorFactory} is internal and deprecated).
   */
  public static final class Factory extends AbstractStreamOperatorFactory<SegmentResult>
      implements OneInputStreamOperatorFactory<RawRecord, SegmentResult> {
    private static final long serialVersionUID = 1L;
    private final SegmentModeration.Factory spec;

    private Factory(SegmentModeration.Factory spec) {
      this.spec = spec;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends StreamOperator<SegmentResult>> T createStreamOperator(
        StreamOperatorParameters<SegmentResult> parameters) {
      return (T) new ModerateSegmentOperator(parameters, spec);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends StreamOperator> getStreamOperatorClass(ClassLoader classLoader) {
      return ModerateSegmentOperator.class;
    }
  }
}
