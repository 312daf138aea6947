package dev.streammod.decoders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SamplingPolicyTest {

  @Test
  void parsesKeyframesAndFixedRates() {
    assertThat(SamplingPolicy.parse("keyframes")).isEqualTo(new SamplingPolicy.Keyframes());
    assertThat(SamplingPolicy.parse(" KeyFrames ")).isEqualTo(SamplingPolicy.keyframes());
    assertThat(SamplingPolicy.parse("fps:2")).isEqualTo(new SamplingPolicy.FixedRate(2));
    assertThat(SamplingPolicy.parse("FPS: 0.5")).isEqualTo(SamplingPolicy.fixedRate(0.5));
  }

  @Test
  void toStringParsesBack() {
    for (SamplingPolicy p :
        new SamplingPolicy[] {
          SamplingPolicy.keyframes(), SamplingPolicy.fixedRate(2), SamplingPolicy.fixedRate(0.25)
        }) {
      assertThat(SamplingPolicy.parse(p.toString())).isEqualTo(p);
    }
    assertThat(SamplingPolicy.fixedRate(2)).hasToString("fps:2");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "every",
        "fps",
        "fps:",
        "fps:0",
        "fps:-1",
        "fps:abc",
        "fps:NaN",
        "fps:Infinity",
        "2"
      })
  void rejectsBadValuesNamingThem(String bad) {
    assertThatThrownBy(() -> SamplingPolicy.parse(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + bad + "\"");
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> SamplingPolicy.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("null");
  }

  @Test
  void fixedRateMustBePositive() {
    assertThatThrownBy(() -> SamplingPolicy.fixedRate(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("framesPerSecond")
        .hasMessageContaining("0.0");
    assertThatThrownBy(() -> SamplingPolicy.fixedRate(Double.NaN)).hasMessageContaining("NaN");
    assertThat(new SamplingPolicy.FixedRate(4).intervalMicros()).isEqualTo(250_000.0);
  }
}
