package dev.streammod.cli.bench;

import dev.streammod.decoders.DecodedFrames;
import dev.streammod.decoders.DecodeResult;
import dev.streammod.decoders.SegmentDecoder;
import dev.streammod.models.BatchInference;
import dev.streammod.models.preprocess.FramePreprocessor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * The ceilings the pipeline is measured against, on the same inputs: FFmpeg decoding alone (the
 * job's decoder settings, as many threads as the job decodes with) and ONNX Runtime alone (the
 * job's engine, preprocessing included, at the batcher's max batch, from one thread like the
 * batcher's worker).
 */
public final class RawRates {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private RawRates() {}

  /**
   * A rate over a timed run; {@code cpuSeconds} is the CPU time the workers' threads got (and ONNX
   * Runtime's intra-op threads, for inference), so that
   * frames per CPU-second can be compared even when other processes share the cores.
   */
  public record Rate(long items, long frames, double seconds, double cpuSeconds) {
    public double itemsPerSecond() {
      return seconds <= 0 ? 0 : items / seconds;
    }

    public double framesPerSecond() {
      return seconds <= 0 ? 0 : frames / seconds;
    }

    public double framesPerCpuSecond() {
      return cpuSeconds <= 0 ? 0 : frames / cpuSeconds;
    }
  }

  /**
   * Decodes {@code segments} round-robin on {@code threads} threads for {@code duration} (after a
   * short warm-up). Items are segments, frames are sampled frames.
   */
  public static Rate decode(
      SegmentDecoder decoder, List<byte[]> segments, String container, int threads, Duration duration)
      throws InterruptedException {
    Worker w = (t, stop, items, frames) -> decodeLoop(decoder, segments, container, t, stop, items, frames);
    timed(threads, Duration.ofMillis(500), w, () -> 0);
    return timed(threads, duration, w, () -> 0);
  }

  private static void decodeLoop(
      SegmentDecoder decoder,
      List<byte[]> segments,
      String container,
      int thread,
      AtomicBoolean stop,
      LongAdder items,
      LongAdder frames) {
    int i = thread;
    while (!stop.get()) {
      DecodeResult r = decoder.decode(segments.get(i++ % segments.size()), container);
      items.increment();
      if (r instanceof DecodedFrames f) {
        frames.add(f.count());
      }
    }
  }

  /** Frames at the model's size to feed {@link #infer}: the sampled frames of {@code segments}. */
  public static byte[] sampleFrames(SegmentDecoder decoder, List<byte[]> segments, String container, int count) {
    List<byte[]> decoded = new ArrayList<>();
    int frameBytes = 0;
    for (byte[] s : segments) {
      if (decoder.decode(s, container) instanceof DecodedFrames f && f.count() > 0) {
        decoded.add(f.rgb());
        frameBytes = f.frameBytes();
      }
    }
    if (decoded.isEmpty()) {
      throw new IllegalStateException("none of the pooled segments decoded");
    }
    byte[] out = new byte[count * frameBytes];
    int filled = 0;
    for (int i = 0; filled < count; i++) {
      byte[] src = decoded.get(i % decoded.size());
      int n = Math.min(src.length / frameBytes, count - filled);
      System.arraycopy(src, 0, out, filled * frameBytes, n * frameBytes);
      filled += n;
    }
    return out;
  }

  /**
   * Runs batches of {@code batch} frames through {@code engine} from one thread for {@code
   * duration}: each batch is preprocessed (as the batcher does) and inferred. Items are batches.
   */
  public static Rate infer(BatchInference engine, byte[] rgb, int batch, Duration duration)
      throws InterruptedException {
    FramePreprocessor pre = FramePreprocessor.forConfig(engine.config());
    FloatBuffer input = pre.allocate(batch);
    int available = rgb.length / pre.frameBytes();
    if (available < batch) {
      throw new IllegalArgumentException("need " + batch + " frames, got " + available);
    }
    Worker w =
        (t, stop, items, frames) -> {
          while (!stop.get()) {
            pre.convert(rgb, 0, batch, input, 0);
            engine.inferPreprocessed(input, batch);
            items.increment();
            frames.add(batch);
          }
        };
    // With more than one intra-op thread, ONNX Runtime's own threads do part of the work.
    DoubleSupplier runtimeThreads = () -> CpuBreakdown.nativeSeconds("inference");
    timed(1, Duration.ofMillis(500), w, runtimeThreads);
    return timed(1, duration, w, runtimeThreads);
  }

  private interface Worker {
    void run(int thread, AtomicBoolean stop, LongAdder items, LongAdder frames);
  }

  /** {@code extraCpu}: CPU seconds so far of other threads that work for the workers. */
  private static Rate timed(int threads, Duration duration, Worker worker, DoubleSupplier extraCpu)
      throws InterruptedException {
    double extra0 = extraCpu.getAsDouble();
    AtomicBoolean stop = new AtomicBoolean();
    LongAdder items = new LongAdder();
    LongAdder frames = new LongAdder();
    LongAdder cpuNanos = new LongAdder();
    CountDownLatch done = new CountDownLatch(threads);
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread th =
          new Thread(
              () -> {
                long cpu0 = THREADS.getCurrentThreadCpuTime();
                try {
                  worker.run(id, stop, items, frames);
                } finally {
                  cpuNanos.add(THREADS.getCurrentThreadCpuTime() - cpu0);
                  done.countDown();
                }
              },
              "raw-rate-" + t);
      th.setDaemon(true);
      th.start();
    }
    Thread.sleep(duration.toMillis());
    stop.set(true);
    done.await();
    double seconds = (System.nanoTime() - start) / 1e9;
    double extra = Math.max(0, extraCpu.getAsDouble() - extra0);
    return new Rate(items.sum(), frames.sum(), seconds, cpuNanos.sum() / 1e9 + extra);
  }
}
