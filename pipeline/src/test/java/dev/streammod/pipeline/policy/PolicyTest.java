package dev.streammod.pipeline.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streammod.connectors.avro.Decision;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PolicyTest {
  private static final String[] NSFW = {"Drawing", "Hentai", "Neutral", "Porn", "Sexy"};

  private final Policy policy =
      new Policy(
          List.of(
              PolicyRule.of("sexy-review", Decision.REVIEW, 0.6, "Sexy"),
              PolicyRule.of("explicit-block", Decision.BLOCK, 0.8, "Porn", "Hentai")));

  @Test
  void labelsOfOneFrameAreSummed() {
    PolicyOutcome o = policy.evaluateFrame(NSFW, new float[] {0f, 0.45f, 0.1f, 0.4f, 0.05f});
    assertThat(o).isEqualTo(new PolicyOutcome(Decision.BLOCK, "explicit-block", 0));
  }

  @Test
  void blockRulesWinOverReviewRulesWrittenFirst() {
    PolicyOutcome o = policy.evaluateFrame(NSFW, new float[] {0f, 0f, 0f, 0.9f, 0.7f});
    assertThat(o.decision()).isEqualTo(Decision.BLOCK);
  }

  @Test
  void reviewBelowBlock() {
    PolicyOutcome o = policy.evaluateFrame(NSFW, new float[] {0f, 0f, 0.3f, 0.1f, 0.6f});
    assertThat(o).isEqualTo(new PolicyOutcome(Decision.REVIEW, "sexy-review", 0));
  }

  @Test
  void nothingFiresMeansAllow() {
    PolicyOutcome o = policy.evaluateFrame(NSFW, new float[] {0.5f, 0f, 0.5f, 0f, 0f});
    assertThat(o).isEqualTo(new PolicyOutcome(Decision.ALLOW, Policy.DEFAULT_RULE, 0));
  }

  @Test
  void thresholdIsInclusive() {
    Policy p = new Policy(List.of(PolicyRule.of("r", Decision.BLOCK, 0.5, "red")));
    assertThat(p.evaluateFrame(new String[] {"neutral", "red"}, new float[] {0.5f, 0.5f}).decision())
        .isEqualTo(Decision.BLOCK);
  }

  @Test
  void scoresOfDifferentFramesAreNeverAdded() {
    // Summed per-label maxima would read Porn 0.5 + Hentai 0.4 = 0.9 >= 0.8; no single frame does.
    float[][] frames = {
      {0f, 0f, 0.5f, 0.5f, 0f}, // Porn + Hentai = 0.5
      {0f, 0.4f, 0.6f, 0f, 0f}, // Porn + Hentai = 0.4
    };
    assertThat(policy.evaluate(NSFW, frames).decision()).isEqualTo(Decision.ALLOW);
  }

  @Test
  void theSegmentTakesItsWorstFrameAndNamesIt() {
    float[][] frames = {
      {0f, 0f, 0.3f, 0f, 0.7f}, // REVIEW by sexy-review
      {0f, 0f, 0.1f, 0.85f, 0.05f}, // BLOCK, Porn + Hentai = 0.85
      {0f, 0.05f, 0f, 0.9f, 0.05f}, // BLOCK, Porn + Hentai = 0.95: the one that decides
      {1f, 0f, 0f, 0f, 0f}, // ALLOW
    };
    assertThat(policy.evaluate(NSFW, frames))
        .isEqualTo(new PolicyOutcome(Decision.BLOCK, "explicit-block", 2));
  }

  @Test
  void anAllowedSegmentNamesItsRiskiestFrame() {
    float[][] frames = {
      {0f, 0f, 0.9f, 0.05f, 0.05f}, // risk 0.1
      {0f, 0.1f, 0.5f, 0.2f, 0.2f}, // risk 0.5 (Hentai, Porn and Sexy are named by rules)
      {0.6f, 0f, 0.4f, 0f, 0f},
    };
    assertThat(policy.evaluate(NSFW, frames))
        .isEqualTo(new PolicyOutcome(Decision.ALLOW, Policy.DEFAULT_RULE, 1));
    assertThat(policy.evaluate(NSFW, new float[0][]).frame()).isEqualTo(-1);
  }

  @Test
  void unknownLabelIsNamed() {
    assertThatThrownBy(() -> policy.checkLabels(List.of("neutral", "red"), "colour-stats"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("explicit-block")
        .hasMessageContaining("'Porn'")
        .hasMessageContaining("colour-stats")
        .hasMessageContaining("[neutral, red]");
  }

  @Test
  void shippedPoliciesMatchTheirModels() {
    assertThat(Policy.defaultFor("nsfw-mobilenet-v2").riskLabels())
        .containsExactlyInAnyOrder("Porn", "Hentai", "Sexy");
    assertThat(Policy.defaultFor("colour-stats").evaluateFrame(new String[] {"neutral", "red"}, new float[] {0.1f, 0.9f}))
        .isEqualTo(new PolicyOutcome(Decision.BLOCK, "red-block", 0));
    assertThatThrownBy(() -> Policy.defaultFor("no-such-model"))
        .hasMessageContaining("'no-such-model'")
        .hasMessageContaining("--policy");
  }

  @Test
  void policyFileIsReadAndCheckedWithItsName(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path ok = dir.resolve("ok.yaml");
    java.nio.file.Files.writeString(
        ok, "rules:\n  - {name: sexy, labels: [Sexy], threshold: 0.6, decision: REVIEW}\n");
    assertThat(Policy.read(ok).rules()).singleElement().satisfies(r -> assertThat(r.name()).isEqualTo("sexy"));
    java.nio.file.Path bad = dir.resolve("bad.yaml");
    java.nio.file.Files.writeString(
        bad, "rules:\n  - {name: sexy, labels: [Sexy], threshold: 2.5, decision: REVIEW}\n");
    assertThatThrownBy(() -> Policy.read(bad))
        .hasMessageContaining(bad.toString())
        .hasMessageContaining("'sexy'")
        .hasMessageContaining("2.5");
    java.nio.file.Path typo = dir.resolve("typo.yaml");
    java.nio.file.Files.writeString(typo, "rule: []\n");
    assertThatThrownBy(() -> Policy.read(typo)).hasMessageContaining(typo.toString());
  }

  @Test
  void invalidRulesAreRefusedWithTheirName() {
    assertThatThrownBy(() -> PolicyRule.of("bad", Decision.BLOCK, 1.5, "red"))
        .hasMessageContaining("'bad'")
        .hasMessageContaining("1.5");
    assertThatThrownBy(() -> PolicyRule.of("allow", Decision.ALLOW, 0.5, "red"))
        .hasMessageContaining("BLOCK or REVIEW");
    assertThatThrownBy(() -> new PolicyRule("empty", List.of(), 0.5, Decision.BLOCK))
        .hasMessageContaining("'empty'");
    assertThatThrownBy(
            () ->
                new Policy(
                    List.of(
                        PolicyRule.of("dup", Decision.BLOCK, 0.5, "red"),
                        PolicyRule.of("dup", Decision.REVIEW, 0.4, "red"))))
        .hasMessageContaining("'dup'");
  }
}
