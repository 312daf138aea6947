package dev.streammod.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BenchOptionsTest {

  @Test
  void badValuesAreRefusedNamingTheOptionAndTheValue() {
    assertThatThrownBy(() -> BenchOptions.builder().streams(0).build())
        .hasMessage("--streams must be >= 1, got 0");
    assertThatThrownBy(() -> BenchOptions.builder().segment(Duration.ofMillis(50)).build())
        .hasMessage("--segment must be at least 100 ms, got PT0.05S");
    assertThatThrownBy(() -> BenchOptions.builder().duration(Duration.ofSeconds(4)).warmup(Duration.ofSeconds(4)).build())
        .hasMessageContaining("--warmup").hasMessageContaining("got PT4S");
    assertThatThrownBy(() -> BenchOptions.builder().overload(2).period(Duration.ofSeconds(1)).build())
        .hasMessageContaining("--overload sets the period itself");
    assertThatThrownBy(() -> BenchOptions.builder().pool(1).build()).hasMessage("--pool must be >= 2, got 1");
    assertThatThrownBy(() -> BenchOptions.builder().modelSize(4).build())
        .hasMessage("--model-size must be in 8..1024, got 4");
    assertThatThrownBy(() -> BenchOptions.builder().rawDuration(Duration.ofMillis(100)).build())
        .hasMessage("--raw-duration must be >= 200 ms, got PT0.1S");
    assertThatThrownBy(() -> BenchOptions.builder().partitions(0).build())
        .hasMessage("--parallelism and --partitions must be >= 1, got 2 and 0");
  }

  @Test
  void brokerPlacementIsCheckedAndSurvivesTheBuilder() {
    assertThat(BenchOptions.builder().build().broker().mode()).isEqualTo(BenchOptions.BrokerMode.IN_JVM);
    assertThatThrownBy(() -> BenchOptions.BrokerMode.of("docker"))
        .hasMessage("--broker must be in-jvm or process, got 'docker'");
    assertThatThrownBy(
            () -> BenchOptions.builder().broker(BenchOptions.BrokerMode.EXTERNAL, " ", null).build())
        .hasMessage("an external broker needs --bootstrap-servers");
    assertThatThrownBy(
            () -> BenchOptions.builder().broker(BenchOptions.BrokerMode.PROCESS, "h:9092", null).build())
        .hasMessageContaining("drop --broker process");
    assertThatThrownBy(
            () -> BenchOptions.builder().broker(BenchOptions.BrokerMode.IN_JVM, null, "1").build())
        .hasMessageContaining("needs --broker process");
    assertThatThrownBy(
            () -> BenchOptions.builder().broker(BenchOptions.BrokerMode.PROCESS, null, "two").build())
        .hasMessageContaining("got 'two'");
    BenchOptions pinned = BenchOptions.builder().broker(BenchOptions.BrokerMode.PROCESS, null, "2-3").build();
    assertThat(pinned.toBuilder().build()).isEqualTo(pinned);
  }

  @Test
  void warmupDefaultsToAQuarterOfTheDurationAtMostTenSeconds() {
    assertThat(BenchOptions.builder().duration(Duration.ofSeconds(20)).build().load().warmup())
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(BenchOptions.builder().build().load().warmup()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void aSweepChangesOnlyTheStreams() {
    BenchOptions o =
        BenchOptions.builder()
            .overrides(Map.of("decoder.max-frames", "1"))
            .payload(PayloadMode.FILE)
            .warmup(Duration.ofSeconds(3))
            .build();
    assertThat(o.toBuilder().build()).isEqualTo(o);
    BenchOptions more = o.withStreams(500);
    assertThat(more.load().streams()).isEqualTo(500);
    assertThat(more.toBuilder().streams(o.load().streams()).build()).isEqualTo(o);
  }

  @Test
  void overloadSetsThePeriodFromTheRawCeiling() {
    BenchOptions.Builder b = BenchOptions.builder().streams(4).segment(Duration.ofSeconds(2));
    assertThat(b.build().loadProfile(10).period()).isEqualTo(Duration.ofSeconds(2));
    assertThat(b.period(Duration.ofMillis(500)).build().loadProfile(10).period()).isEqualTo(Duration.ofMillis(500));
    // 4 streams offering twice a ceiling of 10 segments/s: one segment each per 200 ms
    assertThat(b.period(null).overload(2).build().loadProfile(10).period()).isEqualTo(Duration.ofMillis(200));
  }
}
