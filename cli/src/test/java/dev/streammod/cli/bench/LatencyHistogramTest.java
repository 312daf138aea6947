package dev.streammod.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LatencyHistogramTest {
  @Test
  void percentilesAreExactToTheMillisecondBelowTenSeconds() {
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 1; i <= 1000; i++) {
      h.record(i);
    }
    assertThat(h.count()).isEqualTo(1000);
    assertThat(h.percentile(50)).isEqualTo(500);
    assertThat(h.percentile(99)).isEqualTo(990);
    assertThat(h.percentile(100)).isEqualTo(1000);
    assertThat(h.max()).isEqualTo(1000);
  }

  @Test
  void longLatenciesLandInCoarseBucketsAndNeverExceedTheMax() {
    LatencyHistogram h = new LatencyHistogram();
    h.record(25_050);
    assertThat(h.percentile(50)).isEqualTo(25_050);
    h.record(3_600_000);
    assertThat(h.percentile(100)).isEqualTo(1_800_000);
    assertThat(h.max()).isEqualTo(3_600_000);
  }

  @Test
  void emptyAndNegative() {
    LatencyHistogram h = new LatencyHistogram();
    assertThat(h.percentile(99)).isEqualTo(-1);
    h.record(-5);
    assertThat(h.percentile(50)).isZero();
    LatencyHistogram other = new LatencyHistogram();
    other.record(7);
    h.add(other);
    assertThat(h.count()).isEqualTo(2);
    h.clear();
    assertThat(h.count()).isZero();
  }
}
