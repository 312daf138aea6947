package dev.streammod.cli.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ScoreComparisonTest {

  private static ScoreLine line(String file, double drawing, double neutral) {
    Map<String, Double> scores = new LinkedHashMap<>();
    scores.put("Drawing", drawing);
    scores.put("Neutral", neutral);
    return ScoreLine.scored(file, 1, drawing > neutral ? "Drawing" : "Neutral", scores);
  }

  @Test
  void countsTopAgreementAndTheLargestDifferencePerLabel() {
    List<ScoreLine> ours = List.of(line("a.ts", 0.1, 0.9), line("b.ts", 0.7, 0.3), line("c.ts", 0.52, 0.48));
    List<ScoreLine> peer = List.of(line("c.ts", 0.48, 0.52), line("a.ts", 0.1000002, 0.8999999), line("b.ts", 0.7, 0.3));

    ScoreComparison c = ScoreComparison.of(ours, peer);

    assertThat(c.compared()).isEqualTo(3);
    assertThat(c.topAgree()).isEqualTo(2);
    assertThat(c.topDisagreements()).containsExactly("c.ts: ours Drawing, peer Neutral");
    assertThat(c.maxDiffByLabel().get("Drawing")).isCloseTo(0.04, within(1e-12));
    assertThat(c.maxDiffByLabel().get("Neutral")).isCloseTo(0.04, within(1e-12));
    assertThat(c.maxDiff()).isCloseTo(0.04, within(1e-12));
    assertThat(c.maxDiffFile()).isEqualTo("c.ts");
    assertThat(c.allAgree()).isFalse();
  }

  @Test
  void failedAndUnpairedFilesAreCountedNotCompared() {
    List<ScoreLine> ours = List.of(line("a.ts", 0.1, 0.9), ScoreLine.failed("b.ts", "DECODE_FAILED: x"), line("c.ts", 0.1, 0.9));
    List<ScoreLine> peer = List.of(line("a.ts", 0.1, 0.9), line("b.ts", 0.1, 0.9), line("d.ts", 0.1, 0.9));

    ScoreComparison c = ScoreComparison.of(ours, peer);

    assertThat(c.compared()).isEqualTo(1);
    assertThat(c.topAgree()).isEqualTo(1);
    assertThat(c.failed()).isEqualTo(1);
    assertThat(c.missing()).containsExactly("c.ts (only ours)", "d.ts (only peer)");
    assertThat(c.maxDiff()).isZero();
    assertThat(c.allAgree()).isFalse();
  }

  @Test
  void differentLabelsAndRepeatedFilesAreRefused() {
    ScoreLine other = ScoreLine.scored("a.ts", 1, "Porn", Map.of("Porn", 0.9));
    assertThatThrownBy(() -> ScoreComparison.of(List.of(line("a.ts", 0.1, 0.9)), List.of(other)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a.ts")
        .hasMessageContaining("different labels");
    assertThatThrownBy(() -> ScoreComparison.of(List.of(line("a.ts", 0.1, 0.9), line("a.ts", 0.1, 0.9)), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ours has two score lines for a.ts");
  }

  @Test
  void readsThePeersLinesAsWellAsOurs(@TempDir Path dir) throws Exception {
    Path peer = dir.resolve("peer.jsonl");
    // As Python's json.dumps writes them: spaces after separators, exponents in lower case.
    Files.writeString(
        peer,
        "{\"file\": \"a.ts\", \"frames\": 1, \"top\": \"Neutral\", \"scores\": {\"Drawing\": 1.5e-05, \"Neutral\": 0.99}}\n"
            + "\n"
            + "{\"file\": \"b.ts\", \"frames\": 0, \"error\": \"NO_FRAMES: no key frame decoded\"}\n");
    Path ours = dir.resolve("ours.jsonl");
    ScoreLine.write(ours, List.of(line("a.ts", 1.6e-5, 0.99), ScoreLine.failed("b.ts", "NO_FRAMES: none")));

    ScoreComparison c = ScoreComparison.of(ScoreLine.read(ours), ScoreLine.read(peer));

    assertThat(c.compared()).isEqualTo(1);
    assertThat(c.failed()).isEqualTo(1);
    assertThat(c.maxDiffByLabel().get("Drawing")).isCloseTo(1e-6, within(1e-12));
  }

  @Test
  void aRowPutsOursOverThePeerPerCore(@TempDir Path dir) throws Exception {
    RunSummary ours = new RunSummary("ours", 2, 600, 600, 0, 3.0, 5.4);
    Path peerFile = dir.resolve("peer.json");
    Files.writeString(
        peerFile,
        "{\"side\": \"peer\", \"workers\": 2, \"segments\": 600, \"frames\": 600, \"failed\": 0,"
            + " \"wall_s\": 10.0, \"cpu_s\": 19.8, \"cpu_s_with_startup\": 25.0}\n");
    RunSummary peer = RunSummary.read(peerFile);
    ScoreComparison scores = ScoreComparison.of(List.of(line("a.ts", 0.1, 0.9)), List.of(line("a.ts", 0.1, 0.9)));

    ComparisonRow row = new ComparisonRow("720p", ours, peer, scores);

    assertThat(ours.segmentsPerSecondPerCore()).isCloseTo(100.0, within(1e-9));
    assertThat(peer.segmentsPerSecondPerCore()).isCloseTo(30.0, within(1e-9));
    assertThat(ours.cpuMsPerSegment()).isCloseTo(9.0, within(1e-9));
    assertThat(row.ratio()).isCloseTo(10 / 3.0, within(1e-9));
    assertThat(row.cpuRatio()).isCloseTo(33.0 / 9.0, within(1e-9));
    assertThat(row.markdown()).isEqualTo("| 720p | 100.00 | 30.00 | 9.0 | 33.0 | 3.33x | 1/1 | 0.00e+00 |");
    assertThat(RunSummary.parse(ours.toJson())).isEqualTo(ours);
  }
}
