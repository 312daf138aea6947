package dev.streammod.pipeline.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.streammod.connectors.avro.Decision;
import java.io.Serializable;
import java.util.List;

/**
 * Fires when the sum of the scores of {@code labels} reaches {@code threshold}. A single label is
 * the common case; several labels express rules such as "Porn + Hentai >= 0.8".
 */
public record PolicyRule(
    @JsonProperty("name") String name,
    @JsonProperty("labels") List<String> labels,
    @JsonProperty("threshold") Double threshold,
    @JsonProperty("decision") Decision decision)
    implements Serializable {

  public PolicyRule {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("policy rule name must not be empty, got '" + name + "'");
    }
    String where = "policy rule '" + name + "'";
    if (labels == null || labels.isEmpty()) {
      throw new IllegalArgumentException(where + ": labels must name at least one label");
    }
    labels = List.copyOf(labels);
    if (threshold == null || !(threshold > 0.0) || threshold > labels.size()) {
      throw new IllegalArgumentException(
          where + ": threshold must be in (0, " + labels.size() + "], got " + threshold);
    }
    if (decision != Decision.BLOCK && decision != Decision.REVIEW) {
      throw new IllegalArgumentException(
          where + ": decision must be BLOCK or REVIEW, got " + decision);
    }
  }

  public static PolicyRule of(String name, Decision decision, double threshold, String... labels) {
    return new PolicyRule(name, List.of(labels), threshold, decision);
  }
}
