package dev.streammod.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.cli.bench.BenchOptions;
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
  private static BenchOptions options(Map<String, String> overrides, PayloadMode payload) {
    return BenchOptions.builder()
        .streams(20)
        .duration(Duration.ofSeconds(6))
        .warmup(Duration.ofSeconds(1))
        .period(Duration.ofMillis(500))
        .ramp(Duration.ofSeconds(1))
        .burst(2.0, Duration.ofSeconds(2), Duration.ofSeconds(2))
        .segment(Duration.ofSeconds(2))
        .size(160, 120)
        .fps(15)
        .pool(2)
        .payload(payload)
        .parallelism(2)
        .partitions(2)
        .checkpointInterval(Duration.ofMillis(250))
        .overrides(overrides)
        .model(BenchOptions.COLOUR_STATS)
        .modelSize(64)
        .rawDuration(Duration.ofMillis(300))
        .reportEvery(Duration.ofSeconds(2))
        .gcEvery(Duration.ZERO)
        .drainTimeout(Duration.ofSeconds(60))
        .build();
  }

  @Test
  void shortDegradedRunLosesNothingAndReports() throws Exception {
    BenchOptions options =
        options(
            Map.of(
                "decoder.deadline-ms", "1",
                "decoder.degrade-at", "1.0",
                "decoder.degraded-max-frames", "1"),
            PayloadMode.INLINE);
    BenchResult r = new BenchRunner(options, System.out).run();

    assertThat(r.checks().lost()).as("segments without a verdict").isZero();
    assertThat(r.checks().duplicates()).isZero();
    assertThat(r.checks().unexpectedDecisions()).isZero();
    assertThat(r.offered().produced()).isGreaterThan(100);
    assertThat(r.throughput().verdicts()).isEqualTo(r.offered().produced());
    assertThat(r.checks().degraded()).as("every decodable segment degraded").isEqualTo(r.throughput().verdicts() - r.checks().errors());
    assertThat(r.throughput().framesPerSegment()).isLessThanOrEqualTo(1.0);
    assertThat(r.ceiling().rawDecodeFps()).isPositive();
    assertThat(r.ceiling().rawInferFps()).isPositive();
    assertThat(r.latency().p99Ms()).isPositive();
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

    assertThat(r.checks().lost()).as("segments without a verdict").isZero();
    assertThat(r.checks().duplicates()).isZero();
    assertThat(r.checks().unexpectedDecisions()).as("verdicts other than the content calls for").isZero();
    assertThat(r.offered().produced()).isGreaterThan(100);
    assertThat(r.throughput().verdicts()).isEqualTo(r.offered().produced());
    assertThat(r.checks().errors()).as("only the corrupt segments fail").isPositive().isLessThan(r.throughput().verdicts() / 4);
    assertThat(r.checks().deadLetters()).isEqualTo(r.checks().errors());
    assertThat(r.toJson()).contains("\"payload\":\"file\"", "\"lost\":0");
  }

  /**
   * The broker in a JVM of its own ({@code kafka.Kafka}): the same run loses nothing, and the
   * broker's CPU is counted in its group (from its process) while the job's own CPU excludes it.
   */
  @Test
  void shortRunWithTheBrokerInItsOwnProcess() throws Exception {
    BenchOptions options =
        options(Map.of(), PayloadMode.INLINE).toBuilder()
            .broker(BenchOptions.BrokerMode.PROCESS, null, null)
            .build();
    BenchResult r = new BenchRunner(options, System.out).run();

    assertThat(r.checks().lost()).as("segments without a verdict").isZero();
    assertThat(r.checks().duplicates()).isZero();
    assertThat(r.checks().unexpectedDecisions()).isZero();
    assertThat(r.throughput().verdicts()).isEqualTo(r.offered().produced()).isGreaterThan(100);
    assertThat(r.setup().broker()).isEqualTo("process");
    assertThat(r.cpuSeconds().get("kafka-broker")).as("the broker process's CPU").isPositive();
    assertThat(r.jobCpuMsPerSegment()).isPositive();
    assertThat(r.toJson()).contains("\"broker\":\"process\"", "\"ratio_job_cpu\":");
  }
}
