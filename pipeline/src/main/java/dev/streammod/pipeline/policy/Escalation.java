package dev.streammod.pipeline.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.streammod.connectors.avro.Decision;
import java.io.Serializable;

/**
 * Temporal escalation per stream, applied after the frame rules: a segment's decision may be
 * raised, never lowered, by what its stream did just before.
 *
 * <ul>
 *   <li><b>Flagged segments</b>: when at least {@code flagged} of the stream's last {@code window}
 *       segments (this one included) were REVIEW or BLOCK by their frames, this segment reads at
 *       least {@code decision}.
 *   <li><b>Hysteresis</b>: once a segment reads BLOCK by its frames or by the rule above, the
 *       stream's following segments read at least {@code decision} until {@code clear-after} clean
 *       (ALLOW) segments in a row have come; the {@code clear-after}-th reads ALLOW again. 0 turns
 *       it off.
 * </ul>
 *
 * Segments count in the order their results reach the policy step, which is the stream's own order
 * except when {@code decoder.max-in-flight-per-stream} lets two of its segments finish out of
 * order. ERROR segments neither count nor change anything. A stream's history is kept in Flink
 * keyed state for {@code state-ttl-ms} after its last segment, then forgotten.
 */
public record Escalation(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("window") Integer window,
    @JsonProperty("flagged") Integer flagged,
    @JsonProperty("clear-after") Integer clearAfter,
    @JsonProperty("decision") Decision decision,
    @JsonProperty("state-ttl-ms") Long stateTtlMs)
    implements Serializable {

  /** The most segments a window may hold: the state per stream stays small. */
  public static final int MAX_WINDOW = 64;

  public static final int MAX_CLEAR_AFTER = 10_000;

  public Escalation {
    enabled = enabled != null && enabled;
    window = window == null ? 5 : window;
    if (window < 1 || window > MAX_WINDOW) {
      throw new IllegalArgumentException(
          "policy.escalation.window must be in [1, " + MAX_WINDOW + "], got " + window);
    }
    flagged = flagged == null ? Math.min(3, window) : flagged;
    if (flagged < 1 || flagged > window) {
      throw new IllegalArgumentException(
          "policy.escalation.flagged must be in [1, policy.escalation.window (" + window + ")], got " + flagged);
    }
    clearAfter = clearAfter == null ? 3 : clearAfter;
    if (clearAfter < 0 || clearAfter > MAX_CLEAR_AFTER) {
      throw new IllegalArgumentException(
          "policy.escalation.clear-after must be in [0, " + MAX_CLEAR_AFTER + "], got " + clearAfter);
    }
    decision = decision == null ? Decision.REVIEW : decision;
    if (decision != Decision.REVIEW && decision != Decision.BLOCK) {
      throw new IllegalArgumentException(
          "policy.escalation.decision must be REVIEW or BLOCK, got " + decision);
    }
    stateTtlMs = stateTtlMs == null ? 3_600_000L : stateTtlMs;
    if (stateTtlMs < 1_000) {
      throw new IllegalArgumentException(
          "policy.escalation.state-ttl-ms must be >= 1000, got " + stateTtlMs);
    }
  }

  /** Off: the frame rules alone decide. */
  public static Escalation off() {
    return new Escalation(null, null, null, null, null, null);
  }

  /** On, with the defaults for what is not given. */
  public static Escalation on(int window, int flagged, int clearAfter, Decision decision) {
    return new Escalation(true, window, flagged, clearAfter, decision, null);
  }
}
