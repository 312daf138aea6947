package dev.streammod.decoders.synthetic;

import java.util.Objects;

/**
 * One synthetic segment: the bytes a platform would send, and how it was made.
 *
 * @param initSegment the fMP4 initialization segment ({@code ftyp+moov}), or null for containers
 *     that have none
 * @param payload the media segment
 * @param containerHint the hint to give the decoder
 * @param spec what was encoded
 */
public record EncodedSegment(
    byte[] initSegment, byte[] payload, String containerHint, SegmentSpec spec) {
  public EncodedSegment {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(containerHint, "containerHint");
    Objects.requireNonNull(spec, "spec");
  }

  /** Init segment and payload back to back: what a file of this segment would hold. */
  public byte[] bytes() {
    if (initSegment == null) {
      return payload;
    }
    byte[] all = new byte[initSegment.length + payload.length];
    System.arraycopy(initSegment, 0, all, 0, initSegment.length);
    System.arraycopy(payload, 0, all, initSegment.length, payload.length);
    return all;
  }

  @Override
  public String toString() {
    return "EncodedSegment{"
        + spec
        + ", "
        + (initSegment == null ? "" : "init " + initSegment.length + " B + ")
        + payload.length
        + " B}";
  }
}
