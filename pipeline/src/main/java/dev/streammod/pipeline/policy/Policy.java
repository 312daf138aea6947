package dev.streammod.pipeline.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.streammod.connectors.avro.Decision;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Thresholds on per-segment label scores. BLOCK rules are tried before REVIEW rules, each group in
 * the order written; the first rule that fires decides, and no rule firing means ALLOW.
 */
public record Policy(@JsonProperty("rules") List<PolicyRule> rules) implements Serializable {

  public static final String DEFAULT_RULE = "default-allow";

  public Policy {
    rules = rules == null ? List.of() : List.copyOf(rules);
    Set<String> names = new HashSet<>();
    for (PolicyRule r : rules) {
      if (!names.add(r.name())) {
        throw new IllegalArgumentException("policy rule names must be unique, '" + r.name() + "' repeats");
      }
    }
    List<PolicyRule> ordered = new ArrayList<>(rules);
    ordered.sort(Comparator.comparingInt(r -> r.decision() == Decision.BLOCK ? 0 : 1));
    rules = List.copyOf(ordered);
  }

  /** The policy for the shipped colour-statistics model. */
  public static Policy colourStatsDefault() {
    return new Policy(
        List.of(
            PolicyRule.of("red-block", Decision.BLOCK, 0.8, "red"),
            PolicyRule.of("red-review", Decision.REVIEW, 0.5, "red")));
  }

  /** Fails with a message naming the rule and label when a rule names a label the model lacks. */
  public void checkLabels(List<String> modelLabels, String modelName) {
    for (PolicyRule r : rules) {
      for (String label : r.labels()) {
        if (!modelLabels.contains(label)) {
          throw new IllegalArgumentException(
              "policy rule '"
                  + r.name()
                  + "' names label '"
                  + label
                  + "', which model '"
                  + modelName
                  + "' does not have; its labels are "
                  + modelLabels);
        }
      }
    }
  }

  /** Decides from parallel arrays of labels and scores (max over sampled frames). */
  public PolicyOutcome evaluate(String[] labels, float[] scores) {
    for (PolicyRule r : rules) {
      double sum = 0.0;
      for (String wanted : r.labels()) {
        for (int i = 0; i < labels.length; i++) {
          if (labels[i].equals(wanted)) {
            sum += scores[i];
            break;
          }
        }
      }
      if (sum >= r.threshold()) {
        return new PolicyOutcome(r.decision(), r.name());
      }
    }
    return new PolicyOutcome(Decision.ALLOW, DEFAULT_RULE);
  }
}
