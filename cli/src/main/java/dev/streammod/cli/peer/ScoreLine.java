package dev.streammod.cli.peer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scores of one segment file, one JSON object per line, in the format both sides of a
 * comparison write: {@code {"file":"seg-000-neutral.ts","frames":1,"top":"Neutral","scores":
 * {"Drawing":0.01,...}}}, or {@code {"file":...,"error":"..."}} for a segment that gave no score.
 * {@code file} is the file name without its folder, so runs over copies in different folders
 * compare.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScoreLine(
    @JsonProperty("file") String file,
    @JsonProperty("frames") int frames,
    @JsonProperty("top") String top,
    @JsonProperty("scores") Map<String, Double> scores,
    @JsonProperty("error") String error) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public ScoreLine {
    if (file == null || file.isBlank()) {
      throw new IllegalArgumentException("file must be named, got " + file);
    }
    if (error == null && (scores == null || scores.isEmpty() || top == null)) {
      throw new IllegalArgumentException(file + ": a line without an error needs top and scores");
    }
    scores = scores == null ? null : new LinkedHashMap<>(scores);
  }

  /** A scored segment; {@code scores} in the model's label order. */
  public static ScoreLine scored(String file, int frames, String top, Map<String, ? extends Number> scores) {
    Map<String, Double> values = new LinkedHashMap<>();
    scores.forEach((label, v) -> values.put(label, v.doubleValue()));
    return new ScoreLine(file, frames, top, values, null);
  }

  public static ScoreLine failed(String file, String error) {
    return new ScoreLine(file, 0, null, null, error);
  }

  public boolean failed() {
    return error != null;
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the scores of " + file + " as JSON", e);
    }
  }

  /** Reads a file of score lines; blank lines are skipped. */
  public static List<ScoreLine> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read scores from " + file, e);
    }
    List<ScoreLine> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      try {
        out.add(JSON.readValue(line, ScoreLine.class));
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException(
            file + " line " + (i + 1) + " is not a score line: " + e.getMessage(), e);
      }
    }
    return out;
  }

  /** Writes {@code lines} to {@code file}, one JSON object per line. */
  public static void write(Path file, List<ScoreLine> lines) {
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      for (ScoreLine l : lines) {
        w.write(l.toJson());
        w.newLine();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write scores to " + file, e);
    }
  }
}
