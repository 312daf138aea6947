package dev.streammod.pipeline.policy;

import dev.streammod.connectors.avro.Decision;
import java.util.Arrays;
import java.util.Objects;

/**
 * One stream's recent history for {@link Escalation}: the frame decisions and sequence numbers of
 * its last segments (a ring of at most {@link Escalation#MAX_WINDOW}), and whether it is held after
 * a BLOCK. Mutable, owned by the keyed policy step, one per stream; {@link #apply} is the only way
 * it changes.
 */
public final class EscalationState {
  private final Decision[] decisions;
  private final long[] sequences;
  private int size;
  private int next;
  private boolean held;
  private long heldSince;
  private int clean;

  public EscalationState(int capacity) {
    if (capacity < 1 || capacity > Escalation.MAX_WINDOW) {
      throw new IllegalArgumentException(
          "capacity must be in [1, " + Escalation.MAX_WINDOW + "], got " + capacity);
    }
    this.decisions = new Decision[capacity];
    this.sequences = new long[capacity];
  }

  /** What the stream's history made of one segment. */
  public record Escalated(Decision decision, String reason, long[] sequences) {
    public Escalated {
      Objects.requireNonNull(decision, "decision");
      sequences = sequences == null ? new long[0] : sequences;
    }

    /** Whether the history raised the frames' decision. */
    public boolean escalated() {
      return reason != null;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Escalated e
          && decision == e.decision
          && Objects.equals(reason, e.reason)
          && Arrays.equals(sequences, e.sequences);
    }

    @Override
    public int hashCode() {
      return Objects.hash(decision, reason, Arrays.hashCode(sequences));
    }

    @Override
    public String toString() {
      return decision + (reason == null ? "" : " (" + reason + ": " + Arrays.toString(sequences) + ")");
    }

    /** The frames' decision as it is. */
    public static Escalated unchanged(Decision decision) {
      return new Escalated(decision, null, null);
    }
  }

  /**
   * Records one segment's frame decision and returns its decision after escalation. The window is
   * the last {@code e.window()} segments of this state's capacity.
   */
  public Escalated apply(Escalation e, Decision frames, long sequence) {
    if (frames == Decision.ERROR) {
      return Escalated.unchanged(frames);
    }
    push(frames, sequence);
    Escalated out = Escalated.unchanged(frames);

    long[] flaggedSeqs = flagged(e.window());
    if (flaggedSeqs.length >= e.flagged() && rank(e.decision()) > rank(frames)) {
      out =
          new Escalated(
              e.decision(),
              flaggedSeqs.length
                  + " of the stream's last "
                  + Math.min(size, e.window())
                  + " segments were REVIEW or BLOCK by their frames",
              flaggedSeqs);
    }
    if (e.clearAfter() > 0) {
      boolean fromHold = false;
      if (held) {
        clean = frames == Decision.ALLOW ? clean + 1 : 0;
        if (clean >= e.clearAfter()) {
          held = false;
        } else if (rank(e.decision()) > rank(out.decision())) {
          out =
              new Escalated(
                  e.decision(),
                  "the stream is held after the BLOCK of segment "
                      + heldSince
                      + ": "
                      + clean
                      + " of "
                      + e.clearAfter()
                      + " clean segments in a row",
                  new long[] {heldSince});
          fromHold = true;
        }
      }
      // A BLOCK by the frames or by flagged segments (re)starts the hold; one by the hold does not.
      if (out.decision() == Decision.BLOCK && !fromHold) {
        held = true;
        heldSince = sequence;
        clean = 0;
      }
    }
    return out;
  }

  private void push(Decision d, long sequence) {
    decisions[next] = d;
    sequences[next] = sequence;
    next = (next + 1) % decisions.length;
    size = Math.min(size + 1, decisions.length);
  }

  /** Sequences of REVIEW or BLOCK segments among the last {@code window}, oldest first. */
  private long[] flagged(int window) {
    int n = Math.min(size, window);
    long[] out = new long[n];
    int count = 0;
    for (int i = n; i >= 1; i--) {
      int at = Math.floorMod(next - i, decisions.length);
      if (decisions[at] == Decision.REVIEW || decisions[at] == Decision.BLOCK) {
        out[count++] = sequences[at];
      }
    }
    return Arrays.copyOf(out, count);
  }

  private static int rank(Decision d) {
    return switch (d) {
      case ALLOW -> 0;
      case REVIEW -> 1;
      case BLOCK -> 2;
      case ERROR -> -1;
    };
  }

  // What the state serializer writes.

  public int capacity() {
    return decisions.length;
  }

  /** The recorded decisions, oldest first. */
  public Decision[] decisionsOldestFirst() {
    Decision[] out = new Decision[size];
    for (int i = 0; i < size; i++) {
      out[i] = decisions[Math.floorMod(next - size + i, decisions.length)];
    }
    return out;
  }

  /** The recorded sequences, oldest first. */
  public long[] sequencesOldestFirst() {
    long[] out = new long[size];
    for (int i = 0; i < size; i++) {
      out[i] = sequences[Math.floorMod(next - size + i, decisions.length)];
    }
    return out;
  }

  public boolean held() {
    return held;
  }

  public long heldSince() {
    return heldSince;
  }

  public int clean() {
    return clean;
  }

  /** A state with this history, as a serializer restores it. */
  public static EscalationState restore(
      int capacity, Decision[] decisionsOldestFirst, long[] sequencesOldestFirst, boolean held, long heldSince, int clean) {
    if (decisionsOldestFirst.length != sequencesOldestFirst.length) {
      throw new IllegalArgumentException(
          decisionsOldestFirst.length + " decisions for " + sequencesOldestFirst.length + " sequences");
    }
    EscalationState s = new EscalationState(capacity);
    int skip = Math.max(0, decisionsOldestFirst.length - capacity);
    for (int i = skip; i < decisionsOldestFirst.length; i++) {
      s.push(decisionsOldestFirst[i], sequencesOldestFirst[i]);
    }
    s.held = held;
    s.heldSince = heldSince;
    s.clean = clean;
    return s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EscalationState s
        && Arrays.equals(decisionsOldestFirst(), s.decisionsOldestFirst())
        && Arrays.equals(sequencesOldestFirst(), s.sequencesOldestFirst())
        && held == s.held
        && heldSince == s.heldSince
        && clean == s.clean;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(sequencesOldestFirst()), held, heldSince, clean);
  }

  @Override
  public String toString() {
    return "EscalationState{"
        + Arrays.toString(decisionsOldestFirst())
        + (held ? ", held since " + heldSince + ", " + clean + " clean" : "")
        + "}";
  }
}
