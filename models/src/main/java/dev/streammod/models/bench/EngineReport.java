package dev.streammod.models.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streammod.models.EngineOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What {@link EngineBenchmark#run} measured: one row per batch size, as a table and as JSON. */
public record EngineReport(
    String model, String version, int cpus, BenchSettings settings, List<Row> rows) {
  public EngineReport {
    rows = List.copyOf(rows);
  }

  /** One batch size: the three paths, each summed over its slices. */
  public record Row(int batch, Measurement bare, Measurement batcher, Measurement engine) {
    /** Batcher images/s over bare images/s. */
    public double batcherRatio() {
      return ratio(batcher.imagesPerSecond(), bare.imagesPerSecond());
    }

    /** Bare CPU per image over batcher CPU per image: the same ratio in CPU time. */
    public double batcherCpuRatio() {
      return ratio(bare.cpuMsPerImage(), batcher.cpuMsPerImage());
    }

    public double engineRatio() {
      return ratio(engine.imagesPerSecond(), bare.imagesPerSecond());
    }

    public double engineCpuRatio() {
      return ratio(bare.cpuMsPerImage(), engine.cpuMsPerImage());
    }

    /** Whether a path ran for less than a second in all: too short for tick-counted CPU time. */
    boolean coarseCpu() {
      return bare.wallSeconds() < 1 || batcher.wallSeconds() < 1 || engine.wallSeconds() < 1;
    }

    private static double ratio(double a, double b) {
      return b <= 0 ? 0 : a / b;
    }
  }

  static String progressLine(Row r) {
    return String.format(
        Locale.ROOT,
        "batch %d: bare %.1f images/s (%.2f CPU ms/image), batcher %.1f (%.2f, mean batch %.1f),"
            + " engine %.1f (%.2f); batcher/bare %.3f (CPU %.3f)",
        r.batch(),
        r.bare().imagesPerSecond(),
        r.bare().cpuMsPerImage(),
        r.batcher().imagesPerSecond(),
        r.batcher().cpuMsPerImage(),
        r.batcher().meanBatch(),
        r.engine().imagesPerSecond(),
        r.engine().cpuMsPerImage(),
        r.batcherRatio(),
        r.batcherCpuRatio());
  }

  /** A heading line, then one line per batch size and path. */
  public List<String> table() {
    List<String> out = new ArrayList<>();
    EngineOptions o = settings.engineOptions();
    out.add(
        String.format(
            Locale.ROOT,
            "%s:%s on %d CPUs; intra-op %d, graph optimisation %s, memory arena %s, memory pattern"
                + " %s; %d rounds of %s per path, interleaved",
            model,
            version,
            cpus,
            o.intraOpThreads(),
            o.graphOptimization(),
            o.cpuMemoryArena() ? "on" : "off",
            o.memoryPattern() ? "on" : "off",
            settings.rounds(),
            settings.iterations() > 0
                ? settings.iterations() + " batches"
                : settings.slice().toMillis() / 1000.0 + " s"));
    out.add(
        String.format(
            Locale.ROOT,
            "%5s  %-7s  %8s  %9s  %11s  %14s  %10s  %10s  %10s",
            "batch",
            "path",
            "images/s",
            "ms/batch",
            "CPU ms/img",
            "thread CPU ms",
            "mean batch",
            "vs bare",
            "vs bare CPU"));
    for (Row r : rows) {
      out.add(line(r.batch(), "bare", r.bare(), Double.NaN, Double.NaN));
      out.add(line(r.batch(), "batcher", r.batcher(), r.batcherRatio(), r.batcherCpuRatio()));
      out.add(line(r.batch(), "engine", r.engine(), r.engineRatio(), r.engineCpuRatio()));
    }
    if (rows.stream().anyMatch(Row::coarseCpu)) {
      out.add(
          "note: process CPU time is counted in 10 ms clock ticks; CPU columns of a path measured"
              + " for under 1 s are coarse (use longer --seconds or more --rounds)");
    }
    return out;
  }

  private static String line(int batch, String path, Measurement m, double ratio, double cpu) {
    return String.format(
        Locale.ROOT,
        "%5d  %-7s  %8.1f  %9.2f  %11.2f  %14.2f  %10.1f  %10s  %10s",
        batch,
        path,
        m.imagesPerSecond(),
        m.msPerBatch(),
        m.cpuMsPerImage(),
        m.threadCpuMsPerImage(),
        m.meanBatch(),
        Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "%.3f", ratio),
        Double.isNaN(cpu) ? "" : String.format(Locale.ROOT, "%.3f", cpu));
  }

  /** One line of JSON. */
  public String toJson() {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("benchmark", "engine");
    root.put("model", model);
    root.put("version", version);
    root.put("cpus", cpus);
    putSettings(root, settings);
    var batches = root.putArray("batches");
    for (Row r : rows) {
      ObjectNode n = batches.addObject();
      n.put("batch", r.batch());
      putMeasurement(n.putObject("bare"), r.bare());
      putMeasurement(n.putObject("batcher"), r.batcher());
      putMeasurement(n.putObject("engine"), r.engine());
      n.put("batcher_vs_bare", round(r.batcherRatio(), 4));
      n.put("batcher_vs_bare_cpu", round(r.batcherCpuRatio(), 4));
      n.put("engine_vs_bare", round(r.engineRatio(), 4));
      n.put("engine_vs_bare_cpu", round(r.engineCpuRatio(), 4));
    }
    return root.toString();
  }

  static void putSettings(ObjectNode root, BenchSettings s) {
    EngineOptions o = s.engineOptions();
    ObjectNode opts = root.putObject("options");
    opts.put("intra_op_threads", o.intraOpThreads());
    opts.put("inter_op_threads", o.interOpThreads());
    opts.put("graph_optimization", o.graphOptimization().name());
    opts.put("cpu_memory_arena", o.cpuMemoryArena());
    opts.put("memory_pattern", o.memoryPattern());
    root.put("rounds", s.rounds());
    if (s.iterations() > 0) {
      root.put("iterations", s.iterations());
    } else {
      root.put("slice_s", s.slice().toMillis() / 1000.0);
    }
    root.put("feeders", s.feeders());
  }

  static void putMeasurement(ObjectNode n, Measurement m) {
    n.put("batches", m.batches());
    n.put("images", m.images());
    n.put("images_per_s", round(m.imagesPerSecond(), 2));
    n.put("ms_per_batch", round(m.msPerBatch(), 3));
    n.put("cpu_ms_per_image", round(m.cpuMsPerImage(), 3));
    n.put("thread_cpu_ms_per_image", round(m.threadCpuMsPerImage(), 3));
    n.put("mean_batch", round(m.meanBatch(), 2));
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
