package dev.streammod.pipeline.moderation;

import dev.streammod.connectors.RawRecord;
import java.io.Serializable;
import java.util.concurrent.Executor;

/**
 * A slot's moderation as the moderate operator runs it: opened on the TaskManager by a {@link
 * Factory} that travels with the job graph, closed with the task. {@link ModerationSpec} opens the
 * real one, a {@link SegmentModerator} with its threads, batcher lease and fetcher.
 */
public interface SegmentModeration extends AutoCloseable {

  /** Starts moderating one record; see {@link SegmentModerator#moderate}. */
  SegmentModerator.Moderation moderate(RawRecord record);

  /** Segments admitted to the decode threads and not yet done. */
  int admitted();

  /** Segments waiting for a decode thread. */
  int waiting();

  /** Frames in the shared batcher's queue. */
  int queuedFrames();

  /** Releases threads and shared resources; idempotent, and safe after a failed open. */
  @Override
  void close();

  /**
   * Where a slot's moderation runs: its subtask, and the executor that completes its results (the
   * task's mailbox: results reach the operator on the task thread).
   */
  record Slot(int subtaskIndex, String taskName, Executor completion) {}

  /** Opens a slot's moderation, with the bound and timeout the operator applies to it. */
  interface Factory extends Serializable {
    SegmentModeration open(Slot slot);

    /** Segments in flight per slot: the operator takes no more until one is done. */
    int inFlight();

    /** Milliseconds after which a segment in flight gets a TIMEOUT result. */
    long timeoutMs();
  }
}
