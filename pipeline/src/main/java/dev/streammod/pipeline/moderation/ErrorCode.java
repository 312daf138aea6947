package dev.streammod.pipeline.moderation;

import dev.streammod.connectors.AvroDecodeException;
import dev.streammod.decoders.DecodeErrorCode;
import dev.streammod.decoders.fetch.FetchErrorCode;

/**
 * Why a segment failed, with its {@link Stage}: the codes of the modules it passes through under
 * their own names (so a dead letter reads the same as the module's documentation), and those of
 * the moderation step itself.
 */
public enum ErrorCode {
  // DESERIALIZE: AvroDecodeException.Reason
  EMPTY,
  NOT_SINGLE_OBJECT,
  UNKNOWN_SCHEMA,
  TRUNCATED,
  MALFORMED,
  TRAILING_BYTES,
  OTHER,

  // FETCH: FetchErrorCode, and a segment with no payload at all
  NO_PAYLOAD,
  INVALID_URI,
  SCHEME_NOT_ALLOWED,
  HOST_NOT_ALLOWED,
  PATH_NOT_ALLOWED,
  TOO_LARGE,
  NOT_FOUND,
  HTTP_ERROR,
  IO_ERROR,

  // DECODE: DecodeErrorCode
  EMPTY_PAYLOAD,
  PAYLOAD_TOO_LARGE,
  UNSUPPORTED_CONTAINER,
  CORRUPT_CONTAINER,
  NO_VIDEO_STREAM,
  DECODE_FAILED,
  NO_FRAMES,
  TOO_MANY_FRAMES,
  FRAME_TOO_LARGE,
  DECODE_TIMEOUT,

  // INFER
  INFERENCE_FAILED,
  INTERRUPTED,

  // any stage
  /** A thread pool refused the segment (it is shutting down). */
  REJECTED,
  /** Not moderated within the segment timeout; also a fetch that timed out. */
  TIMEOUT,
  /** A bug: an exception no stage expected. */
  INTERNAL;

  public static ErrorCode of(AvroDecodeException.Reason reason) {
    return valueOf(reason.name());
  }

  public static ErrorCode of(FetchErrorCode code) {
    return valueOf(code.name());
  }

  public static ErrorCode of(DecodeErrorCode code) {
    return valueOf(code.name());
  }
}
