package dev.streammod.models.batching;

import dev.streammod.models.BatchInference;
import dev.streammod.models.InferenceEngine;
import dev.streammod.models.InferenceException;
import dev.streammod.models.ModelConfig;
import dev.streammod.models.preprocess.FramePreprocessor;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers frames from many callers into batches for one model. A queue bounded in frames feeds
 * the model: a batch runs when it holds {@code maxBatchSize} frames or, once the model is free,
 * when its oldest frame has waited {@code maxWait}. Callers block in {@link #submit} while the
 * queue is full, which is how a slow model slows its producers; frames count against the queue
 * until their batch starts to run.
 *
 * <p>Two threads: a preparer takes batches from the queue and converts their frames straight into
 * one of two reused direct buffers (handed to ONNX Runtime without a copy), and a runner runs them
 * and completes the futures. While batch k runs, the preparer converts batch k+1 if it is full, so
 * that preprocessing overlaps inference instead of adding to it; a batch that is not full waits for
 * the runner to be free, so batches are no smaller than with one thread.
 *
 * <p>A failed batch fails the requests in it and the batcher carries on. {@link #close()} fails
 * what has not started to run, lets the running batch finish and stops both threads; it never
 * closes the engine, which belongs to the caller.
 */
public final class DynamicBatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DynamicBatcher.class);
  private static final AtomicInteger IDS = new AtomicInteger();

  private final BatchInference engine;
  private final BatcherSettings settings;
  private final ModelConfig config;
  private final FramePreprocessor preprocessor;
  private final int frameBytes;
  private final long maxWaitNanos;
  private final String name;
  private final Thread preparer;
  private final Thread runner;
  // Batch n is converted into buffers[n % 2]: batch n+1 is only prepared while n runs.
  private final FloatBuffer[] buffers = new FloatBuffer[2];

  private final ReentrantLock lock = new ReentrantLock();
  // The preparer waits on it: frames queued, the prepared slot emptied, the runner idle, close.
  private final Condition queueChanged = lock.newCondition();
  private final Condition batchReady = lock.newCondition(); // the runner waits on it
  private final Condition roomFreed = lock.newCondition(); // blocked submitters wait on it
  private final ArrayDeque<Chunk> queue = new ArrayDeque<>(); // guarded by lock
  private int queuedFrames; // guarded by lock; frames not yet running, prepared ones included
  private Batch prepared; // guarded by lock; converted, waiting for the runner
  private boolean running; // guarded by lock; the runner is running a batch
  private boolean closed; // guarded by lock
  private Throwable workerFailure; // guarded by lock

  private final LongAdder batchesRun = new LongAdder();
  private final LongAdder framesInferred = new LongAdder();
  private final LongAdder failedBatches = new LongAdder();
  private final AtomicLongArray batchSizes;
  private long batchSeq; // preparer only

  /** A submitted request; after enqueueing only the runner touches the mutable fields. */
  private static final class Request {
    final byte[] rgb;
    final int offset;
    final int count;
    final long submitNanos;
    final float[][] scores;
    final CompletableFuture<InferenceResult> future = new CompletableFuture<>();
    int framesDone;
    long inferNanos;
    int largestBatch;
    long lastBatch = -1;

    Request(byte[] rgb, int offset, int count, long submitNanos) {
      this.rgb = rgb;
      this.offset = offset;
      this.count = count;
      this.submitNanos = submitNanos;
      this.scores = new float[count][];
    }
  }

  /** Frames [first, first + frames) of a request, waiting in the queue. */
  private static final class Chunk {
    final Request request;
    final long enqueuedNanos;
    int first;
    int frames;

    Chunk(Request request, int first, int frames, long enqueuedNanos) {
      this.request = request;
      this.first = first;
      this.frames = frames;
      this.enqueuedNanos = enqueuedNanos;
    }
  }

  /** Part of a request placed at {@code slot} in a batch. */
  private record Slice(Request request, int first, int frames, int slot) {}

  /** A batch converted into {@code buffer}, with the time its conversion took. */
  private record Batch(
      long seq, List<Slice> slices, int frames, FloatBuffer buffer, long prepareNanos) {}

  public DynamicBatcher(InferenceEngine engine, BatcherSettings settings) {
    this((BatchInference) engine, settings);
  }

  /** With any {@link BatchInference}, e.g. a test fake. */
  public DynamicBatcher(BatchInference engine, BatcherSettings settings) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.config = engine.config();
    this.preprocessor = FramePreprocessor.forConfig(config);
    this.frameBytes = preprocessor.frameBytes();
    this.maxWaitNanos = settings.maxWait().toNanos();
    this.buffers[0] = preprocessor.allocate(settings.maxBatchSize());
    this.buffers[1] = preprocessor.allocate(settings.maxBatchSize());
    this.batchSizes = new AtomicLongArray(settings.maxBatchSize() + 1);
    this.name =
        "streammod-batcher-"
            + config.name()
            + "-"
            + engine.deviceDescription()
            + "-"
            + IDS.incrementAndGet();
    this.preparer = new Thread(this::prepareLoop, name);
    this.runner = new Thread(this::runLoop, name + "-run");
    preparer.setDaemon(true);
    runner.setDaemon(true);
    preparer.start();
    runner.start();
  }

  /**
   * Enqueues {@code count} packed RGB24 HWC frames at the model size, back to back from byte {@code
   * offset}. The frames are copied, so the caller may reuse {@code rgb} at once. Blocks while the
   * queue lacks room (interruptibly; an interrupted request is withdrawn). A request larger than a
   * batch, or than the queue, is split and reassembled. The future completes with one score row per
   * frame, or exceptionally with the engine's error or because the batcher closed. {@code count} 0
   * completes at once with no rows.
   *
   * @throws IllegalStateException if the batcher is closed
   */
  public CompletableFuture<InferenceResult> submit(byte[] rgb, int offset, int count)
      throws InterruptedException {
    return enqueue(rgb, offset, count, true);
  }

  /**
   * Like {@link #submit}, without copying: the caller hands {@code rgb} over and must not change
   * it until the returned future completes. For frames decoded into an array of their own, such as
   * a segment's decoded frames, this saves one copy of every frame on the hot path.
   */
  public CompletableFuture<InferenceResult> submitOwned(byte[] rgb, int offset, int count)
      throws InterruptedException {
    return enqueue(rgb, offset, count, false);
  }

  private CompletableFuture<InferenceResult> enqueue(
      byte[] rgb, int offset, int count, boolean copy) throws InterruptedException {
    Objects.requireNonNull(rgb, "rgb");
    if (count < 0 || offset < 0 || (long) offset + (long) count * frameBytes > rgb.length) {
      throw new IllegalArgumentException(
          "rgb holds "
              + rgb.length
              + " bytes, cannot read "
              + count
              + " frames of "
              + frameBytes
              + " bytes ("
              + config.width()
              + "x"
              + config.height()
              + " RGB24) from offset "
              + offset);
    }
    long submitted = System.nanoTime();
    ensureOpen();
    if (count == 0) {
      return CompletableFuture.completedFuture(new InferenceResult(new float[0][], 0, 0, 0));
    }
    Request request =
        copy
            ? new Request(Arrays.copyOfRange(rgb, offset, offset + count * frameBytes), 0, count, submitted)
            : new Request(rgb, offset, count, submitted);
    int capacity = settings.queueCapacityFrames();
    int enqueued = 0;
    lock.lockInterruptibly();
    try {
      while (enqueued < count) {
        while (!closed && queuedFrames >= capacity) {
          roomFreed.await();
        }
        if (closed) {
          if (enqueued == 0) {
            throw closedException();
          }
          return request.future; // close() has failed it with the rest of the queue
        }
        int n = Math.min(count - enqueued, capacity - queuedFrames);
        queue.addLast(new Chunk(request, enqueued, n, System.nanoTime()));
        queuedFrames += n;
        enqueued += n;
        queueChanged.signal();
      }
    } catch (InterruptedException e) {
      if (enqueued > 0) {
        withdraw(request);
      }
      throw e;
    } finally {
      lock.unlock();
    }
    return request.future;
  }

  // Called with the lock held.
  private void withdraw(Request request) {
    request.future.cancel(false); // parts already in a running batch are then ignored
    int before = queuedFrames;
    queue.removeIf(
        c -> {
          if (c.request == request) {
            queuedFrames -= c.frames;
            return true;
          }
          return false;
        });
    if (queuedFrames != before) {
      roomFreed.signalAll();
    }
  }

  private void prepareLoop() {
    List<Slice> taken = new ArrayList<>();
    try {
      while (true) {
        taken.clear();
        int frames = takeBatch(taken);
        if (frames < 0) {
          return;
        }
        prepare(List.copyOf(taken), frames);
      }
    } catch (InterruptedException e) {
      die(new IllegalStateException(name + " was interrupted", e), taken);
    } catch (Throwable t) {
      die(t, taken);
      throw t;
    }
  }

  /**
   * Waits until the prepared slot is empty and a batch is due: a full one at any time, one whose
   * oldest frame has waited {@code maxWait} once the runner is idle. Takes it from the queue (its
   * frames still count as queued); -1 once closed.
   */
  private int takeBatch(List<Slice> out) throws InterruptedException {
    int maxBatch = settings.maxBatchSize();
    lock.lock();
    try {
      while (true) {
        if (closed) {
          return -1;
        }
        dropFinishedHead();
        if (prepared != null || queue.isEmpty()) {
          queueChanged.await();
          continue;
        }
        if (queuedFrames >= maxBatch) {
          break;
        }
        long left = queue.peekFirst().enqueuedNanos + maxWaitNanos - System.nanoTime();
        if (left <= 0 && !running) {
          break;
        }
        if (left <= 0) {
          queueChanged.await(); // the runner signals when it goes idle
        } else {
          queueChanged.awaitNanos(left);
        }
      }
      int frames = 0;
      while (frames < maxBatch && !queue.isEmpty()) {
        Chunk c = queue.peekFirst();
        if (c.request.future.isDone()) { // cancelled, or failed in an earlier batch
          queue.pollFirst();
          queuedFrames -= c.frames;
          roomFreed.signalAll();
          continue;
        }
        int take = Math.min(c.frames, maxBatch - frames);
        out.add(new Slice(c.request, c.first, take, frames));
        frames += take;
        if (take == c.frames) {
          queue.pollFirst();
        } else {
          c.first += take;
          c.frames -= take;
        }
      }
      return frames;
    } finally {
      lock.unlock();
    }
  }

  private void dropFinishedHead() {
    while (!queue.isEmpty() && queue.peekFirst().request.future.isDone()) {
      queuedFrames -= queue.pollFirst().frames;
      roomFreed.signalAll();
    }
  }

  /** Converts the frames outside the lock, then hands the batch to the runner. */
  private void prepare(List<Slice> slices, int frames) {
    if (frames == 0) {
      return;
    }
    FloatBuffer buffer = buffers[(int) (batchSeq % 2)];
    long start = System.nanoTime();
    try {
      for (Slice s : slices) {
        Request r = s.request();
        preprocessor.convert(
            r.rgb, r.offset + s.first() * frameBytes, s.frames(), buffer, s.slot());
      }
    } catch (RuntimeException e) {
      release(frames);
      failBatch(slices, frames, e);
      return;
    }
    Batch batch = new Batch(batchSeq++, slices, frames, buffer, System.nanoTime() - start);
    lock.lock();
    try {
      if (!closed) {
        prepared = batch;
        batchReady.signal();
        return;
      }
    } finally {
      lock.unlock();
    }
    failClosed(slices);
  }

  private void runLoop() {
    Batch batch = null;
    try {
      while ((batch = nextPrepared()) != null) {
        runBatch(batch);
        batch = null;
        lock.lock();
        try {
          running = false;
          queueChanged.signalAll(); // a batch that is not full may now be taken
        } finally {
          lock.unlock();
        }
      }
    } catch (InterruptedException e) {
      die(new IllegalStateException(name + " was interrupted", e), slicesOf(batch));
    } catch (Throwable t) {
      die(t, slicesOf(batch));
      throw t;
    }
  }

  private static List<Slice> slicesOf(Batch batch) {
    return batch == null ? List.of() : batch.slices();
  }

  /** Waits for the prepared batch and marks it running, freeing its room; null once closed. */
  private Batch nextPrepared() throws InterruptedException {
    lock.lock();
    try {
      while (!closed && prepared == null) {
        batchReady.await();
      }
      if (closed) {
        return null; // close() fails a prepared batch with the queue
      }
      Batch b = prepared;
      prepared = null;
      running = true;
      queuedFrames -= b.frames();
      roomFreed.signalAll();
      queueChanged.signalAll(); // the prepared slot is free again
      return b;
    } finally {
      lock.unlock();
    }
  }

  // Frames of a batch that will never run leave the queue's count.
  private void release(int frames) {
    lock.lock();
    try {
      queuedFrames -= frames;
      roomFreed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void failBatch(List<Slice> slices, int frames, RuntimeException e) {
    failedBatches.increment();
    LOG.warn("{}: batch of {} frames failed: {}", name, frames, e.toString());
    for (Slice s : slices) {
      s.request().future.completeExceptionally(e);
    }
  }

  private void runBatch(Batch batch) {
    int frames = batch.frames();
    long start = System.nanoTime();
    float[][] scores;
    try {
      scores = engine.inferPreprocessed(batch.buffer(), frames);
      if (scores == null || scores.length != frames) {
        throw new InferenceException(
            "model '"
                + config.name()
                + "' returned "
                + (scores == null ? "null" : scores.length + " rows")
                + " for a batch of "
                + frames);
      }
    } catch (RuntimeException e) {
      failBatch(batch.slices(), frames, e);
      return;
    }
    long end = System.nanoTime();
    long inferNanos = batch.prepareNanos() + end - start;
    batchesRun.increment();
    framesInferred.add(frames);
    batchSizes.incrementAndGet(frames);
    for (Slice s : batch.slices()) {
      Request r = s.request();
      System.arraycopy(scores, s.slot(), r.scores, s.first(), s.frames());
      if (r.lastBatch != batch.seq()) {
        r.lastBatch = batch.seq();
        r.inferNanos += inferNanos;
        r.largestBatch = Math.max(r.largestBatch, frames);
      }
      r.framesDone += s.frames();
      if (r.framesDone == r.count) {
        double totalMillis = (System.nanoTime() - r.submitNanos) / 1e6;
        double inferMillis = r.inferNanos / 1e6;
        r.future.complete(
            new InferenceResult(
                r.scores, Math.max(0, totalMillis - inferMillis), inferMillis, r.largestBatch));
      }
    }
  }

  private void die(Throwable cause, List<Slice> running) {
    LOG.error("{}: worker stopped; failing all queued frames", name, cause);
    List<Request> pending;
    lock.lock();
    try {
      closed = true;
      workerFailure = cause;
      pending = drainQueue();
    } finally {
      lock.unlock();
    }
    IllegalStateException failure = new IllegalStateException(name + " stopped: " + cause, cause);
    running.forEach(s -> s.request().future.completeExceptionally(failure));
    pending.forEach(r -> r.future.completeExceptionally(failure));
  }

  // Called with the lock held: the queue and the prepared batch, which has not started to run.
  private List<Request> drainQueue() {
    Map<Request, Boolean> requests = new IdentityHashMap<>();
    queue.forEach(c -> requests.put(c.request, Boolean.TRUE));
    if (prepared != null) {
      prepared.slices().forEach(s -> requests.put(s.request(), Boolean.TRUE));
      prepared = null;
    }
    queue.clear();
    queuedFrames = 0;
    queueChanged.signalAll();
    batchReady.signalAll();
    roomFreed.signalAll();
    return new ArrayList<>(requests.keySet());
  }

  // A batch converted after close() drained the queue.
  private void failClosed(List<Slice> slices) {
    IllegalStateException e = new IllegalStateException(name + " closed before these frames ran");
    slices.forEach(s -> s.request().future.completeExceptionally(e));
  }

  private void ensureOpen() {
    lock.lock();
    try {
      if (closed) {
        throw closedException();
      }
    } finally {
      lock.unlock();
    }
  }

  // Called with the lock held.
  private IllegalStateException closedException() {
    return workerFailure == null
        ? new IllegalStateException(name + " is closed")
        : new IllegalStateException(name + " stopped: " + workerFailure, workerFailure);
  }

  /**
   * Fails the requests that have not started to run with an {@link IllegalStateException}, wakes
   * blocked submitters, lets a running batch finish and waits for both threads. Idempotent. Does
   * not close the engine.
   */
  @Override
  public void close() {
    List<Request> pending;
    lock.lock();
    try {
      closed = true;
      pending = drainQueue();
    } finally {
      lock.unlock();
    }
    if (!pending.isEmpty()) {
      IllegalStateException e =
          new IllegalStateException(
              name + " closed before these frames ran (" + pending.size() + " requests pending)");
      pending.forEach(r -> r.future.completeExceptionally(e));
    }
    boolean interrupted = false;
    for (Thread t : new Thread[] {preparer, runner}) {
      // A future's callback may close the batcher on one of its own threads.
      while (t != Thread.currentThread() && t.isAlive()) {
        try {
          t.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  public boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  public ModelConfig config() {
    return config;
  }

  public String deviceDescription() {
    return engine.deviceDescription();
  }

  public BatcherSettings settings() {
    return settings;
  }

  /** Batches that ran successfully. */
  public long batchesRun() {
    return batchesRun.sum();
  }

  /** Frames scored by successful batches. */
  public long framesInferred() {
    return framesInferred.sum();
  }

  public long failedBatches() {
    return failedBatches.sum();
  }

  /** Frames waiting in the queue now, those of a batch converted but not yet running included. */
  public int queuedFrames() {
    lock.lock();
    try {
      return queuedFrames;
    } finally {
      lock.unlock();
    }
  }

  /** Snapshot: element {@code i} counts successful batches of {@code i} frames (index 0 unused). */
  public long[] batchSizeHistogram() {
    long[] h = new long[batchSizes.length()];
    for (int i = 0; i < h.length; i++) {
      h[i] = batchSizes.get(i);
    }
    return h;
  }

  @Override
  public String toString() {
    return name;
  }
}
