package dev.streammod.pipeline.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.connectors.RawRecord;
import dev.streammod.decoders.SegmentDecoder;
import dev.streammod.decoders.synthetic.SceneKind;
import dev.streammod.decoders.synthetic.SyntheticSegments;
import dev.streammod.models.BatchInference;
import dev.streammod.models.ModelArtifact;
import dev.streammod.models.ModelConfig;
import dev.streammod.models.batching.BatcherSettings;
import dev.streammod.models.batching.DynamicBatcher;
import dev.streammod.models.testing.ColourStatsModel;
import dev.streammod.pipeline.moderation.SegmentResult.Failed;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A segment that times out is taken back where it waits: from the dispatcher's queue before any
 * decode thread sees it, from the batcher's queue before the model sees it. Real FFmpeg decoding; a
 * model that holds its first batch until the test lets it go and counts the frames it sees.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SegmentModeratorTimeoutTest {
  @TempDir Path repository;

  private final CountDownLatch firstBatchHeld = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger framesInferred = new AtomicInteger();
  private ExecutorService decodeThreads;
  private DynamicBatcher batcher;
  private SegmentModerator moderator;
  private byte[] neutral;

  /** Holds the first batch until released; answers "neutral" for every frame. */
  private final class HeldModel implements BatchInference {
    private final ModelConfig config;

    HeldModel(ModelConfig config) {
      this.config = config;
    }

    @Override
    public ModelConfig config() {
      return config;
    }

    @Override
    public String deviceDescription() {
      return "held";
    }

    @Override
    public float[][] inferPreprocessed(FloatBuffer input, int count) {
      firstBatchHeld.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      framesInferred.addAndGet(count);
      float[][] out = new float[count][];
      for (int i = 0; i < count; i++) {
        out[i] = new float[] {1f, 0f};
      }
      return out;
    }
  }

  @BeforeEach
  void setUp() {
    ModelConfig config = ModelArtifact.load(ColourStatsModel.write(repository, 64, 64)).config();
    batcher =
        new DynamicBatcher(
            new HeldModel(config), BatcherSettings.builder().maxBatchSize(8).maxWait(Duration.ZERO).build());
    decodeThreads = Executors.newSingleThreadExecutor();
    SegmentDecoder decoder = TestSegments.keyframeDecoder();
    moderator =
        SegmentModerator.builder(decoder, batcher, config, decodeThreads)
            .admission(new SegmentModerator.Admission(1, 1, 16))
            .build();
    neutral = SyntheticSegments.h264TransportStream(SceneKind.NEUTRAL, 320, 240, 15, 2.0, 5, 0);
  }

  @AfterEach
  void tearDown() {
    release.countDown();
    batcher.close();
    decodeThreads.shutdownNow();
  }

  private RawRecord record(String stream, long seq) {
    return TestSegments.record(stream, seq, neutral, null, System.currentTimeMillis());
  }

  @Test
  void aSegmentTimedOutWhileWaitingForADecodeThreadIsNeverDecoded() throws Exception {
    SegmentModerator.Moderation first = moderator.moderate(record("a", 0));
    assertThat(firstBatchHeld.await(30, TimeUnit.SECONDS)).isTrue();
    // Stream a is at its cap of 1 while its first segment is in the model: the second waits.
    SegmentModerator.Moderation second = moderator.moderate(record("a", 1));
    assertThat(moderator.waiting()).isEqualTo(1);

    second.timeOut(500);

    Failed f = (Failed) second.result().getNow(null);
    assertThat(f.stage()).isEqualTo(Stage.TIMEOUT);
    assertThat(f.code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(f.id().sequence()).as("the timeout names its segment").isEqualTo(1);
    assertThat(f.value()).as("and keeps its record for the dead letter").isNotNull();
    assertThat(moderator.waiting()).isZero();
    assertThat(moderator.admitted()).as("its place is free at once").isEqualTo(1);

    release.countDown();
    assertThat(first.result().get(30, TimeUnit.SECONDS).failed()).isFalse();
    awaitAdmitted(0);
    assertThat(framesInferred.get()).as("only the first segment's two key frames").isEqualTo(2);
  }

  @Test
  void aSegmentTimedOutInTheBatchersQueueNeverReachesTheModel() throws Exception {
    SegmentModerator.Moderation first = moderator.moderate(record("a", 0));
    assertThat(firstBatchHeld.await(30, TimeUnit.SECONDS)).isTrue();
    // Another stream: decoded at once, then queued in the batcher behind the held batch.
    SegmentModerator.Moderation second = moderator.moderate(record("b", 0));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (batcher.queuedFrames() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(batcher.queuedFrames()).isEqualTo(2);

    second.timeOut(500);
    assertThat(((Failed) second.result().getNow(null)).code()).isEqualTo(ErrorCode.TIMEOUT);

    release.countDown();
    assertThat(first.result().get(30, TimeUnit.SECONDS).failed()).isFalse();
    awaitAdmitted(0);
    assertThat(framesInferred.get()).as("the timed-out segment's frames were skipped").isEqualTo(2);
    assertThat(second.result().get().failed()).as("its result stays the timeout").isTrue();
  }

  private void awaitAdmitted(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (moderator.admitted() != n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(moderator.admitted()).isEqualTo(n);
  }
}
