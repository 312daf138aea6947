package dev.streammod.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.cli.bench.BenchOptions;
import dev.streammod.cli.bench.PayloadMode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The command line, with its own converters, and {@link BenchOptions} agree on what a run does. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BenchCommandOptionsTest {
  private static BenchOptions parse(String... args) {
    CommandLine cli = ModerationCli.commandLine();
    String[] line = new String[args.length + 1];
    line[0] = "bench";
    System.arraycopy(args, 0, line, 1, args.length);
    cli.parseArgs(line);
    return cli.getSubcommands().get("bench").<BenchCommand>getCommand().options();
  }

  @Test
  void theBuildersDefaultsAreTheCommandLines() {
    assertThat(parse()).isEqualTo(BenchOptions.builder().build());
  }

  @Test
  void optionsReachTheirPart() {
    BenchOptions o =
        parse("--streams", "7", "--size", "160x120", "--payload", "file", "--set", "decoder.max-frames=1",
            "--burst", "3", "--burst-at", "2s", "--burst-for", "1s", "--raw-duration", "300ms");
    assertThat(o.load().streams()).isEqualTo(7);
    assertThat(o.load().burstMultiplier()).isEqualTo(3.0);
    assertThat(o.load().burstStart()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.segments().width()).isEqualTo(160);
    assertThat(o.segments().height()).isEqualTo(120);
    assertThat(o.segments().payload()).isEqualTo(PayloadMode.FILE);
    assertThat(o.job().overrides()).containsEntry("decoder.max-frames", "1");
    assertThat(o.measurement().rawDuration()).isEqualTo(Duration.ofMillis(300));
  }
}
