package dev.streammod.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The small pieces of the benchmark that need no broker. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class BenchPartsTest {
  @TempDir Path dir;

  @Test
  void streamIndexParsesTheGeneratorsIds() {
    assertThat(VerdictMeter.streamIndex("stream-0042")).isEqualTo(42);
    assertThat(VerdictMeter.streamIndex("stream-4999")).isEqualTo(4999);
    assertThat(VerdictMeter.streamIndex("stream-")).isEqualTo(-1);
    assertThat(VerdictMeter.streamIndex("stream-garbage")).isEqualTo(-1);
    assertThat(VerdictMeter.streamIndex(null)).isEqualTo(-1);
  }

  @Test
  void threadsAreGroupedByWhatTheyDo() {
    assertThat(CpuBreakdown.group("decode-0-1")).isEqualTo("decode");
    assertThat(CpuBreakdown.group("streammod-batcher-colour-stats-cpu-1")).isEqualTo("inference");
    assertThat(CpuBreakdown.group("Source: segments -> moderate segment (1/2)#0")).isEqualTo("flink-tasks");
    assertThat(CpuBreakdown.group("AsyncOperations-thread-3")).isEqualTo("flink-runtime");
    assertThat(CpuBreakdown.group("data-plane-kafka-request-handler-0")).isEqualTo("kafka-broker");
    assertThat(CpuBreakdown.group("kafka-producer-network-thread | bench-load")).isEqualTo("bench-harness");
    assertThat(CpuBreakdown.nativeGroup("C2 CompilerThre")).isEqualTo("jit");
    assertThat(CpuBreakdown.nativeGroup("C1 CompilerThre")).isEqualTo("jit");
    assertThat(CpuBreakdown.nativeGroup("GC Thread#1")).isEqualTo("gc");
    assertThat(CpuBreakdown.nativeGroup("G1 Conc#0")).isEqualTo("gc");
    assertThat(CpuBreakdown.nativeGroup("decode-0-1")).isNull();
  }

  @Test
  void cpuPerSegmentIsMillisecondsOfEachPartOverTheSegments() {
    String json =
        BenchResult.perSegmentJson(Map.of("decode", 5.0, "kafka-broker", 1.0, "total", 8.0), 2000);
    assertThat(json)
        .startsWith("{\"decode\":2.500,")
        .contains("\"kafka-broker\":0.500")
        .contains("\"jit\":0.000")
        .endsWith("\"total\":4.000}");
    assertThat(BenchResult.perSegmentJson(Map.of("total", 8.0), 0)).contains("\"total\":0.000");
    assertThat(CpuBreakdown.describePerSegment(Map.of("decode", 5.0, "total", 8.0), 2000))
        .startsWith("decode 2.50, ")
        .endsWith("= 4.00 CPU-ms per segment");
  }

  @Test
  void procStatCpuIsUserPlusSystemTicksEvenWhenTheNameHoldsSpacesAndParentheses() {
    String stat = "4242 (C2 Compiler) x) S 1 1 1 0 -1 4194304 10 0 0 0 1234 56 0 0 20 0 1 0 99 0 0";
    assertThat(CpuBreakdown.cpuTicks(stat)).isEqualTo(1290);
  }

  @Test
  void sweepWritesCsvAndAChart() throws Exception {
    List<BenchResult> results = List.of(result(100, 50, 200), result(500, 180, 700), result(1000, 190, 9000));
    SweepReport.writeCsv(results, dir.resolve("sweep.csv"));
    SweepReport.writeChart(results, 1000, dir.resolve("sweep.png"));
    List<String> csv = Files.readAllLines(dir.resolve("sweep.csv"));
    assertThat(csv).hasSize(4);
    assertThat(csv.get(0)).startsWith("streams,");
    assertThat(csv.get(2)).startsWith("500,");
    BufferedImage png = ImageIO.read(dir.resolve("sweep.png").toFile());
    assertThat(png.getWidth()).isGreaterThan(100);
  }

  @Test
  void jsonCarriesTheHeadlineFields() {
    String json = result(100, 50, 200).toJson();
    assertThat(json)
        .startsWith("{")
        .endsWith("}")
        .contains(
            "\"segments_per_s\":50.00",
            "\"frames_per_s\":",
            "\"p50_ms\":",
            "\"p95_ms\":",
            "\"p99_ms\":200",
            "\"raw_decode_fps\":",
            "\"raw_infer_fps\":",
            "\"ratio\":",
            "\"lost\":0",
            "\"cpu\":{\"decode\":0.500");
  }

  static BenchResult result(int streams, double segmentsPerSecond, long p99) {
    return new BenchResult(
        new BenchResult.Offered(streams, 2000, streams / 2.0, 1000),
        new BenchResult.Throughput(1000, segmentsPerSecond, segmentsPerSecond * 2, 2),
        new BenchResult.Latency(p99 / 2, p99 - 1, p99, p99 + 1),
        new BenchResult.Ceiling(800, 400, 50_000, 0.5, 0.4, 2.0, 4.0),
        new BenchResult.Checks(0, 0, 0, 0, -1, 10, 10),
        new BenchResult.Memory(500, 100, 101, 90, 101, 700, 710, 705),
        new BenchResult.Queues(3, 4, 2),
        new BenchResult.Batching(List.of(0L, 100L, 200L, 100L)),
        new BenchResult.Timing(5, 50, 60),
        new BenchResult.Setup(4, 32, 5, "keyframes", 8, 0, "inline", "in-jvm"),
        Map.of("decode", 5.0, "total", 10.0, "wall", 5.0),
        BenchResult.Catchup.NONE,
        List.of());
  }
}
