package dev.streammod.cli.peer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * One line of the side-by-side table: both runs over the same files at one resolution, and how
 * their scores agree. The ratio is ours over the peer in segments per second per core.
 */
public record ComparisonRow(String label, RunSummary ours, RunSummary peer, ScoreComparison scores) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Ours per core over the peer's per core; 0 when the peer did nothing. */
  public double ratio() {
    double p = peer.segmentsPerSecondPerCore();
    return p <= 0 ? 0 : ours.segmentsPerSecondPerCore() / p;
  }

  /** The peer's CPU per segment over ours; 0 when ours is 0. */
  public double cpuRatio() {
    double o = ours.cpuMsPerSegment();
    return o <= 0 ? 0 : peer.cpuMsPerSegment() / o;
  }

  public static String header() {
    return "| resolution | ours seg/s per core | peer seg/s per core | ours CPU-ms/seg | peer CPU-ms/seg"
        + " | ratio | top-1 agree | max |diff| |\n"
        + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
  }

  public String markdown() {
    return String.format(
        Locale.ROOT,
        "| %s | %.2f | %.2f | %.1f | %.1f | %.2fx | %d/%d | %.2e |",
        label,
        ours.segmentsPerSecondPerCore(),
        peer.segmentsPerSecondPerCore(),
        ours.cpuMsPerSegment(),
        peer.cpuMsPerSegment(),
        ratio(),
        scores.topAgree(),
        scores.compared() + scores.failed() + scores.missing().size(),
        scores.maxDiff());
  }

  public ObjectNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("resolution", label);
    o.set("ours", ours.toJson());
    o.set("peer", peer.toJson());
    o.put("ratio_per_core", Math.round(ratio() * 1000) / 1000.0);
    o.put("ratio_cpu_ms", Math.round(cpuRatio() * 1000) / 1000.0);
    ObjectNode s = o.putObject("scores");
    s.put("compared", scores.compared()).put("top1_agree", scores.topAgree()).put("failed", scores.failed());
    s.putPOJO("missing", scores.missing());
    s.put("max_abs_diff", scores.maxDiff());
    s.put("max_abs_diff_file", scores.maxDiffFile());
    s.putPOJO("max_abs_diff_by_label", scores.maxDiffByLabel());
    s.putPOJO("top1_disagreements", scores.topDisagreements());
    return o;
  }
}
