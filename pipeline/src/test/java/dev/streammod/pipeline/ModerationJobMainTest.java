package dev.streammod.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The job jar's main runs inside a JobManager: bad input throws with a message, it never exits. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ModerationJobMainTest {
  @TempDir Path dir;

  @Test
  void anUnknownArgumentThrowsWithTheUsage() {
    assertThatThrownBy(() -> ModerationJobMain.main(new String[] {"--no-such-flag"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--no-such-flag")
        .hasMessageContaining("--config-yaml");
  }

  @Test
  void aBadSettingThrowsNamingTheKeyBeforeAnyJobIsBuilt() {
    assertThatThrownBy(() -> ModerationJobMain.main(new String[] {"--set", "job.parallelism=zero"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("job.parallelism");
  }

  @Test
  void configurationComesFromAFileOrFromTextNotBoth() throws Exception {
    Path file = Files.writeString(dir.resolve("m.yaml"), "kafka:\n  bootstrap-servers: a:1\n");
    JobArguments fromFile = ModerationJobMain.parse(new String[] {"--config", file.toString()}).arguments;
    assertThat(fromFile.settings().kafka().bootstrapServers()).isEqualTo("a:1");
    JobArguments fromText =
        ModerationJobMain.parse(
                new String[] {"--config-yaml", "kafka:\n  bootstrap-servers: b:2\n", "--set", "job.parallelism=3"})
            .arguments;
    assertThat(fromText.settings().kafka().bootstrapServers()).isEqualTo("b:2");
    assertThat(fromText.settings().job().parallelism()).isEqualTo(3);
    JobArguments both =
        ModerationJobMain.parse(new String[] {"--config", file.toString(), "--config-yaml", "{}"}).arguments;
    assertThatThrownBy(both::settings).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not both");
    assertThatThrownBy(() -> ModerationJobMain.parse(new String[] {"--config-yaml", "[1, 2]"}).arguments.settings())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--config-yaml must hold a YAML mapping");
  }

  @Test
  void helpPrintsAndReturns() throws Exception {
    assertThat(ModerationJobMain.parse(new String[] {"--help"})).isNull();
  }
}
