package dev.streammod.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LoadProfileTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void steadyStreamsAreStaggeredOverOnePeriod() {
    LoadProfile p = LoadProfile.steady(4, Duration.ofSeconds(2));
    assertThat(p.firstDueNanos(0)).isZero();
    assertThat(p.firstDueNanos(1)).isEqualTo(SECOND / 2);
    assertThat(p.firstDueNanos(3)).isEqualTo(3 * SECOND / 2);
    assertThat(p.nextDueNanos(SECOND)).isEqualTo(3 * SECOND);
    assertThat(p.steadyRate()).isEqualTo(2.0);
    assertThat(p.offeredRate(0)).isEqualTo(2.0);
  }

  @Test
  void rampJoinsStreamsLinearly() {
    LoadProfile p = LoadProfile.steady(5000, Duration.ofSeconds(2)).withRamp(Duration.ofSeconds(100));
    assertThat(p.firstDueNanos(0)).isZero();
    assertThat(p.firstDueNanos(2500)).isEqualTo(50 * SECOND);
    assertThat(p.firstDueNanos(4999)).isLessThan(100 * SECOND);
    assertThat(p.offeredRate(50 * SECOND)).isCloseTo(1250.5, within(1.0));
    assertThat(p.offeredRate(200 * SECOND)).isEqualTo(2500.0);
  }

  @Test
  void burstMultipliesTheRateInsideItsWindowOnly() {
    LoadProfile p =
        LoadProfile.steady(10, Duration.ofSeconds(2))
            .withBurst(4, Duration.ofSeconds(10), Duration.ofSeconds(5));
    assertThat(p.multiplier(9 * SECOND)).isEqualTo(1.0);
    assertThat(p.multiplier(10 * SECOND)).isEqualTo(4.0);
    assertThat(p.multiplier(15 * SECOND)).isEqualTo(1.0);
    assertThat(p.nextDueNanos(12 * SECOND)).isEqualTo(12 * SECOND + SECOND / 2);
    assertThat(p.nextDueNanos(20 * SECOND)).isEqualTo(22 * SECOND);
    assertThat(p.offeredRate(11 * SECOND)).isEqualTo(20.0);
  }

  @Test
  void badProfilesAreRefused() {
    assertThatThrownBy(() -> LoadProfile.steady(0, Duration.ofSeconds(2))).hasMessageContaining("got 0");
    assertThatThrownBy(() -> LoadProfile.steady(1, Duration.ZERO)).hasMessageContaining("period");
    assertThatThrownBy(
            () -> LoadProfile.steady(1, Duration.ofSeconds(1)).withBurst(0, Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessageContaining("burst multiplier");
  }
}
