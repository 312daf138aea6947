package dev.streammod.cli.peer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streammod.cli.bench.BenchOptions;
import dev.streammod.decoders.SegmentDecoder;
import dev.streammod.models.InferenceEngine;
import dev.streammod.models.ModelArtifact;
import dev.streammod.pipeline.config.JobSettings;
import dev.streammod.pipeline.config.SettingsLoader;
import dev.streammod.pipeline.moderation.ModerationComponents;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Our side of a side-by-side run against the Python peer ({@code peer/python/moderate.py}), over
 * the same segment files: {@code segments} writes them, {@code model} names the ONNX file both
 * sides load, {@code run} moderates them with our decoder and engine and {@code compare} puts the
 * two runs in one table row. {@code peer/compare.sh} drives it all.
 */
@Command(
    name = "peer-comparison",
    mixinStandardHelpOptions = true,
    description = "Our moderation path next to the Python peer, on the same segment files.",
    subcommands = {
      PeerComparison.Segments.class,
      PeerComparison.Model.class,
      PeerComparison.Run.class,
      PeerComparison.Compare.class,
      CommandLine.HelpCommand.class
    })
public final class PeerComparison implements Runnable {
  static final String DEFAULT_MODEL = BenchOptions.DEFAULT_MODEL;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new PeerComparison());
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          cmd.getErr().println("error: " + ex.getMessage());
          if (!(ex instanceof IllegalArgumentException || ex instanceof UncheckedIOException)) {
            ex.printStackTrace(cmd.getErr());
          }
          return 2;
        });
    return cl;
  }

  /**
   * The job's settings as the bench's raw rates use them: the model on CPU with one ONNX Runtime
   * intra-op thread, key-frame sampling, at most {@code maxFrames} frames per segment.
   */
  static JobSettings settings(String model, Path repository, int maxFrames) {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("model.name", model);
    if (repository != null) {
      keys.put("model.repository", repository.toString());
    }
    keys.put("model.device", "cpu");
    keys.put("model.intra-op-threads", "1");
    keys.put("decoder.sampling", "keyframes");
    keys.put("decoder.max-frames", Integer.toString(maxFrames));
    return SettingsLoader.load(null, keys);
  }

  @Command(name = "segments", mixinStandardHelpOptions = true, description = "Write synthetic H.264 MPEG-TS segment files.")
  static final class Segments implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write them to (created if missing).")
    Path out;

    @Option(names = "--count", defaultValue = "60", description = "Segments (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--size", defaultValue = "1280x720", paramLabel = "WxH", description = "Picture size (default ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--fps", defaultValue = "30", description = "Frames per second, also one key frame a second (default ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--seconds", defaultValue = "2", description = "Segment length (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--threads", description = "Encoding threads (default: one per core).")
    Integer threads;

    @Override
    public Integer call() throws InterruptedException {
      int[] wh = parseSize(size);
      long t0 = System.nanoTime();
      List<Path> files =
          SegmentFiles.write(
              out,
              new SegmentFiles.Shape(wh[0], wh[1], fps, seconds),
              count,
              threads != null ? threads : Runtime.getRuntime().availableProcessors());
      long bytes = 0;
      for (Path f : files) {
        bytes += sizeOf(f);
      }
      System.err.printf(
          Locale.ROOT,
          "segments: %d %s H.264 MPEG-TS segments of %.1f s at %.0f fps in %s (%d KiB each on average), %d ms%n",
          files.size(),
          size,
          seconds,
          fps,
          out,
          bytes / files.size() / 1024,
          (System.nanoTime() - t0) / 1_000_000);
      return 0;
    }
  }

  @Command(name = "model", mixinStandardHelpOptions = true, description = "Print the path of the model's ONNX file (the bundled models are unpacked to the cache first).")
  static final class Model implements Callable<Integer> {
    @Option(names = "--model", defaultValue = DEFAULT_MODEL, description = "Model name (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--model-repository", paramLabel = "DIR", description = "Model repository (default: the models shipped in the jar).")
    Path repository;

    @Override
    public Integer call() {
      ModelArtifact artifact = ModerationComponents.artifact(settings(model, repository, 1).model());
      System.out.println(artifact.modelFile().toAbsolutePath());
      return 0;
    }
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = {
        "Moderate segment files with our decoder and engine, one worker thread per core, and print"
            + " the run's figures as one JSON line.",
        "Each worker takes the next file, reads it, decodes its key frames (at most --max-frames)"
            + " scaled to the model's input and scores them in one session run. Warm-up passes are"
            + " not measured; CPU time is the whole JVM's over the measured passes."
      })
  static final class Run implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DIR|FILE", description = "Segment files, or folders of *.ts files.")
    List<Path> inputs;

    @Option(names = "--workers", description = "Worker threads (default: one per core).")
    Integer workers;

    @Option(names = "--max-frames", defaultValue = "1", description = "Sampled frames per segment at most, as the bench's decoder.max-frames (default ${DEFAULT-VALUE}).")
    int maxFrames;

    @Option(names = "--warmup-passes", defaultValue = "1", description = "Unmeasured passes over the files first (default ${DEFAULT-VALUE}).")
    int warmupPasses;

    @Option(names = "--passes", defaultValue = "3", description = "Measured passes over the files (default ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--scores", paramLabel = "FILE", description = "Write the first measured pass's scores here, one JSON line per file.")
    Path scores;

    @Option(names = "--summary", paramLabel = "FILE", description = "Also write the summary line here.")
    Path summary;

    @Option(names = "--model", defaultValue = DEFAULT_MODEL, description = "Model name (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--model-repository", paramLabel = "DIR", description = "Model repository (default: the models shipped in the jar).")
    Path repository;

    @Override
    public Integer call() throws InterruptedException {
      List<Path> files = SegmentFiles.list(inputs);
      int threads = workers != null ? workers : Runtime.getRuntime().availableProcessors();
      JobSettings settings = settings(model, repository, maxFrames);
      try (InferenceEngine engine =
          InferenceEngine.open(
              ModerationComponents.artifact(settings.model()), ModerationComponents.engineOptions(settings.model()))) {
        SegmentDecoder decoder =
            new SegmentDecoder(ModerationComponents.decoderSettings(settings.decoder(), engine.config()));
        PrintStream err = System.err;
        err.printf(
            Locale.ROOT,
            "ours: %d files, %d worker threads, %s on %s, %s; %d warm-up and %d measured passes%n",
            files.size(),
            threads,
            engine.config().name(),
            engine.deviceDescription(),
            decoder.settings(),
            warmupPasses,
            passes);
        FileModeration.Outcome o =
            new FileModeration(decoder, engine).run(files, new FileModeration.Passes(threads, warmupPasses, passes));
        if (scores != null) {
          ScoreLine.write(scores, o.scores());
        }
        if (o.summary().wallSeconds() < 2) {
          err.printf(
              Locale.ROOT,
              "ours: the measured passes took %.2f s; the JVM reads its process CPU time in clock ticks (10 ms), so"
                  + " cpu_ms_per_segment is rough below a few seconds: give more --passes%n",
              o.summary().wallSeconds());
        }
        ObjectNode json = o.summary().toJson();
        json.put("worker_thread_cpu_s", Math.round(o.workerCpuSeconds() * 10000) / 10000.0);
        json.put("max_frames", maxFrames);
        json.put("files", files.size());
        json.put("passes", passes);
        String line = json.toString();
        if (summary != null) {
          writeLine(summary, line, false);
        }
        System.out.println(line);
        return o.summary().failed() == 0 ? 0 : 1;
      }
    }
  }

  @Command(
      name = "compare",
      mixinStandardHelpOptions = true,
      description = "Compare our run with the peer's over the same files: print one table row (with --header, the header first).")
  static final class Compare implements Callable<Integer> {
    @Option(names = "--label", required = true, description = "The row's name, e.g. 720p.")
    String label;

    @Option(names = "--ours-summary", required = true, paramLabel = "FILE")
    Path oursSummary;

    @Option(names = "--peer-summary", required = true, paramLabel = "FILE")
    Path peerSummary;

    @Option(names = "--ours-scores", required = true, paramLabel = "FILE")
    Path oursScores;

    @Option(names = "--peer-scores", required = true, paramLabel = "FILE")
    Path peerScores;

    @Option(names = "--header", description = "Print the table header before the row.")
    boolean header;

    @Option(names = "--json", paramLabel = "FILE", description = "Append the row's details as one JSON line to this file.")
    Path json;

    @Override
    public Integer call() {
      ScoreComparison scores = ScoreComparison.of(ScoreLine.read(oursScores), ScoreLine.read(peerScores));
      ComparisonRow row =
          new ComparisonRow(label, RunSummary.read(oursSummary), RunSummary.read(peerSummary), scores);
      if (header) {
        System.out.println(ComparisonRow.header());
      }
      System.out.println(row.markdown());
      if (json != null) {
        writeLine(json, row.toJson().toString(), true);
      }
      for (String d : scores.topDisagreements()) {
        System.err.println(label + ": top-1 differs in " + d);
      }
      for (String m : scores.missing()) {
        System.err.println(label + ": no pair for " + m);
      }
      return scores.missing().isEmpty() ? 0 : 1;
    }
  }

  static int[] parseSize(String size) {
    String[] parts = size.toLowerCase(Locale.ROOT).split("x");
    try {
      if (parts.length == 2) {
        return new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("size must be WIDTHxHEIGHT, e.g. 1280x720, got \"" + size + "\"");
  }

  private static long sizeOf(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the size of " + f, e);
    }
  }

  private static void writeLine(Path file, String line, boolean append) {
    try {
      Files.writeString(
          file,
          line + System.lineSeparator(),
          StandardOpenOption.CREATE,
          append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
