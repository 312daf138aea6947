package dev.streammod.models.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streammod.models.EngineOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link EngineBenchmark#compareSessionOptions} measured: per variant of the session options
 * and batch size, a bare session's rate and CPU per image.
 */
public record TuningReport(
    String model,
    String version,
    int cpus,
    BenchSettings settings,
    Map<String, EngineOptions> variants,
    Map<String, Map<Integer, Measurement>> results) {
  public TuningReport {
    variants = new LinkedHashMap<>(variants);
    Map<String, Map<Integer, Measurement>> copy = new LinkedHashMap<>();
    results.forEach((k, v) -> copy.put(k, new LinkedHashMap<>(v)));
    results = copy;
  }

  /** A heading, then a line per variant: images/s (CPU ms per image) at each batch size. */
  public List<String> table() {
    List<String> out = new ArrayList<>();
    out.add(
        String.format(
            Locale.ROOT,
            "%s:%s on %d CPUs, bare sessions; %d rounds of %s per variant, interleaved;"
                + " images/s (process CPU ms per image)",
            model,
            version,
            cpus,
            settings.rounds(),
            settings.iterations() > 0
                ? settings.iterations() + " batches"
                : settings.slice().toMillis() / 1000.0 + " s"));
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-16s", "variant"));
    for (int b : settings.batches()) {
      head.append(String.format(Locale.ROOT, "  %18s", "batch " + b));
    }
    out.add(head.toString());
    results.forEach(
        (v, byBatch) -> {
          StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-16s", v));
          for (int b : settings.batches()) {
            Measurement m = byBatch.get(b);
            line.append(
                String.format(
                    Locale.ROOT, "  %8.1f (%6.2f ms)", m.imagesPerSecond(), m.cpuMsPerImage()));
          }
          out.add(line.toString());
        });
    return out;
  }

  /** One line of JSON. */
  public String toJson() {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("benchmark", "session-options");
    root.put("model", model);
    root.put("version", version);
    root.put("cpus", cpus);
    EngineReport.putSettings(root, settings);
    root.remove("options");
    var list = root.putArray("variants");
    results.forEach(
        (v, byBatch) -> {
          ObjectNode n = list.addObject();
          n.put("variant", v);
          EngineOptions o = variants.get(v);
          n.put("intra_op_threads", o.intraOpThreads());
          n.put("graph_optimization", o.graphOptimization().name());
          n.put("cpu_memory_arena", o.cpuMemoryArena());
          n.put("memory_pattern", o.memoryPattern());
          var batches = n.putArray("batches");
          byBatch.forEach(
              (b, m) -> {
                ObjectNode bn = batches.addObject();
                bn.put("batch", b);
                EngineReport.putMeasurement(bn, m);
              });
        });
    return root.toString();
  }
}
