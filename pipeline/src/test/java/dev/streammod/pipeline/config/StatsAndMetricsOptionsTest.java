package dev.streammod.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streammod.connectors.Topics;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatsAndMetricsOptionsTest {
  @Test
  void defaultsWhenAbsent() {
    JobSettings s = SettingsLoader.load(null, Map.of());
    assertThat(s.stats().enabled()).isTrue();
    assertThat(s.stats().intervalMs()).isEqualTo(5000);
    assertThat(s.stats().idleExpiryMs()).isEqualTo(600_000);
    assertThat(s.stats().topic()).isEqualTo(Topics.STREAM_STATS);
    assertThat(s.metrics().prometheus()).isFalse();
    assertThat(s.metrics().prometheusPort()).isEqualTo("9249");
    assertThat(JobSettings.defaults().stats()).isEqualTo(s.stats());
  }

  @Test
  void overridesBind() {
    JobSettings s =
        SettingsLoader.load(
            null,
            Map.of(
                "stats.interval-ms", "2000",
                "stats.enabled", "false",
                "stats.topic", "ops.stats",
                "metrics.prometheus", "true",
                "metrics.prometheus-port", "9300-9310"));
    assertThat(s.stats().intervalMs()).isEqualTo(2000);
    assertThat(s.stats().enabled()).isFalse();
    assertThat(s.stats().topic()).isEqualTo("ops.stats");
    assertThat(s.metrics().prometheus()).isTrue();
    assertThat(s.metrics().prometheusPort()).isEqualTo("9300-9310");
    assertThat(SettingsLoader.load(null, Map.of("metrics.prometheus-port", "9400")).metrics().prometheusPort())
        .isEqualTo("9400");
  }

  @Test
  void badValuesAreRefusedWithTheKeyNamed() {
    assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("stats.interval-ms", "0")))
        .hasMessageContaining("stats.interval-ms");
    assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("stats.interval-ms", "50")))
        .hasMessageContaining("stats.interval-ms must be >= 100");
    assertThatThrownBy(
            () -> SettingsLoader.load(null, Map.of("stats.interval-ms", "10000", "stats.idle-expiry-ms", "5000")))
        .hasMessageContaining("stats.idle-expiry-ms");
    assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("metrics.prometheus-port", "http")))
        .hasMessageContaining("metrics.prometheus-port");
    assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("metrics.prometheus-port", "70000")))
        .hasMessageContaining("metrics.prometheus-port");
    assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("stats.colour", "red")))
        .hasMessageContaining("colour");
  }

  @Test
  void withPolicyKeepsTheNewSections() {
    JobSettings s = SettingsLoader.load(null, Map.of("stats.interval-ms", "1000"));
    assertThat(s.withPolicy(s.policy()).stats().intervalMs()).isEqualTo(1000);
  }
}
