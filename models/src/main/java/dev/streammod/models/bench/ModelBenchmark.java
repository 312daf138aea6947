package dev.streammod.models.bench;

import dev.streammod.models.BundledRepository;
import dev.streammod.models.EngineOptions;
import dev.streammod.models.ExecutionDevice;
import dev.streammod.models.ModelArtifact;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Models against each other in one run: bare sessions at the engine's defaults (graph optimisation
 * ALL, one intra-op thread) in interleaved slices ({@link EngineBenchmark#compareModels}), each fed
 * synthetic frames of its own input size. Prints the time each session took to open, the table,
 * process CPU ms per image per batch size with each model's ratio to the first, and the JSON line.
 *
 * <pre>
 * ModelBenchmark [--models nsfw-mobilenet-v2,nsfw-inception-v3] [--repository DIR]
 *     [--batches 1,8] [--seconds 2] [--rounds 3]
 * </pre>
 *
 * Models resolve in {@code --repository} first, then in the bundled repository (on the class path
 * when run from {@code models/bundle}).
 */
public final class ModelBenchmark {
  private static final List<String> OPTIONS =
      List.of("--models", "--repository", "--batches", "--seconds", "--rounds");

  private ModelBenchmark() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException("options take a value: " + String.join(" ", args));
    }
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!OPTIONS.contains(args[i])) {
        throw new IllegalArgumentException(
            "unknown option " + args[i] + "; known: " + String.join(", ", OPTIONS));
      }
      a.put(args[i], args[i + 1]);
    }
    Path repo = a.containsKey("--repository") ? Path.of(a.get("--repository")) : null;
    List<Integer> batches = new ArrayList<>();
    for (String b : a.getOrDefault("--batches", "1,8").split(",")) {
      batches.add(Integer.parseInt(b.trim()));
    }
    EngineOptions options = EngineOptions.builder().device(ExecutionDevice.CPU).build();
    BenchSettings settings =
        BenchSettings.builder()
            .batches(batches)
            .slice(
                Duration.ofMillis(
                    (long) (1000 * Double.parseDouble(a.getOrDefault("--seconds", "2")))))
            .rounds(Integer.parseInt(a.getOrDefault("--rounds", "3")))
            .engineOptions(options)
            .build();
    Map<String, EngineBenchmark.Session> models = new LinkedHashMap<>();
    for (String name :
        a.getOrDefault("--models", "nsfw-mobilenet-v2,nsfw-inception-v3").split(",")) {
      ModelArtifact artifact = BundledRepository.resolve(repo, name.trim(), null);
      models.put(name.trim(), new EngineBenchmark.Session(artifact, options));
    }
    TuningReport report = EngineBenchmark.compareModels(models, settings, System.out::println);
    report.table().forEach(System.out::println);
    System.out.println();
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-20s", "CPU ms/image"));
    batches.forEach(b -> head.append(String.format(Locale.ROOT, "  %16s", "batch " + b)));
    System.out.println(head);
    String first = models.keySet().iterator().next();
    report
        .results()
        .forEach(
            (model, byBatch) -> {
              StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-20s", model));
              for (int b : batches) {
                double ms = byBatch.get(b).cpuMsPerImage();
                double base = report.results().get(first).get(b).cpuMsPerImage();
                line.append(
                    String.format(Locale.ROOT, "  %7.2f (%5.2fx)", ms, base > 0 ? ms / base : 0));
              }
              System.out.println(line);
            });
    System.out.println(report.toJson());
  }
}
