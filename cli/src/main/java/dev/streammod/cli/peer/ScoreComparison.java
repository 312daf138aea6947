package dev.streammod.cli.peer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * How two runs' scores of the same segment files agree: files scored by both, files whose top
 * label is the same, and the largest absolute difference of each label's score. Files are matched
 * by name; a file one side failed or lacks is counted, never compared.
 *
 * @param compared files both sides scored
 * @param topAgree of those, files with the same top label
 * @param failed files that either side failed
 * @param missing files that only one side has a line for
 * @param maxDiffByLabel per label, the largest |ours - peer| over the compared files
 * @param maxDiff the largest of those
 * @param maxDiffFile the file where {@code maxDiff} was found, or null when nothing was compared
 * @param topDisagreements the files whose top labels differ, as "file: ours X, peer Y"
 */
public record ScoreComparison(
    int compared,
    int topAgree,
    int failed,
    List<String> missing,
    Map<String, Double> maxDiffByLabel,
    double maxDiff,
    String maxDiffFile,
    List<String> topDisagreements) {

  public ScoreComparison {
    missing = List.copyOf(missing);
    maxDiffByLabel = new LinkedHashMap<>(maxDiffByLabel);
    topDisagreements = List.copyOf(topDisagreements);
  }

  /**
   * @throws IllegalArgumentException when a file appears twice on one side, or when the two sides
   *     score a file with different labels
   */
  public static ScoreComparison of(List<ScoreLine> ours, List<ScoreLine> peer) {
    Map<String, ScoreLine> a = byFile(ours, "ours");
    Map<String, ScoreLine> b = byFile(peer, "peer");
    TreeSet<String> files = new TreeSet<>(a.keySet());
    files.addAll(b.keySet());
    int compared = 0;
    int topAgree = 0;
    int failed = 0;
    List<String> missing = new ArrayList<>();
    Map<String, Double> maxByLabel = new LinkedHashMap<>();
    double max = 0;
    String maxFile = null;
    List<String> disagreements = new ArrayList<>();
    for (String f : files) {
      ScoreLine x = a.get(f);
      ScoreLine y = b.get(f);
      if (x == null || y == null) {
        missing.add(f + " (only " + (x == null ? "peer" : "ours") + ")");
        continue;
      }
      if (x.failed() || y.failed()) {
        failed++;
        continue;
      }
      if (!x.scores().keySet().equals(y.scores().keySet())) {
        throw new IllegalArgumentException(
            f + ": the sides score different labels: ours " + x.scores().keySet() + ", peer " + y.scores().keySet());
      }
      compared++;
      if (x.top().equals(y.top())) {
        topAgree++;
      } else {
        disagreements.add(f + ": ours " + x.top() + ", peer " + y.top());
      }
      for (Map.Entry<String, Double> e : x.scores().entrySet()) {
        double d = Math.abs(e.getValue() - y.scores().get(e.getKey()));
        maxByLabel.merge(e.getKey(), d, Math::max);
        if (maxFile == null || d > max) {
          max = d;
          maxFile = f;
        }
      }
    }
    return new ScoreComparison(compared, topAgree, failed, missing, maxByLabel, max, maxFile, disagreements);
  }

  private static Map<String, ScoreLine> byFile(List<ScoreLine> lines, String side) {
    Map<String, ScoreLine> m = new LinkedHashMap<>();
    for (ScoreLine l : lines) {
      if (m.put(l.file(), l) != null) {
        throw new IllegalArgumentException(side + " has two score lines for " + l.file());
      }
    }
    return m;
  }

  /** Whether every file is on both sides, scored by both, with the same top label. */
  public boolean allAgree() {
    return missing.isEmpty() && failed == 0 && compared > 0 && topAgree == compared;
  }
}
