package dev.streammod.pipeline.moderation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Hands tasks of many streams to an executor fairly. At most {@code maxRunning} tasks run on the
 * executor at once (its threads: the dispatcher, not the executor's FIFO queue, picks what runs
 * next), and at most {@code maxPerStream} tasks of one stream are in flight, from start until the
 * future a task returns completes (for the moderator: decode, then inference). Waiting tasks are
 * taken round-robin across streams, so a burst from one stream cannot starve the others: their
 * next task runs as soon as a thread is free, however many of the burst's tasks wait.
 *
 * <p>Bounded: at most {@code capacity} tasks wait or run; {@link #submit} refuses more. Thread-safe.
 */
public final class FairDispatcher {

  /** Work for one stream: runs on the executor, returns when its asynchronous part is done. */
  public interface Task {
    /** Runs on an executor thread; the stream's slot is held until the returned future completes. */
    CompletableFuture<?> run();

    /** Called instead of {@link #run} when the executor refuses the task (e.g. it is shut down). */
    void rejected(RejectedExecutionException e);
  }

  private static final class Stream {
    final String id;
    final ArrayDeque<Task> waiting = new ArrayDeque<>();
    int inFlight;
    boolean inRing;

    Stream(String id) {
      this.id = id;
    }
  }

  private final Executor executor;
  private final int maxRunning;
  private final int maxPerStream;
  private final int capacity;

  private final Object lock = new Object();
  private final Map<String, Stream> streams = new HashMap<>(); // guarded by lock
  private final ArrayDeque<Stream> ring = new ArrayDeque<>(); // ready streams, guarded by lock
  private int running; // tasks on the executor, guarded by lock
  private int inFlight; // started, not yet done, guarded by lock
  private int admitted; // waiting + in flight, guarded by lock

  private record Start(Stream stream, Task task) {}

  public FairDispatcher(Executor executor, int maxRunning, int maxPerStream, int capacity) {
    this.executor = Objects.requireNonNull(executor, "executor");
    if (maxRunning < 1) {
      throw new IllegalArgumentException("maxRunning must be >= 1, got " + maxRunning);
    }
    if (maxPerStream < 1) {
      throw new IllegalArgumentException("maxPerStream must be >= 1, got " + maxPerStream);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.maxRunning = maxRunning;
    this.maxPerStream = maxPerStream;
    this.capacity = capacity;
  }

  /**
   * Queues a task of {@code streamId}; it starts when a thread is free, the stream is under its cap
   * and its turn in the round-robin comes.
   *
   * @throws RejectedExecutionException when {@code capacity} tasks already wait or run
   */
  public void submit(String streamId, Task task) {
    Objects.requireNonNull(streamId, "streamId");
    Objects.requireNonNull(task, "task");
    List<Start> start;
    synchronized (lock) {
      if (admitted >= capacity) {
        throw new RejectedExecutionException(
            "fair dispatcher is full: " + admitted + " segments admitted, capacity " + capacity);
      }
      admitted++;
      Stream s = streams.computeIfAbsent(streamId, Stream::new);
      s.waiting.addLast(task);
      makeReady(s);
      start = takeStartable();
    }
    start.forEach(this::execute);
  }

  // Called with the lock held.
  private void makeReady(Stream s) {
    if (!s.inRing && !s.waiting.isEmpty() && s.inFlight < maxPerStream) {
      s.inRing = true;
      ring.addLast(s);
    }
  }

  // Called with the lock held: the tasks that may start now, in round-robin order.
  private List<Start> takeStartable() {
    if (running >= maxRunning || ring.isEmpty()) {
      return List.of();
    }
    List<Start> start = new ArrayList<>(2);
    while (running < maxRunning && !ring.isEmpty()) {
      Stream s = ring.pollFirst();
      s.inRing = false;
      Task t = s.waiting.pollFirst();
      s.inFlight++;
      inFlight++;
      running++;
      start.add(new Start(s, t));
      makeReady(s); // back to the tail: one task per turn
    }
    return start;
  }

  private void execute(Start st) {
    try {
      executor.execute(() -> runTask(st.stream(), st.task()));
    } catch (RejectedExecutionException e) {
      finished(st.stream(), true);
      st.task().rejected(e);
    }
  }

  private void runTask(Stream s, Task t) {
    CompletableFuture<?> done;
    try {
      done = t.run();
    } catch (RuntimeException | Error e) {
      finished(s, true);
      throw e;
    }
    stopRunning();
    if (done == null) {
      finishedInFlight(s);
    } else {
      done.whenComplete((r, e) -> finishedInFlight(s));
    }
  }

  private void stopRunning() {
    List<Start> start;
    synchronized (lock) {
      running--;
      start = takeStartable();
    }
    start.forEach(this::execute);
  }

  private void finishedInFlight(Stream s) {
    finished(s, false);
  }

  private void finished(Stream s, boolean alsoRunning) {
    List<Start> start;
    synchronized (lock) {
      if (alsoRunning) {
        running--;
      }
      s.inFlight--;
      inFlight--;
      admitted--;
      makeReady(s);
      if (s.inFlight == 0 && s.waiting.isEmpty()) {
        streams.remove(s.id, s);
      }
      start = takeStartable();
    }
    start.forEach(this::execute);
  }

  /**
   * Takes back a task that is still waiting for its turn, releasing its place in the capacity.
   *
   * @return false when the task already started (or was never submitted): it then finishes as
   *     usual
   */
  public boolean withdraw(String streamId, Task task) {
    synchronized (lock) {
      Stream s = streams.get(streamId);
      if (s == null || !s.waiting.removeFirstOccurrence(task)) {
        return false;
      }
      admitted--;
      if (s.waiting.isEmpty()) {
        if (s.inRing) {
          ring.remove(s);
          s.inRing = false;
        }
        if (s.inFlight == 0) {
          streams.remove(s.id, s);
        }
      }
      return true;
    }
  }

  /** Tasks waiting for their turn now. */
  public int waiting() {
    synchronized (lock) {
      return admitted - inFlight;
    }
  }

  /** Tasks admitted (waiting or in flight) now. */
  public int admitted() {
    synchronized (lock) {
      return admitted;
    }
  }
}
