package dev.streammod.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code bench --engine-only} on the shipped model, briefly: its output's shape, not its timings.
 * Slices run by time, not by a single batch: process CPU time is counted in clock ticks (10 ms), so
 * one 8 ms batch can read as no CPU at all.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BenchEngineOnlyTest {
  private record Run(int exit, List<String> out, String err) {}

  private static Run run(String... args) {
    CommandLine cl = ModerationCli.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new java.io.PrintWriter(err, true));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    int exit;
    try (PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      exit = cl.execute(args);
    } finally {
      System.setOut(stdout);
    }
    return new Run(exit, bytes.toString(StandardCharsets.UTF_8).lines().toList(), err.toString());
  }

  @Test
  void measuresTheShippedModelThroughEngineAndBatcherNextToABareSession() throws Exception {
    Run r =
        run(
            "bench", "--engine-only", "--batches", "1,2", "--seconds", "0.3", "--rounds", "1",
            "--engine-warmup", "0s", "--threads", "1");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).anyMatch(l -> l.startsWith("nsfw-mobilenet-v2:1 on "));
    assertThat(r.out()).anyMatch(l -> l.matches("\\s+2\\s+batcher\\s.*"));
    assertThat(r.out()).anyMatch(l -> l.startsWith("note: process CPU time is counted in 10 ms"));
    JsonNode json = new ObjectMapper().readTree(r.out().get(r.out().size() - 1));
    assertThat(json.get("model").asText()).isEqualTo("nsfw-mobilenet-v2");
    assertThat(json.at("/options/intra_op_threads").asInt()).isEqualTo(1);
    assertThat(json.get("batches")).hasSize(2);
    for (JsonNode b : json.get("batches")) {
      for (String path : List.of("bare", "batcher", "engine")) {
        long batch = b.get("batch").asLong();
        // by time, in whole batches of the size asked for
        assertThat(b.at("/" + path + "/images").asLong()).isPositive();
        assertThat(b.at("/" + path + "/images").asLong() % batch).isZero();
        assertThat(b.at("/" + path + "/images_per_s").asDouble()).isPositive();
        assertThat(b.at("/" + path + "/cpu_ms_per_image").asDouble()).isPositive();
      }
      assertThat(b.get("batcher_vs_bare").asDouble()).isPositive();
      assertThat(b.get("engine_vs_bare_cpu").asDouble()).isPositive();
    }
  }

  @Test
  void refusesOptionsOfTheFullBenchmark() {
    Run r = run("bench", "--engine-only", "--sweep", "1,2");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--engine-only", "--sweep");
  }
}
