package dev.streammod.pipeline.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
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

  /** The policy shipped for the colour-statistics model. */
  public static Policy colourStatsDefault() {
    return defaultFor("colour-stats");
  }

  /** The policy shipped for a model ({@code policies/<model>.yaml} on the classpath). */
  public static Policy defaultFor(String modelName) {
    String resource = "policies/" + modelName + ".yaml";
    try (InputStream in = Policy.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException(
            "no policy was given and none is shipped for model '"
                + modelName
                + "'; write one (see deploy/config/moderation.yaml) and pass it with --policy or policy.rules");
      }
      return parse(in, "classpath:" + resource);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  /** Reads a policy file: a YAML mapping with {@code rules}. */
  public static Policy read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("policy file " + file + " does not exist");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read policy file " + file, e);
    }
  }

  private static Policy parse(InputStream in, String source) throws IOException {
    try {
      Policy p = YAML.readValue(in, Policy.class);
      if (p == null || p.rules().isEmpty()) {
        throw new IllegalArgumentException("policy " + source + " has no rules");
      }
      return p;
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalArgumentException("invalid policy " + source + ": " + cause.getMessage(), e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid policy " + source + ": " + e.getOriginalMessage(), e);
    }
  }

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Labels the rules act on: the worst frame of a segment is the one scoring highest on them. */
  public Set<String> riskLabels() {
    Set<String> labels = new LinkedHashSet<>();
    rules.forEach(r -> labels.addAll(r.labels()));
    return labels;
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
