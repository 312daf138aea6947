package dev.streammod.models.bench;

import dev.streammod.models.BundledRepository;
import dev.streammod.models.EngineOptions;
import dev.streammod.models.ExecutionDevice;
import dev.streammod.models.GraphOptimization;
import dev.streammod.models.ModelArtifact;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A float model against its INT8 variant in one run: bare sessions in interleaved slices ({@link
 * EngineBenchmark#compareSessions}), both at the engine's defaults, and the INT8 model under other
 * session options (two intra-op threads, graph optimisation EXTENDED and BASIC). Prints the table,
 * images/s per core (1000 / process CPU ms per image) per batch size, and the JSON line.
 *
 * <pre>
 * PrecisionBenchmark [--fp32 NAME] [--int8 NAME] [--repository DIR] [--batches 1,8,32]
 *     [--seconds 2] [--rounds 3]
 * </pre>
 *
 * Models resolve in {@code --repository} first, then in the bundled repository (on the class path
 * when run from {@code models/bundle}).
 */
public final class PrecisionBenchmark {
  private PrecisionBenchmark() {}

  public static void main(String[] args) throws InterruptedException {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!List.of("--fp32", "--int8", "--repository", "--batches", "--seconds", "--rounds")
          .contains(args[i])) {
        throw new IllegalArgumentException(
            "unknown option "
                + args[i]
                + "; known: --fp32, --int8, --repository, --batches, --seconds, --rounds");
      }
      a.put(args[i], args[i + 1]);
    }
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException("options take a value: " + String.join(" ", args));
    }
    java.nio.file.Path repo = a.containsKey("--repository") ? java.nio.file.Path.of(a.get("--repository")) : null;
    ModelArtifact fp32 =
        BundledRepository.resolve(repo, a.getOrDefault("--fp32", "nsfw-mobilenet-v2"), null);
    ModelArtifact int8 =
        BundledRepository.resolve(repo, a.getOrDefault("--int8", "nsfw-mobilenet-v2-int8"), null);
    List<Integer> batches = new ArrayList<>();
    for (String b : a.getOrDefault("--batches", "1,8,32").split(",")) {
      batches.add(Integer.parseInt(b.trim()));
    }
    EngineOptions base = EngineOptions.builder().device(ExecutionDevice.CPU).build();
    BenchSettings settings =
        BenchSettings.builder()
            .batches(batches)
            .slice(Duration.ofMillis((long) (1000 * Double.parseDouble(a.getOrDefault("--seconds", "2")))))
            .rounds(Integer.parseInt(a.getOrDefault("--rounds", "3")))
            .engineOptions(base)
            .build();
    Map<String, EngineBenchmark.Session> variants = new LinkedHashMap<>();
    variants.put("fp32", new EngineBenchmark.Session(fp32, base));
    variants.put("int8", new EngineBenchmark.Session(int8, base));
    variants.put(
        "int8 intra-op 2",
        new EngineBenchmark.Session(int8, base.toBuilder().intraOpThreads(2).build()));
    variants.put(
        "fp32 intra-op 2",
        new EngineBenchmark.Session(fp32, base.toBuilder().intraOpThreads(2).build()));
    for (GraphOptimization g : List.of(GraphOptimization.EXTENDED, GraphOptimization.BASIC)) {
      variants.put(
          "int8 opt " + g,
          new EngineBenchmark.Session(int8, base.toBuilder().graphOptimization(g).build()));
    }
    byte[] frames = EngineBenchmark.syntheticFrames(fp32.config(), 8);
    TuningReport report =
        EngineBenchmark.compareSessions(variants, frames, settings, System.out::println);
    report.table().forEach(System.out::println);
    System.out.println();
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-16s", "images/s/core"));
    batches.forEach(b -> head.append(String.format(Locale.ROOT, "  %9s", "batch " + b)));
    System.out.println(head);
    report
        .results()
        .forEach(
            (v, byBatch) -> {
              StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-16s", v));
              for (int b : batches) {
                double cpuMs = byBatch.get(b).cpuMsPerImage();
                line.append(String.format(Locale.ROOT, "  %9.1f", cpuMs > 0 ? 1000 / cpuMs : 0));
              }
              System.out.println(line);
            });
    StringBuilder ratio = new StringBuilder(String.format(Locale.ROOT, "%-16s", "int8/fp32"));
    for (int b : batches) {
      double f = report.results().get("fp32").get(b).cpuMsPerImage();
      double q = report.results().get("int8").get(b).cpuMsPerImage();
      ratio.append(String.format(Locale.ROOT, "  %8.2fx", q > 0 ? f / q : 0));
    }
    System.out.println(ratio);
    System.out.println(report.toJson());
  }
}
