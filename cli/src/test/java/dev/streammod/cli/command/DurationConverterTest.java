package dev.streammod.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationConverterTest {
  private final DurationConverter c = new DurationConverter();

  @Test
  void parsesUnits() {
    assertThat(c.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(c.convert("60s")).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.convert("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.convert("PT2S")).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void rejectsNonsenseWithTheValue() {
    assertThatThrownBy(() -> c.convert("soon")).hasMessageContaining("'soon'");
  }
}
