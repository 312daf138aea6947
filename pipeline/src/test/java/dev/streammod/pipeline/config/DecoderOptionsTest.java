package dev.streammod.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DecoderOptionsTest {
  @Test
  void degradeModeIsOffByDefault() {
    DecoderOptions d = SettingsLoader.load(null, Map.of()).decoder();
    assertThat(d.degradeEnabled()).isFalse();
    assertThat(d.degradeAt()).isEqualTo(0.25);
    assertThat(d.degradedMaxFrames()).isEqualTo(1);
    assertThat(d.maxInFlightPerStream()).isEqualTo(2);
  }

  @Test
  void degradeKeysAreReadFromOverrides() {
    DecoderOptions d =
        SettingsLoader.load(
                null,
                Map.of(
                    "decoder.deadline-ms", "2000",
                    "decoder.degrade-at", "0.4",
                    "decoder.degraded-max-frames", "2",
                    "decoder.max-in-flight-per-stream", "3"))
            .decoder();
    assertThat(d.degradeEnabled()).isTrue();
    assertThat(d.deadlineMs()).isEqualTo(2000);
    assertThat(d.degradeAt()).isEqualTo(0.4);
    assertThat(d.degradedMaxFrames()).isEqualTo(2);
    assertThat(d.maxInFlightPerStream()).isEqualTo(3);
  }

  @Test
  void badDegradeValuesAreRefusedWithKeyAndValue() {
    assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("decoder.deadline-ms", "0")))
        .hasMessageContaining("decoder.deadline-ms")
        .hasMessageContaining("got 0");
    assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("decoder.degrade-at", "1.5")))
        .hasMessageContaining("decoder.degrade-at")
        .hasMessageContaining("1.5");
    assertThatThrownBy(
            () ->
                SettingsLoader.load(
                    null, Map.of("decoder.max-frames", "2", "decoder.degraded-max-frames", "3")))
        .hasMessageContaining("decoder.degraded-max-frames")
        .hasMessageContaining("got 3");
    assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("decoder.max-in-flight-per-stream", "0")))
        .hasMessageContaining("decoder.max-in-flight-per-stream");
  }

  @Test
  void theFourArgumentConstructorKeepsWorking() {
    DecoderOptions d = new DecoderOptions("fps:2", 4, null, 1);
    assertThat(d.maxFrames()).isEqualTo(4);
    assertThat(d.degradeEnabled()).isFalse();
  }
}
