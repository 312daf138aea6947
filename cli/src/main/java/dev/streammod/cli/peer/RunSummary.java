package dev.streammod.cli.peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The figures of one timed run over segment files, ours or the peer's, as both print them: one
 * JSON object on one line with the keys below. Only the measured passes count: start-up, model
 * loading and warm-up are outside {@code wall_s} and {@code cpu_s}.
 *
 * @param side "ours" or "peer"
 * @param workers threads (ours) or processes (the peer) working at once, one per core
 * @param segments segments moderated in the measured passes, failures included
 * @param frames frames scored in the measured passes
 * @param failed segments that gave no score
 * @param wallSeconds from the start of the measured passes to the end of the last worker
 * @param cpuSeconds CPU time (user + system) of the whole process or processes over the measured
 *     passes
 */
public record RunSummary(
    String side,
    int workers,
    long segments,
    long frames,
    long failed,
    double wallSeconds,
    double cpuSeconds) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public RunSummary {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be >= 1, got " + workers);
    }
    if (segments < 0 || frames < 0 || failed < 0 || failed > segments) {
      throw new IllegalArgumentException(
          "counts must be >= 0 and failed <= segments, got segments="
              + segments
              + " frames="
              + frames
              + " failed="
              + failed);
    }
  }

  public double segmentsPerSecond() {
    return wallSeconds <= 0 ? 0 : segments / wallSeconds;
  }

  /** Segments per second for each worker, one worker to a core. */
  public double segmentsPerSecondPerCore() {
    return segmentsPerSecond() / workers;
  }

  public double cpuMsPerSegment() {
    return segments == 0 ? 0 : 1000 * cpuSeconds / segments;
  }

  /** The summary's JSON object; {@code extra} adds side-specific figures after the common ones. */
  public ObjectNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("side", side)
        .put("workers", workers)
        .put("segments", segments)
        .put("frames", frames)
        .put("failed", failed)
        .put("wall_s", round(wallSeconds, 4))
        .put("cpu_s", round(cpuSeconds, 4))
        .put("segments_per_s", round(segmentsPerSecond(), 3))
        .put("segments_per_s_per_core", round(segmentsPerSecondPerCore(), 3))
        .put("cpu_ms_per_segment", round(cpuMsPerSegment(), 3));
    return o;
  }

  /** Reads the last non-blank line of {@code file}, a summary as {@link #toJson()} writes it. */
  public static RunSummary read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a run summary from " + file, e);
    }
    String last = null;
    for (String l : lines) {
      if (!l.isBlank()) {
        last = l.strip();
      }
    }
    if (last == null) {
      throw new IllegalArgumentException(file + " is empty: the run wrote no summary");
    }
    try {
      return parse(JSON.readTree(last));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": not a run summary: " + e.getMessage(), e);
    }
  }

  static RunSummary parse(JsonNode n) {
    for (String key : List.of("side", "workers", "segments", "frames", "failed", "wall_s", "cpu_s")) {
      if (!n.hasNonNull(key)) {
        throw new IllegalArgumentException("key \"" + key + "\" is missing in " + n);
      }
    }
    return new RunSummary(
        n.get("side").asText(),
        n.get("workers").asInt(),
        n.get("segments").asLong(),
        n.get("frames").asLong(),
        n.get("failed").asLong(),
        n.get("wall_s").asDouble(),
        n.get("cpu_s").asDouble());
  }

  private static double round(double v, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(v * f) / f;
  }
}
