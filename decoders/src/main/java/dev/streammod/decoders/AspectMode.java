package dev.streammod.decoders;

/**
 * How a picture whose shape differs from the model input is fitted to it. Shapes are display shapes:
 * the sample aspect ratio and the rotation metadata are taken into account.
 */
public enum AspectMode {
  /** Scale width and height independently to the output size; shapes get distorted. */
  STRETCH,
  /** Scale to fit inside the output keeping the shape, centred, the rest padded black. */
  LETTERBOX,
  /** Scale to cover the output keeping the shape, cutting equal parts off both overhanging sides. */
  CENTER_CROP
}
