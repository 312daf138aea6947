package dev.streammod.decoders;

/** Why a segment gave no frames. Stable names: they travel in verdicts and dead-letter records. */
public enum DecodeErrorCode {
  /** The payload was null or had no bytes. */
  EMPTY_PAYLOAD,
  /** The payload (plus init segment) exceeds {@link DecoderSettings#maxPayloadBytes()}. */
  PAYLOAD_TOO_LARGE,
  /** The container hint names no FFmpeg demuxer, or probing recognised no container format. */
  UNSUPPORTED_CONTAINER,
  /** The container was recognised (or hinted) but could not be parsed. */
  CORRUPT_CONTAINER,
  /** The container holds no video stream (audio only, data only, or no streams at all). */
  NO_VIDEO_STREAM,
  /** The video decoder could not be opened or failed while decoding. */
  DECODE_FAILED,
  /** The video stream was opened but not a single frame could be decoded. */
  NO_FRAMES,
  /**
   * More than {@link DecoderSettings#maxDecodedFrames()} frames were read before sampling ended.
   */
  TOO_MANY_FRAMES,
  /**
   * The picture has more than {@link DecoderSettings#maxPixels()} pixels (width x height), in the
   * stream header or in a decoded frame; refused before the decoder allocates it.
   */
  FRAME_TOO_LARGE,
  /**
   * Decoding took longer than {@link DecoderSettings#decodeTimeout()}; the segment was abandoned
   * and its native resources released.
   */
  DECODE_TIMEOUT,
  /** A bug or an unexpected runtime failure in this module or in the native libraries. */
  INTERNAL
}
