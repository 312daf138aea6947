package dev.streammod.models.batching;

import dev.streammod.models.ModelArtifact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.streammod.models.EngineOptions;
import dev.streammod.models.ExecutionDevice;
import dev.streammod.models.Frames;
import dev.streammod.models.InferenceEngine;
import dev.streammod.models.testing.ColourStatsModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DynamicBatcherTest {
  private static final int W = 16;
  private static final int H = 16;
  private static final int FRAME = 3 * W * H;

  @TempDir static Path repo;
  private static InferenceEngine engine;

  @BeforeAll
  static void open() {
    engine =
        InferenceEngine.open(
            ModelArtifact.load(ColourStatsModel.write(repo, W, H)),
            EngineOptions.builder().device(ExecutionDevice.CPU).build());
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  private static BatcherSettings settings(int maxBatch, long maxWaitMillis, int capacity) {
    return BatcherSettings.builder()
        .maxBatchSize(maxBatch)
        .maxWait(Duration.ofMillis(maxWaitMillis))
        .queueCapacityFrames(capacity)
        .build();
  }

  /** Frame k of a family: reddish colours whose p(red) spreads over (0, 1), distinct per k. */
  private static byte[] colourFrame(int k) {
    int g = k % 97;
    int b = (k * 7) % 89;
    int r = Math.min(255, (g + b) / 2 + 25 + (k % 101));
    return Frames.solid(W, H, r, g, b);
  }

  private static float[] reference(byte[] frame) {
    return engine.infer(frame, 0, 1)[0];
  }

  private static void awaitBlocked(Thread t) throws InterruptedException {
    while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
      assertThat(t.isAlive()).isTrue();
      Thread.sleep(5);
    }
  }

  @Test
  void flushesWhenTheBatchIsFull() throws Exception {
    FakeEngine fake = new FakeEngine();
    try (DynamicBatcher b = new DynamicBatcher(fake, settings(4, 60_000, 16))) {
      List<CompletableFuture<InferenceResult>> fs = new ArrayList<>();
      for (int id = 1; id <= 4; id++) {
        fs.add(b.submit(FakeEngine.frames(id), 0, 1));
      }
      for (int i = 0; i < 4; i++) {
        InferenceResult r = fs.get(i).get(10, TimeUnit.SECONDS); // far below maxWait
        assertThat(r.scores()[0][0]).isEqualTo(i + 1);
        assertThat(r.batchSize()).isEqualTo(4);
      }
      assertThat(fake.started).containsExactly(4);
      assertThat(b.batchesRun()).isEqualTo(1);
      assertThat(b.batchSizeHistogram()[4]).isEqualTo(1);
    }
  }

  @Test
  void aBatchThatIsNotFullWaitsForTheBusyModelAndTakesWhatQueuedMeanwhile() throws Exception {
    FakeEngine fake = new FakeEngine();
    fake.gate = new CountDownLatch(1);
    try (DynamicBatcher b = new DynamicBatcher(fake, settings(4, 0, 16))) {
      CompletableFuture<InferenceResult> first = b.submit(FakeEngine.frames(1), 0, 1);
      assertThat(fake.started.poll(10, TimeUnit.SECONDS)).isEqualTo(1); // held in the engine
      CompletableFuture<InferenceResult> second = b.submit(FakeEngine.frames(2), 0, 1);
      Thread.sleep(20); // far past maxWait 0, but the model is busy
      CompletableFuture<InferenceResult> third = b.submit(FakeEngine.frames(3), 0, 1);
      assertThat(b.queuedFrames()).isEqualTo(2);
      fake.gate.countDown();
      assertThat(first.get(10, TimeUnit.SECONDS).batchSize()).isEqualTo(1);
      assertThat(second.get(10, TimeUnit.SECONDS).scores()[0]).containsExactly(2, 2);
      assertThat(third.get(10, TimeUnit.SECONDS).scores()[0]).containsExactly(3, 2);
      assertThat(fake.started).containsExactly(2);
    }
  }

  @Test
  void aFullBatchIsPreparedWhileTheModelIsBusyAndCloseFailsIt() throws Exception {
    FakeEngine fake = new FakeEngine();
    fake.gate = new CountDownLatch(1);
    DynamicBatcher b = new DynamicBatcher(fake, settings(2, 60_000, 8));
    CompletableFuture<InferenceResult> running = b.submit(FakeEngine.frames(1, 2), 0, 2);
    assertThat(fake.started.poll(10, TimeUnit.SECONDS)).isEqualTo(2);
    CompletableFuture<InferenceResult> prepared = b.submit(FakeEngine.frames(3, 4), 0, 2);
    assertThat(b.queuedFrames()).as("frames count as queued until they run").isEqualTo(2);
    Thread closer = new Thread(b::close);
    closer.start();
    assertThatThrownBy(() -> prepared.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    fake.gate.countDown();
    assertThat(running.get(10, TimeUnit.SECONDS).scores()[1][0]).isEqualTo(2);
    closer.join(10_000);
    assertThat(closer.isAlive()).isFalse();
    assertThat(fake.started).isEmpty(); // the prepared batch never ran
  }

  @Test
  void ownedFramesAreReadInPlaceFromTheirOffset() throws Exception {
    FakeEngine fake = new FakeEngine();
    try (DynamicBatcher b = new DynamicBatcher(fake, settings(4, 1, 16))) {
      byte[] rgb = FakeEngine.frames(7, 8, 9);
      InferenceResult r = b.submitOwned(rgb, FakeEngine.FRAME_BYTES, 2).get(10, TimeUnit.SECONDS);
      assertThat(r.scores()).hasDimensions(2, r.scores()[0].length);
      assertThat(r.scores()[0][0]).isEqualTo(8);
      assertThat(r.scores()[1][0]).isEqualTo(9);
    }
  }

  @Test
  void aLoneFrameRunsAfterMaxWait() throws Exception {
    try (DynamicBatcher b = new DynamicBatcher(engine, settings(32, 100, 64))) {
      long start = System.nanoTime();
      InferenceResult r = b.submit(Frames.solid(W, H, 230, 20, 20), 0, 1).get(10, TimeUnit.SECONDS);
      double elapsedMillis = (System.nanoTime() - start) / 1e6;
      assertThat(elapsedMillis).isBetween(90.0, 5_000.0);
      assertThat(r.batchSize()).isEqualTo(1);
      assertThat(r.scores()[0][1]).isGreaterThan(0.99f);
      assertThat(r.queueMillis()).isGreaterThanOrEqualTo(80.0);
      assertThat(r.inferMillis()).isPositive();
    }
  }

  @Test
  void concurrentSubmittersGetExactlyTheirOwnScores() throws Exception {
    int threads = 8;
    int requestsPerThread = 12;
    try (DynamicBatcher b = new DynamicBatcher(engine, settings(8, 2, 24))) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          done.add(
              pool.submit(
                  () -> {
                    List<byte[][]> sent = new ArrayList<>();
                    List<CompletableFuture<InferenceResult>> fs = new ArrayList<>();
                    for (int q = 0; q < requestsPerThread; q++) {
                      int count = 1 + (thread + q) % 4;
                      byte[][] frames = new byte[count][];
                      for (int f = 0; f < count; f++) {
                        frames[f] = colourFrame(thread * 1000 + q * 10 + f);
                      }
                      sent.add(frames);
                      fs.add(b.submit(Frames.concat(frames), 0, count));
                    }
                    for (int q = 0; q < requestsPerThread; q++) {
                      float[][] scores = fs.get(q).get(30, TimeUnit.SECONDS).scores();
                      byte[][] frames = sent.get(q);
                      assertThat(scores).hasNumberOfRows(frames.length);
                      for (int f = 0; f < frames.length; f++) {
                        assertThat(scores[f])
                            .as("thread %d request %d frame %d", thread, q, f)
                            .containsExactly(reference(frames[f]), within(1e-5f));
                      }
                    }
                    return null;
                  }));
        }
        for (Future<?> f : done) {
          f.get(50, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(b.batchesRun()).isLessThan(b.framesInferred()); // some batching happened
    }
  }

  @Test
  void routingIsExactUnderLoad() throws Exception {
    FakeEngine fake = new FakeEngine();
    try (DynamicBatcher b = new DynamicBatcher(fake, settings(5, 1, 11))) {
      List<Thread> ts = new ArrayList<>();
      AtomicReference<Throwable> error = new AtomicReference<>();
      for (int t = 0; t < 6; t++) {
        int thread = t;
        Thread th =
            new Thread(
                () -> {
                  try {
                    for (int q = 0; q < 100; q++) {
                      int count = 1 + q % 7;
                      int[] ids = new int[count];
                      for (int f = 0; f < count; f++) {
                        ids[f] = thread * 10_000 + q * 10 + f;
                      }
                      float[][] s =
                          b.submit(FakeEngine.frames(ids), 0, count)
                              .get(30, TimeUnit.SECONDS)
                              .scores();
                      for (int f = 0; f < count; f++) {
                        assertThat(s[f][0]).isEqualTo(ids[f]);
                        assertThat(s[f][1]).isLessThanOrEqualTo(5);
                      }
                    }
                  } catch (Throwable e) {
                    error.compareAndSet(null, e);
                  }
                });
        th.start();
        ts.add(th);
      }
      for (Thread th : ts) {
        th.join();
      }
      assertThat(error.get()).isNull();
      assertThat(b.framesInferred()).isEqualTo(6 * (14 * 28 + 1 + 2));
    }
  }

  @Test
  void aRequestLargerThanABatchAndTheQueueIsSplitAndReassembled() throws Exception {
    byte[][] frames = new byte[10][];
    for (int i = 0; i < 10; i++) {
      frames[i] = colourFrame(i * 13);
    }
    try (DynamicBatcher b = new DynamicBatcher(engine, settings(4, 20, 4))) {
      InferenceResult r = b.submit(Frames.concat(frames), 0, 10).get(10, TimeUnit.SECONDS);
      assertThat(r.scores()).hasNumberOfRows(10);
      for (int i = 0; i < 10; i++) {
        assertThat(r.scores()[i])
            .as("frame %d", i)
            .containsExactly(reference(frames[i]), within(1e-5f));
      }
      assertThat(r.batchSize()).isEqualTo(4);
      assertThat(b.batchesRun()).isEqualTo(3);
      long[] h = b.batchSizeHistogram();
      assertThat(h[4]).isEqualTo(2);
      assertThat(h[2]).isEqualTo(1);
    }
  }

  @Test
  void readsFromTheOffsetAndCopiesTheCallersBytes() throws Exception {
    FakeEngine fake = new FakeEngine();
    fake.gate = new CountDownLatch(1);
    try (DynamicBatcher b = new DynamicBatcher(fake, settings(8, 0, 8))) {
      byte[] block = FakeEngine.frames(7, 8, 9);
      CompletableFuture<InferenceResult> f = b.submit(block, FakeEngine.FRAME_BYTES, 2);
      Arrays.fill(block, (byte) 0); // the caller reuses its buffer at once
      fake.gate.countDown();
      float[][] s = f.get(10, TimeUnit.SECONDS).scores();
      assertThat(s[0][0]).isEqualTo(8);
      assertThat(s[1][0]).isEqualTo(9);
      assertThat(b.submit(block, 0, 0).get().scores()).isEmpty();
      assertThatThrownBy(() -> b.submit(block, 1, 3)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void anInferenceFailureFailsItsBatchAndTheBatcherCarriesOn() throws Exception {
    FakeEngine fake = new FakeEngine();
    IllegalStateException boom = new IllegalStateException("boom");
    fake.failNext = boom;
    try (DynamicBatcher b = new DynamicBatcher(fake, settings(4, 0, 8))) {
      CompletableFuture<InferenceResult> failed = b.submit(FakeEngine.frames(1), 0, 1);
      assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCause(boom);
      assertThat(b.submit(FakeEngine.frames(2), 0, 1).get(10, TimeUnit.SECONDS).scores()[0][0])
          .isEqualTo(2);
      assertThat(b.failedBatches()).isEqualTo(1);
      assertThat(b.batchesRun()).isEqualTo(1);
    }
  }

  @Test
  void closeFailsPendingFuturesLetsTheRunningBatchFinishAndKeepsTheEngine() throws Exception {
    FakeEngine fake = new FakeEngine();
    fake.gate = new CountDownLatch(1);
    DynamicBatcher b = new DynamicBatcher(fake, settings(1, 0, 8));
    CompletableFuture<InferenceResult> running = b.submit(FakeEngine.frames(1), 0, 1);
    assertThat(fake.started.poll(10, TimeUnit.SECONDS)).isEqualTo(1);
    CompletableFuture<InferenceResult> queued = b.submit(FakeEngine.frames(2, 3), 0, 2);

    Thread closer = new Thread(b::close);
    closer.start();
    assertThatThrownBy(() -> queued.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(running).isNotDone();
    fake.gate.countDown();
    assertThat(running.get(10, TimeUnit.SECONDS).scores()[0][0]).isEqualTo(1);
    closer.join(10_000);
    assertThat(closer.isAlive()).isFalse();

    b.close(); // idempotent
    assertThat(b.isClosed()).isTrue();
    assertThatThrownBy(() -> b.submit(FakeEngine.frames(4), 0, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(fake.started).isEmpty(); // the queued request never ran
  }

  @Test
  void closingTheBatcherLeavesTheCallersEngineOpen() throws Exception {
    new DynamicBatcher(engine, settings(4, 1, 8)).close();
    assertThat(engine.isClosed()).isFalse();
    assertThat(engine.infer(colourFrame(1), 0, 1)).hasNumberOfRows(1);
  }

  @Test
  void submitBlocksWhileTheQueueIsFullAndIsInterruptible() throws Exception {
    FakeEngine fake = new FakeEngine();
    fake.gate = new CountDownLatch(1);
    try (DynamicBatcher b = new DynamicBatcher(fake, settings(2, 0, 2))) {
      CompletableFuture<InferenceResult> first = b.submit(FakeEngine.frames(1, 2), 0, 2);
      assertThat(fake.started.poll(10, TimeUnit.SECONDS)).isEqualTo(2); // in the engine, held
      CompletableFuture<InferenceResult> second =
          b.submit(FakeEngine.frames(3, 4), 0, 2); // fills the queue
      assertThat(b.queuedFrames()).isEqualTo(2);

      AtomicReference<CompletableFuture<InferenceResult>> third = new AtomicReference<>();
      Thread blocked =
          new Thread(
              () -> {
                try {
                  third.set(b.submit(FakeEngine.frames(5), 0, 1));
                } catch (InterruptedException e) {
                  throw new AssertionError(e);
                }
              });
      blocked.start();
      awaitBlocked(blocked);
      assertThat(third.get()).isNull();

      AtomicReference<Throwable> interruptedOutcome = new AtomicReference<>();
      Thread interrupted =
          new Thread(
              () -> {
                try {
                  b.submit(FakeEngine.frames(6), 0, 1);
                } catch (Throwable e) {
                  interruptedOutcome.set(e);
                }
              });
      interrupted.start();
      awaitBlocked(interrupted);
      interrupted.interrupt();
      interrupted.join(10_000);
      assertThat(interruptedOutcome.get()).isInstanceOf(InterruptedException.class);

      fake.gate.countDown(); // the model catches up: room frees, the blocked caller proceeds
      blocked.join(10_000);
      assertThat(blocked.isAlive()).isFalse();
      assertThat(first.get(10, TimeUnit.SECONDS).scores()[1][0]).isEqualTo(2);
      assertThat(second.get(10, TimeUnit.SECONDS).scores()[0][0]).isEqualTo(3);
      assertThat(third.get().get(10, TimeUnit.SECONDS).scores()[0][0]).isEqualTo(5);
      assertThat(b.framesInferred()).isEqualTo(5); // the interrupted frame never ran
    }
  }

  @Test
  void settingsValidate() {
    BatcherSettings d = BatcherSettings.builder().build();
    assertThat(d.maxBatchSize()).isEqualTo(32);
    assertThat(d.maxWait()).isEqualTo(Duration.ofMillis(5));
    assertThat(d.queueCapacityFrames()).isEqualTo(512);
    assertThatThrownBy(() -> BatcherSettings.builder().maxBatchSize(0).build())
        .hasMessageContainingAll("maxBatchSize", "0");
    assertThatThrownBy(() -> BatcherSettings.builder().maxWait(Duration.ofMillis(-1)).build())
        .hasMessageContainingAll("maxWait", "PT-0.001S");
    assertThatThrownBy(
            () -> BatcherSettings.builder().maxBatchSize(64).queueCapacityFrames(32).build())
        .hasMessageContainingAll("queueCapacityFrames", "32", "64");
  }
}
