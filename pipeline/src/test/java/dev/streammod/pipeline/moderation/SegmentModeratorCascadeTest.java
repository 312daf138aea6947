package dev.streammod.pipeline.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.connectors.RawRecord;
import dev.streammod.connectors.avro.Decision;
import dev.streammod.decoders.DecoderSettings;
import dev.streammod.decoders.SamplingPolicy;
import dev.streammod.decoders.SegmentDecoder;
import dev.streammod.decoders.synthetic.SceneKind;
import dev.streammod.decoders.synthetic.SyntheticSegments;
import dev.streammod.models.BatchInference;
import dev.streammod.models.ModelArtifact;
import dev.streammod.models.ModelConfig;
import dev.streammod.models.batching.BatcherSettings;
import dev.streammod.models.batching.DynamicBatcher;
import dev.streammod.models.batching.SharedBatchers;
import dev.streammod.models.testing.ColourStatsModel;
import dev.streammod.pipeline.moderation.SegmentResult.ModelRef;
import dev.streammod.pipeline.moderation.SegmentResult.Scored;
import dev.streammod.pipeline.policy.Policy;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second opinion through real FFmpeg decoding: the first model is the real colour-statistics
 * model at 64x64; the second is a model at 32x32 that answers what the test says and counts the
 * frames it is shown, so the test knows exactly what the second model saw and said.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SegmentModeratorCascadeTest {
  @TempDir static Path repository;
  private static SharedBatchers.Lease first;
  private static ModelConfig secondConfig;
  private static ExecutorService pool;
  private static byte[] red;
  private static byte[] neutral;

  private final AtomicInteger framesShown = new AtomicInteger();
  private DynamicBatcher second;

  /** Answers {@code row} for every frame (labels neutral, red), or fails when {@code row} is null. */
  private final class FixedModel implements BatchInference {
    private final float[] row;

    FixedModel(float[] row) {
      this.row = row;
    }

    @Override
    public ModelConfig config() {
      return secondConfig;
    }

    @Override
    public String deviceDescription() {
      return "fixed";
    }

    @Override
    public float[][] inferPreprocessed(FloatBuffer input, int count) {
      framesShown.addAndGet(count);
      if (row == null) {
        throw new IllegalStateException("the second model is broken");
      }
      float[][] out = new float[count][];
      for (int i = 0; i < count; i++) {
        out[i] = row.clone();
      }
      return out;
    }
  }

  @BeforeAll
  static void setUp() {
    first = TestSegments.colourStatsLease(repository.resolve("first"));
    secondConfig = ModelArtifact.load(ColourStatsModel.write(repository.resolve("second"), 32, 32)).config();
    pool = Executors.newFixedThreadPool(2);
    red = SyntheticSegments.h264TransportStream(SceneKind.RED, 320, 240, 15, 2.0, 1, 0);
    neutral = SyntheticSegments.h264TransportStream(SceneKind.NEUTRAL, 320, 240, 15, 2.0, 2, 0);
  }

  @AfterAll
  static void tearDown() {
    pool.shutdownNow();
    first.close();
  }

  @AfterEach
  void closeSecond() {
    if (second != null) {
      second.close();
    }
  }

  @Test
  void aFlaggedSegmentCarriesItsDecidingFrameAsAThumbnailAndAnAllowedOneNone() throws Exception {
    SegmentModerator m =
        SegmentModerator.builder(TestSegments.keyframeDecoder(), first.batcher(), first.config(), pool)
            .policy(Policy.colourStatsDefault())
            .evidence(new EvidenceSettings(160, 16_384, null))
            .build();
    Scored blocked = moderate(m, red);
    assertThat(blocked.decision()).isEqualTo(Decision.BLOCK);
    Evidence e = blocked.evidence();
    assertThat(e.error()).isNull();
    java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(e.jpeg()));
    assertThat(img.getWidth()).as("320x240 fitted into 160").isEqualTo(160);
    assertThat(img.getHeight()).isEqualTo(120);
    int p = img.getRGB(80, 60);
    assertThat((p >> 16) & 0xff).as("the red scene").isGreaterThan((p >> 8) & 0xff);
    assertThat(e.frameMs() * 1000).isEqualTo(blocked.scores().worstFrameOffsetMs() * 1000);
    assertThat(e.jpeg().length).isLessThanOrEqualTo(16_384);

    assertThat(moderate(m, neutral).evidence()).isNull();
  }

  private SegmentModerator moderator(Cascade.Mode mode, float[] secondSays) {
    second = new DynamicBatcher(new FixedModel(secondSays), BatcherSettings.builder().build());
    Policy rules = Policy.colourStatsDefault();
    Cascade cascade =
        new Cascade(
            mode,
            rules.bind(first.config().labels(), first.config().name()),
            new ModelRef("second-opinion", "7"),
            secondConfig.labels(),
            rules);
    SegmentDecoder at32 =
        new SegmentDecoder(DecoderSettings.builder().width(32).height(32).sampling(SamplingPolicy.keyframes()).build());
    return SegmentModerator.builder(TestSegments.keyframeDecoder(), first.batcher(), first.config(), pool)
        .policy(rules)
        .cascade(cascade, at32, second)
        .build();
  }

  private static Scored moderate(SegmentModerator m, byte[] payload) throws Exception {
    RawRecord record = TestSegments.record("s", 1, payload, null, System.currentTimeMillis());
    SegmentResult r = m.moderate(record).result().get(30, TimeUnit.SECONDS);
    assertThat(r.failed()).as("%s", r).isFalse();
    return (Scored) r;
  }

  @Test
  void anAllowedSegmentNeverReachesTheSecondModel() throws Exception {
    Scored s = moderate(moderator(Cascade.Mode.CONFIRM, new float[] {0f, 1f}), neutral);
    assertThat(s.decision()).isEqualTo(Decision.ALLOW);
    assertThat(s.second()).isNull();
    assertThat(framesShown).hasValue(0);
  }

  @Test
  void confirmBlocksOnlyWhenBothModelsBlock() throws Exception {
    Scored agreed = moderate(moderator(Cascade.Mode.CONFIRM, new float[] {0.05f, 0.95f}), red);
    assertThat(agreed.scores().decision()).as("the first model alone").isEqualTo(Decision.BLOCK);
    assertThat(agreed.decision()).isEqualTo(Decision.BLOCK);
    assertThat(agreed.second().decidedBy()).isEqualTo(Cascade.DecidedBy.BOTH);
    assertThat(agreed.second().framesAsked()).as("both key frames are red").isEqualTo(2);
    assertThat(framesShown).hasValue(2);
    assertThat(agreed.second().model()).isEqualTo(new ModelRef("second-opinion", "7"));
    assertThat(agreed.second().scoreMap()).containsEntry("red", 0.95f);

    Scored disputed = moderate(moderator(Cascade.Mode.CONFIRM, new float[] {0.9f, 0.1f}), red);
    assertThat(disputed.decision()).isEqualTo(Decision.REVIEW);
    assertThat(disputed.second().decidedBy()).isEqualTo(Cascade.DecidedBy.DISAGREEMENT);
    assertThat(disputed.second().rule()).isEqualTo(Policy.DEFAULT_RULE);
  }

  @Test
  void vetoLetsTheSecondModelDecideAlone() throws Exception {
    Scored s = moderate(moderator(Cascade.Mode.VETO, new float[] {0.9f, 0.1f}), red);
    assertThat(s.scores().decision()).isEqualTo(Decision.BLOCK);
    assertThat(s.decision()).isEqualTo(Decision.ALLOW);
    assertThat(s.second().decidedBy()).isEqualTo(Cascade.DecidedBy.SECOND);
    assertThat(s.second().error()).isNull();
  }

  @Test
  void whenTheSecondModelFailsTheFirstDecisionStandsAndSaysWhy() throws Exception {
    Scored s = moderate(moderator(Cascade.Mode.VETO, null), red);
    assertThat(s.decision()).isEqualTo(Decision.BLOCK);
    assertThat(s.second().decidedBy()).isEqualTo(Cascade.DecidedBy.FIRST);
    assertThat(s.second().error()).contains("the second model failed").contains("broken");
  }
}
