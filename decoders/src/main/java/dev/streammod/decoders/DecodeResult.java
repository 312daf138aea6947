package dev.streammod.decoders;

/**
 * Outcome of {@link SegmentDecoder#decode}: either {@link DecodedFrames} (at least one frame) or a
 * {@link DecodeFailure} with a typed code. Decoding never throws for bad input.
 */
public sealed interface DecodeResult permits DecodedFrames, DecodeFailure {

  /** True for {@link DecodedFrames}. */
  default boolean isSuccess() {
    return this instanceof DecodedFrames;
  }
}
