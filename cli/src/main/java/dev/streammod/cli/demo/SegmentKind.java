package dev.streammod.cli.demo;

import dev.streammod.connectors.avro.Decision;

/** What a synthetic segment holds, and the decision the colour-statistics model should reach. */
public enum SegmentKind {
  NEUTRAL(Decision.ALLOW),
  RED(Decision.BLOCK),
  CORRUPT(Decision.ERROR);

  private final Decision expected;

  SegmentKind(Decision expected) {
    this.expected = expected;
  }

  public Decision expected() {
    return expected;
  }

  /**
   * The plan of a synthetic stream: every fifth stream shows red content on odd segments, every
   * seventh (from the fourth) sends one corrupt segment in ten, the rest is ordinary moving video.
   */
  public static SegmentKind of(int streamIndex, long sequence) {
    if (streamIndex % 7 == 3 && sequence % 10 == 4) {
      return CORRUPT;
    }
    if (streamIndex % 5 == 4 && sequence % 2 == 1) {
      return RED;
    }
    return NEUTRAL;
  }
}
