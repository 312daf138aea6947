package dev.streammod.pipeline.moderation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streammod.pipeline.moderation.DegradePolicy.Decision;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DegradePolicyTest {
  private static final long NOW = 1_700_000_000_000L;

  @Test
  void offNeverDegrades() {
    DegradePolicy p = DegradePolicy.off();
    assertThat(p.enabled()).isFalse();
    assertThat(p.decide(NOW - 3_600_000, NOW)).isEqualTo(Decision.NORMAL);
    assertThat(p.maxFrames(p.decide(NOW - 3_600_000, NOW), 8)).isEqualTo(8);
  }

  @Test
  void segmentYoungerThanTheThresholdIsAnalysedInFull() {
    DegradePolicy p = DegradePolicy.of(2000, 0.5, 8, 2);
    assertThat(p.thresholdMs()).isEqualTo(1000);
    assertThat(p.decide(NOW - 999, NOW)).isEqualTo(Decision.NORMAL);
    assertThat(p.maxFrames(Decision.NORMAL, 8)).isEqualTo(8);
  }

  @Test
  void segmentAtOrPastTheThresholdIsDegraded() {
    DegradePolicy p = DegradePolicy.of(2000, 0.5, 8, 2);
    assertThat(p.decide(NOW - 1000, NOW)).isEqualTo(Decision.DEGRADED);
    assertThat(p.decide(NOW - 60_000, NOW)).isEqualTo(Decision.DEGRADED);
    assertThat(p.maxFrames(Decision.DEGRADED, 8)).isEqualTo(2);
  }

  @Test
  void degradedCapIsNeverAboveTheDecodersCapNorBelowOne() {
    DegradePolicy p = DegradePolicy.of(1000, 1.0, 8, 4);
    assertThat(p.maxFrames(Decision.DEGRADED, 3)).isEqualTo(3);
    DegradePolicy one = DegradePolicy.of(1000, 0.25, 1, 1);
    assertThat(one.maxFrames(Decision.DEGRADED, 1)).isEqualTo(1);
  }

  @Test
  void missingOrFutureTimestampsDoNotDegrade() {
    DegradePolicy p = DegradePolicy.of(1000, 0.5, 8, 1);
    assertThat(p.decide(0, NOW)).isEqualTo(Decision.NORMAL);
    assertThat(p.decide(-1, NOW)).isEqualTo(Decision.NORMAL);
    assertThat(p.decide(NOW + 5_000, NOW)).isEqualTo(Decision.NORMAL);
  }

  @Test
  void badSettingsAreRefusedWithTheValue() {
    assertThatThrownBy(() -> DegradePolicy.of(0, 0.5, 8, 1)).hasMessageContaining("got 0");
    assertThatThrownBy(() -> DegradePolicy.of(1000, 0, 8, 1)).hasMessageContaining("degradeAt");
    assertThatThrownBy(() -> DegradePolicy.of(1000, 1.5, 8, 1)).hasMessageContaining("1.5");
    assertThatThrownBy(() -> DegradePolicy.of(1000, 0.5, 8, 0)).hasMessageContaining("got 0");
    assertThatThrownBy(() -> DegradePolicy.of(1000, 0.5, 4, 5)).hasMessageContaining("[1, 4]");
  }
}
