package dev.streammod.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.streammod.connectors.avro.Decision;
import dev.streammod.connectors.avro.ModerationVerdict;
import dev.streammod.cli.demo.SegmentKind;
import dev.streammod.cli.demo.SyntheticStreams;
import dev.streammod.cli.demo.VerdictTally;
import dev.streammod.pipeline.policy.Policy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The job with its defaults: the nsfwjs MobileNetV2 bundled in the jar (converted at build time),
 * its shipped policy and the bundled InceptionV3 as its second opinion, through a real broker and
 * MiniCluster.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ShippedModelPipelineIT {
  private static final int STREAMS = 4;
  private static final int SEGMENTS_PER_STREAM = 5;

  private static final String[] LABELS = {"Drawing", "Hentai", "Neutral", "Porn", "Sexy"};
  private static final Policy SHIPPED_POLICY = Policy.defaultFor("nsfw-mobilenet-v2");

  /** The first model's decision on the deciding frame, before a second opinion changed it. */
  private static String firstDecision(ModerationVerdict v) {
    return v.getRule().equals("default-allow") ? "ALLOW" : SHIPPED_POLICY.rules().stream()
        .filter(r -> r.name().equals(v.getRule())).findFirst().orElseThrow().decision().name();
  }

  private static float[] scoresOf(Map<String, Float> byLabel) {
    float[] scores = new float[LABELS.length];
    for (int l = 0; l < LABELS.length; l++) {
      scores[l] = byLabel.get(LABELS[l]);
    }
    return scores;
  }

  @Test
  void defaultModelModeratesEverySegmentOnce() throws Exception {
    try (RunningPipeline pipeline =
        RunningPipeline.builder().partitions(2).set("stats.enabled", "false").start()) {
      assertThat(pipeline.settings().model().name()).isEqualTo("nsfw-mobilenet-v2");
      assertThat(pipeline.settings().cascade().enabled()).as("the bundled second opinion is on").isTrue();
      try (VerdictTally tally = pipeline.publishSyntheticStreams(STREAMS, SEGMENTS_PER_STREAM)) {
        long expected = (long) STREAMS * SEGMENTS_PER_STREAM;
        RunningPipeline.awaitVerdicts(tally, expected, Duration.ofMinutes(3));
        assertThat(tally.missing()).isZero();
        assertThat(tally.duplicated()).isZero();
        assertThat(tally.verdicts()).isEqualTo(expected);
        for (int s = 0; s < STREAMS; s++) {
          for (int seq = 0; seq < SEGMENTS_PER_STREAM; seq++) {
            ModerationVerdict v = tally.verdictOf(SyntheticStreams.streamId(s), seq);
            assertThat(v.getModelName()).isEqualTo("nsfw-mobilenet-v2");
            assertThat(v.getModelVersion()).isEqualTo("1");
            if (SegmentKind.of(s, seq) == SegmentKind.CORRUPT) {
              assertThat(v.getDecision()).isEqualTo(Decision.ERROR);
              continue;
            }
            assertThat(v.getScores()).containsOnlyKeys("Drawing", "Hentai", "Neutral", "Porn", "Sexy");
            float sum = 0;
            for (float p : v.getScores().values()) {
              assertThat(p).isBetween(0f, 1f);
              sum += p;
            }
            assertThat(sum).as("max over frames of a softmax sums to at least 1").isGreaterThanOrEqualTo(0.99f);
            assertThat(v.getDecision()).as("synthetic video is safe content").isNotIn(Decision.BLOCK, Decision.ERROR);
            assertThat(v.getRule()).isNotBlank();
            // The frame that decided is one frame: its own softmax, under the maxima, and the
            // policy applied to it alone gives the verdict's decision.
            Map<String, Float> frame = v.getWorstFrameScores();
            assertThat(frame).containsOnlyKeys(v.getScores().keySet());
            assertThat(frame.values().stream().mapToDouble(Float::doubleValue).sum()).isCloseTo(1.0, within(1e-3));
            frame.forEach((label, p) -> assertThat(p).isLessThanOrEqualTo(v.getScores().get(label)));
            assertThat(v.getWorstFrameOffsetMs()).isNotNull();
            assertThat(SHIPPED_POLICY.evaluateFrame(LABELS, scoresOf(frame)).decision())
                .isEqualTo(v.getDecidedBy() == null ? v.getDecision() : Decision.valueOf(firstDecision(v)));
          }
        }
      }
    }
  }
}
