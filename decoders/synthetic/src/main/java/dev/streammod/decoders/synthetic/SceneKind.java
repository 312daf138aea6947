package dev.streammod.decoders.synthetic;

/** What a synthetic segment shows. */
public enum SceneKind {
  /**
   * Moving gradients over a grey/blue/green background with bouncing shapes in varied colours; mean
   * red stays at or below mean green and blue.
   */
  NEUTRAL,
  /**
   * Saturated red everywhere (mean R about 0.8, mean G and B about 0.15) with moving texture and
   * red shapes: the stand-in for content a model should flag.
   */
  RED
}
