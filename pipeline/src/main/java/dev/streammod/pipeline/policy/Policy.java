package dev.streammod.pipeline.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.streammod.connectors.avro.Decision;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Thresholds on the label scores of single frames. A rule fires on a frame when that frame's
 * scores of the rule's labels sum to its threshold or more; scores of different frames are never
 * added or combined. A frame's decision is that of the first rule it fires, BLOCK rules tried
 * before REVIEW rules, each group in the order written; no rule firing means ALLOW. A segment's
 * decision is the worst of its frames' decisions, and the frame that decided is named in the
 * outcome. {@link Escalation} may then raise it from the stream's recent history.
 */
public record Policy(
    @JsonProperty("rules") List<PolicyRule> rules, @JsonProperty("escalation") Escalation escalation)
    implements Serializable {

  public static final String DEFAULT_RULE = "default-allow";

  /** Rules alone, without escalation. */
  public Policy(List<PolicyRule> rules) {
    this(rules, null);
  }

  @JsonCreator
  public Policy {
    escalation = escalation == null ? Escalation.off() : escalation;
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

  /** The same rules with another escalation ({@code null}: off). */
  public Policy withEscalation(Escalation newEscalation) {
    return new Policy(rules, newEscalation);
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

  /**
   * Decides a segment from its frames' scores, one row of {@code labels.length} scores per frame.
   * Convenience for callers that decide once; {@link #bind} once per model for many segments.
   */
  public PolicyOutcome evaluate(String[] labels, float[][] frames) {
    return bind(List.of(labels), "model").evaluate(frames);
  }

  /** Decides a single frame (an image). */
  public PolicyOutcome evaluateFrame(String[] labels, float[] frame) {
    return evaluate(labels, new float[][] {frame});
  }

  /**
   * This policy over a model's labels, resolved to their indices once; fails, naming the rule and
   * label, when a rule names a label the model lacks.
   */
  public Bound bind(List<String> modelLabels, String modelName) {
    checkLabels(modelLabels, modelName);
    return new Bound(this, modelLabels);
  }

  /** A policy with its rules' labels resolved to a model's output indices; immutable. */
  public static final class Bound implements Serializable {
    private static final long serialVersionUID = 1L;
    private final List<PolicyRule> rules;
    private final int[][] ruleLabels;
    private final boolean[] risk;

    private Bound(Policy policy, List<String> modelLabels) {
      this.rules = policy.rules();
      this.ruleLabels = new int[rules.size()][];
      for (int r = 0; r < rules.size(); r++) {
        List<String> names = rules.get(r).labels();
        ruleLabels[r] = new int[names.size()];
        for (int i = 0; i < names.size(); i++) {
          ruleLabels[r][i] = modelLabels.indexOf(names.get(i));
        }
      }
      this.risk = new boolean[modelLabels.size()];
      Set<String> riskLabels = policy.riskLabels();
      for (int l = 0; l < risk.length; l++) {
        risk[l] = riskLabels.contains(modelLabels.get(l));
      }
    }

    /**
     * The worst decision over the frames. For a rule that fired, the frame that decided is the one
     * scoring highest on that rule; for ALLOW, the frame whose risk labels (those any rule names)
     * sum highest, or -1 when there are no frames.
     */
    public PolicyOutcome evaluate(float[][] frames) {
      for (int r = 0; r < ruleLabels.length; r++) {
        PolicyRule rule = rules.get(r);
        int best = -1;
        double bestSum = Double.NEGATIVE_INFINITY;
        for (int f = 0; f < frames.length; f++) {
          double sum = 0.0;
          for (int l : ruleLabels[r]) {
            sum += frames[f][l];
          }
          if (sum >= rule.threshold() && sum > bestSum) {
            bestSum = sum;
            best = f;
          }
        }
        if (best >= 0) {
          return new PolicyOutcome(rule.decision(), rule.name(), best);
        }
      }
      return new PolicyOutcome(Decision.ALLOW, DEFAULT_RULE, riskiest(frames));
    }

    /** The decision for one frame alone. */
    public PolicyOutcome evaluateFrame(float[] frame) {
      return evaluate(new float[][] {frame});
    }

    private int riskiest(float[][] frames) {
      int worst = -1;
      float worstRisk = Float.NEGATIVE_INFINITY;
      for (int f = 0; f < frames.length; f++) {
        float sum = 0f;
        for (int l = 0; l < risk.length; l++) {
          if (risk[l]) {
            sum += frames[f][l];
          }
        }
        if (sum > worstRisk) {
          worstRisk = sum;
          worst = f;
        }
      }
      return worst;
    }
  }
}
