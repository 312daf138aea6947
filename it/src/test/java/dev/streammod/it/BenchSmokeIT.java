package dev.streammod.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.cli.bench.BenchResult;
import dev.streammod.cli.bench.BenchRunner;
import dev.streammod.cli.bench.PayloadMode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The benchmark end to end, briefly: with degrade mode forced on (a 1 ms deadline degrades every
 * segment) every segment gets its verdict, analysed from one frame and marked degraded, and the
 * report carries its figures; with payloads by reference every segment gets the verdict its content
 * calls for. Not a timed test: no rate is asserted.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BenchSmokeIT {
  private static BenchRunner.Options options(Map<String, String> overrides, PayloadMode payload) {
    return new BenchRunner.Options(
        20,
        Duration.ofSeconds(6),
        Duration.ofSeconds(2),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        2.0,
        Duration.ofSeconds(2),
        Duration.ofSeconds(2),
        0,
        Duration.ofSeconds(1),
        2,
        2,
        Duration.ofMillis(250),
        Duration.ofSeconds(60),
        overrides,
        null,
        "colour-stats",
        64,
        Duration.ofMillis(300),
        Duration.ofSeconds(2),
        2,
        160,
        120,
        15,
        Duration.ZERO,
        null,
        payload);
  }

  @Test
  void shortDegradedRunLosesNothingAndReports() throws Exception {
    BenchRunner.Options options =
        options(
            Map.of(
                "decoder.deadline-ms", "1",
                "decoder.degrade-at", "1.0",
                "decoder.degraded-max-frames", "1"),
            PayloadMode.INLINE);
    BenchResult r = new BenchRunner(options, System.out).run();

    assertThat(r.lost()).as("segments without a verdict").isZero();
    assertThat(r.duplicates()).isZero();
    assertThat(r.unexpectedDecisions()).isZero();
    assertThat(r.produced()).isGreaterThan(100);
    assertThat(r.verdicts()).isEqualTo(r.produced());
    assertThat(r.degraded()).as("every decodable segment degraded").isEqualTo(r.verdicts() - r.errors());
    assertThat(r.framesPerSegment()).isLessThanOrEqualTo(1.0);
    assertThat(r.rawDecodeFps()).isPositive();
    assertThat(r.rawInferFps()).isPositive();
    assertThat(r.p99Ms()).isPositive();
    assertThat(r.toJson()).contains("\"lost\":0", "\"segments_per_s\":", "\"ratio\":");
  }

  /**
   * Segments by reference: the records carry file: URIs and the job fetches the bytes. Red
   * segments still get BLOCK and neutral ones ALLOW, which they could not without the fetched
   * bytes; only the corrupt ones fail, at decoding.
   */
  @Test
  void shortRunWithPayloadsByReferenceGetsTheSameVerdicts() throws Exception {
    BenchResult r = new BenchRunner(options(Map.of(), PayloadMode.FILE), System.out).run();

    assertThat(r.lost()).as("segments without a verdict").isZero();
    assertThat(r.duplicates()).isZero();
    assertThat(r.unexpectedDecisions()).as("verdicts other than the content calls for").isZero();
    assertThat(r.produced()).isGreaterThan(100);
    assertThat(r.verdicts()).isEqualTo(r.produced());
    assertThat(r.errors()).as("only the corrupt segments fail").isPositive().isLessThan(r.verdicts() / 4);
    assertThat(r.deadLetters()).isEqualTo(r.errors());
    assertThat(r.toJson()).contains("\"payload\":\"file\"", "\"lost\":0");
  }
}
