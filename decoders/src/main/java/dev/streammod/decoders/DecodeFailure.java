package dev.streammod.decoders;

import java.util.Objects;

/**
 * A segment that gave no frames. {@code message} says what was called, what came back and the
 * likely cause, in one line suitable for a dead-letter record.
 */
public record DecodeFailure(DecodeErrorCode code, String message) implements DecodeResult {
  public DecodeFailure {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }
}
