package dev.streammod.decoders.synthetic;

/**
 * Still pictures of known geometry, for tests of scaling, aspect handling and orientation. Colours
 * are saturated and flat so that they survive chroma subsampling and lossy coding.
 */
public enum TestPattern {
  /** Four quadrants: red top left, green top right, blue bottom left, white bottom right. */
  QUADRANTS,
  /**
   * A green square as tall as the picture in its centre, red bars left and right of it (for a
   * landscape picture), or blue bars above and below it (for a portrait picture).
   */
  CENTER_SQUARE,
  /** The whole picture one colour: green. */
  FLAT_GREEN
}
