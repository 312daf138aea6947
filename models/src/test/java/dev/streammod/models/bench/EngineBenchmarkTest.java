package dev.streammod.models.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streammod.models.EngineOptions;
import dev.streammod.models.GraphOptimization;
import dev.streammod.models.ModelArtifact;
import dev.streammod.models.ModelConfig;
import dev.streammod.models.testing.ColourStatsModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's structure and bookkeeping on a tiny model; never its timings. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EngineBenchmarkTest {
  private static final int W = 16;
  private static final int H = 16;

  @TempDir Path repo;

  private static BenchSettings.Builder brief() {
    return BenchSettings.builder()
        .batches(List.of(1, 3))
        .iterations(2)
        .rounds(2)
        .warmup(Duration.ZERO);
  }

  @Test
  void measuresEveryPathAtEveryBatchSizeAndReportsTableAndJson() throws Exception {
    ModelArtifact model = ModelArtifact.load(ColourStatsModel.write(repo, W, H));
    byte[] frames = EngineBenchmark.syntheticFrames(model.config(), 5);
    List<String> progress = new ArrayList<>();
    EngineReport report = EngineBenchmark.run(model, frames, brief().build(), progress::add);

    assertThat(report.model()).isEqualTo(ColourStatsModel.NAME);
    assertThat(report.rows()).extracting(EngineReport.Row::batch).containsExactly(1, 3);
    for (EngineReport.Row row : report.rows()) {
      int b = row.batch();
      // iterations 2 x rounds 2: exactly 4 batches' worth of frames on every path
      for (Measurement m : List.of(row.bare(), row.batcher(), row.engine())) {
        assertThat(m.images()).isEqualTo(4L * b);
        assertThat(m.wallSeconds()).isPositive();
        // CPU clocks may tick coarser than a run of this tiny model
        assertThat(m.cpuSeconds()).isNotNegative();
        assertThat(m.threadCpuSeconds()).isNotNegative();
        assertThat(m.meanBatch()).isGreaterThan(0).isLessThanOrEqualTo(b);
      }
      assertThat(row.bare().batches()).isEqualTo(4);
      assertThat(row.engine().batches()).isEqualTo(4);
      assertThat(row.batcher().batches()).isBetween(4L, 4L * b);
      assertThat(row.batcherRatio()).isPositive();
      assertThat(row.engineRatio()).isPositive();
    }
    assertThat(progress).hasSize(2);

    List<String> table = report.table();
    // heading, columns, three paths per batch size, and the note that CPU of short runs is coarse
    assertThat(table).hasSize(2 + 3 * 2 + 1);
    assertThat(table.get(table.size() - 1))
        .startsWith("note: process CPU time is counted in 10 ms");
    assertThat(table.get(0)).contains("colour-stats:1", "intra-op 1", "2 rounds of 2 batches");
    assertThat(table.get(3)).contains("batcher");

    JsonNode json = new ObjectMapper().readTree(report.toJson());
    assertThat(json.get("benchmark").asText()).isEqualTo("engine");
    assertThat(json.at("/options/graph_optimization").asText()).isEqualTo("ALL");
    assertThat(json.get("batches")).hasSize(2);
    JsonNode b3 = json.get("batches").get(1);
    assertThat(b3.get("batch").asInt()).isEqualTo(3);
    for (String path : List.of("bare", "batcher", "engine")) {
      assertThat(b3.at("/" + path + "/images").asLong()).isEqualTo(12);
      assertThat(b3.at("/" + path + "/cpu_ms_per_image").isNumber()).isTrue();
      assertThat(b3.at("/" + path + "/ms_per_batch").asDouble()).isPositive();
    }
    assertThat(b3.get("batcher_vs_bare").asDouble()).isPositive();
    assertThat(b3.get("batcher_vs_bare_cpu").isNumber()).isTrue();
  }

  @Test
  void runsByTimeInWholeBatches() throws Exception {
    ModelArtifact model = ModelArtifact.load(ColourStatsModel.write(repo, W, H));
    BenchSettings s =
        brief().batches(List.of(4)).iterations(0).slice(Duration.ofMillis(50)).rounds(1).build();
    EngineReport report =
        EngineBenchmark.run(model, EngineBenchmark.syntheticFrames(model.config(), 2), s, l -> {});
    EngineReport.Row row = report.rows().get(0);
    assertThat(row.bare().wallSeconds()).isGreaterThanOrEqualTo(0.05);
    assertThat(row.engine().wallSeconds()).isGreaterThanOrEqualTo(0.05);
    assertThat(row.batcher().wallSeconds()).isGreaterThanOrEqualTo(0.05);
    assertThat(row.batcher().images() % 4).as("whole batches").isZero();
  }

  @Test
  void comparesSessionOptionVariants() throws Exception {
    ModelArtifact model = ModelArtifact.load(ColourStatsModel.write(repo, W, H));
    Map<String, EngineOptions> variants = EngineBenchmark.tuningVariants(EngineOptions.defaults());
    assertThat(variants.keySet())
        .containsExactly(
            "default", "intra-op 2", "opt BASIC", "opt EXTENDED", "arena off", "pattern off");
    assertThat(variants.get("opt BASIC").graphOptimization()).isEqualTo(GraphOptimization.BASIC);
    assertThat(variants.get("arena off").cpuMemoryArena()).isFalse();

    Map<String, EngineOptions> two = new LinkedHashMap<>();
    two.put("default", variants.get("default"));
    two.put("pattern off", variants.get("pattern off"));
    byte[] frames = EngineBenchmark.syntheticFrames(model.config(), 3);
    TuningReport report =
        EngineBenchmark.compareSessionOptions(model, frames, brief().build(), two, l -> {});
    assertThat(report.results().keySet()).containsExactly("default", "pattern off");
    assertThat(report.results().get("pattern off").get(3).images()).isEqualTo(12);
    assertThat(report.table()).hasSize(2 + 2);
    JsonNode json = new ObjectMapper().readTree(report.toJson());
    assertThat(json.get("variants")).hasSize(2);
    assertThat(json.at("/variants/1/memory_pattern").asBoolean()).isFalse();
    assertThat(json.at("/variants/1/batches/1/images").asLong()).isEqualTo(12);
  }

  @Test
  void comparesModelsOfDifferentInputSizes() throws Exception {
    ModelArtifact small = ModelArtifact.load(ColourStatsModel.write(repo.resolve("a"), W, H));
    ModelArtifact large =
        ModelArtifact.load(ColourStatsModel.write(repo.resolve("b"), 2 * W, 3 * H));
    Map<String, EngineBenchmark.Session> variants = new LinkedHashMap<>();
    variants.put("small", new EngineBenchmark.Session(small, EngineOptions.defaults()));
    variants.put("large", new EngineBenchmark.Session(large, EngineOptions.defaults()));
    List<String> progress = new ArrayList<>();

    TuningReport report = EngineBenchmark.compareModels(variants, brief().build(), progress::add);

    assertThat(report.results().keySet()).containsExactly("small", "large");
    assertThat(report.results().get("large").get(3).images()).isEqualTo(12);
    assertThat(progress.get(0)).startsWith("small: session of colour-stats:1 opened in ");
    assertThat(progress.get(1)).startsWith("large: session of colour-stats:1 opened in ");
    assertThatThrownBy(
            () ->
                EngineBenchmark.compareSessions(
                    variants, new byte[3 * W * H], brief().build(), l -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("variant 'large'");
  }

  @Test
  void syntheticFramesAreDeterministicAndDistinct() {
    ModelConfig config = ModelArtifact.load(ColourStatsModel.write(repo, W, H)).config();
    byte[] a = EngineBenchmark.syntheticFrames(config, 3);
    assertThat(a).hasSize(3 * 3 * W * H).isEqualTo(EngineBenchmark.syntheticFrames(config, 3));
    int fb = 3 * W * H;
    assertThat(Arrays.copyOfRange(a, 0, fb)).isNotEqualTo(Arrays.copyOfRange(a, fb, 2 * fb));
  }

  @Test
  void refusesFramesOfAnotherSizeAndBadSettings() {
    ModelArtifact model = ModelArtifact.load(ColourStatsModel.write(repo, W, H));
    assertThatThrownBy(() -> EngineBenchmark.run(model, new byte[10], brief().build(), l -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("16x16", "10 bytes");
    assertThatThrownBy(() -> BenchSettings.builder().batches(List.of(0)).build())
        .hasMessageContainingAll("batches", "0");
    assertThatThrownBy(() -> BenchSettings.builder().rounds(0).build())
        .hasMessageContainingAll("rounds", "0");
    assertThatThrownBy(() -> BenchSettings.builder().slice(Duration.ZERO).build())
        .hasMessageContainingAll("slice", "PT0S");
    assertThatThrownBy(() -> BenchSettings.builder().iterations(-1).build())
        .hasMessageContainingAll("iterations", "-1");
  }
}
