package dev.streammod.cli.peer;

import dev.streammod.decoders.DecodeFailure;
import dev.streammod.decoders.DecodeResult;
import dev.streammod.decoders.DecodedFrames;
import dev.streammod.decoders.SegmentDecoder;
import dev.streammod.models.InferenceEngine;
import dev.streammod.pipeline.moderation.SegmentScores;
import dev.streammod.pipeline.policy.Policy;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Our moderation path over segment files, timed: each worker thread takes the next file, reads it,
 * decodes it with the job's {@link SegmentDecoder}, scores its frames with the {@link
 * InferenceEngine} in one session run and forms the segment's scores as the job does (the maximum
 * of each label over the frames). Warm-up passes run first and are not measured (the JIT compiles
 * the decode and inference paths there); the measured passes start together on a barrier.
 */
public final class FileModeration {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  /** The container hint the job's segments carry. */
  static final String CONTAINER = "mpegts";

  private final SegmentDecoder decoder;
  private final InferenceEngine engine;
  private final SegmentScores.Scoring scoring;

  public FileModeration(SegmentDecoder decoder, InferenceEngine engine) {
    this.decoder = decoder;
    this.engine = engine;
    // Only the maxima are compared: no rules to judge frames by.
    this.scoring =
        new SegmentScores.Scoring(engine.config().name(), engine.config().labels(), new Policy(List.of()));
  }

  /** How many workers, and how many passes over the files, warm-up first. */
  public record Passes(int workers, int warmup, int measured) {
    public Passes {
      if (workers < 1) {
        throw new IllegalArgumentException("workers must be >= 1, got " + workers);
      }
      if (warmup < 0 || measured < 1) {
        throw new IllegalArgumentException(
            "warm-up passes must be >= 0 and measured passes >= 1, got " + warmup + " and " + measured);
      }
    }
  }

  /**
   * The run's figures and the scores of the first measured pass, in file order; {@code
   * workerCpuSeconds} is the CPU time of the worker threads alone, without the JIT compiler, the
   * garbage collector and the rest of the JVM that {@code summary.cpuSeconds()} includes.
   */
  public record Outcome(RunSummary summary, double workerCpuSeconds, List<ScoreLine> scores) {}

  /** Moderates one file. */
  public ScoreLine moderate(Path file) {
    String name = file.getFileName().toString();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      return ScoreLine.failed(name, "READ_FAILED: " + e.getMessage());
    }
    DecodeResult r = decoder.decode(bytes, CONTAINER);
    if (r instanceof DecodeFailure f) {
      return ScoreLine.failed(name, f.code() + ": " + f.message());
    }
    DecodedFrames frames = (DecodedFrames) r;
    if (frames.count() == 0) {
      return ScoreLine.failed(name, "NO_FRAMES: the decoder kept no frame");
    }
    float[][] perFrame;
    try {
      perFrame = engine.infer(frames.rgb(), 0, frames.count());
    } catch (RuntimeException e) {
      return ScoreLine.failed(name, "INFERENCE_FAILED: " + e.getMessage());
    }
    SegmentScores s = scoring.score(perFrame, frames.timestampsMicros());
    return ScoreLine.scored(name, frames.count(), s.topLabel(), s.asMap());
  }

  public Outcome run(List<Path> files, Passes passes) throws InterruptedException {
    int n = files.size();
    if (n == 0) {
      throw new IllegalArgumentException("no files to moderate");
    }
    int warmItems = passes.warmup() * n;
    int items = passes.measured() * n;
    AtomicInteger nextWarm = new AtomicInteger();
    AtomicInteger next = new AtomicInteger();
    ScoreLine[] firstPass = new ScoreLine[n];
    LongAdder segments = new LongAdder();
    LongAdder frames = new LongAdder();
    LongAdder failed = new LongAdder();
    LongAdder workerCpuNanos = new LongAdder();
    AtomicReference<Throwable> error = new AtomicReference<>();
    CyclicBarrier start = new CyclicBarrier(passes.workers() + 1);
    Thread[] workers = new Thread[passes.workers()];
    for (int t = 0; t < workers.length; t++) {
      workers[t] =
          new Thread(
              () -> {
                try {
                  for (int k; (k = nextWarm.getAndIncrement()) < warmItems; ) {
                    moderate(files.get(k % n));
                  }
                  if (error.get() == null) {
                    start.await();
                  }
                  long cpu0 = THREADS.getCurrentThreadCpuTime();
                  for (int k; (k = next.getAndIncrement()) < items; ) {
                    ScoreLine s = moderate(files.get(k % n));
                    if (k < n) {
                      firstPass[k] = s;
                    }
                    segments.increment();
                    frames.add(s.frames());
                    if (s.failed()) {
                      failed.increment();
                    }
                  }
                  workerCpuNanos.add(THREADS.getCurrentThreadCpuTime() - cpu0);
                } catch (InterruptedException | BrokenBarrierException e) {
                  error.compareAndSet(null, e);
                } catch (RuntimeException | Error e) {
                  error.compareAndSet(null, e);
                  start.reset(); // the others, and the timer, stop waiting for a worker that is gone
                }
              },
              "moderate-" + t);
      workers[t].start();
    }
    long wall0;
    long cpu0;
    try {
      start.await();
    } catch (BrokenBarrierException e) {
      for (Thread w : workers) {
        w.join();
      }
      throw new IllegalStateException("a worker failed in the warm-up", error.get());
    }
    wall0 = System.nanoTime();
    cpu0 = processCpuNanos();
    for (Thread w : workers) {
      w.join();
    }
    long wall = System.nanoTime() - wall0;
    long cpu = processCpuNanos() - cpu0;
    if (error.get() != null) {
      throw new IllegalStateException("a worker failed: " + error.get(), error.get());
    }
    RunSummary summary =
        new RunSummary("ours", passes.workers(), segments.sum(), frames.sum(), failed.sum(), wall / 1e9, cpu / 1e9);
    return new Outcome(summary, workerCpuNanos.sum() / 1e9, Arrays.asList(firstPass));
  }

  /**
   * CPU time of this whole JVM, all threads (the JIT compiler and the collector included). On Linux
   * the JDK reads it in clock ticks of 10 ms: a measurement needs seconds to make that negligible.
   */
  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    throw new IllegalStateException("this JVM does not report its process CPU time");
  }
}
