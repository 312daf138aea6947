package dev.streammod.decoders.fetch;

import java.util.Objects;

/**
 * A reference that gave no payload. {@code message} names the URI (its query redacted) and the rule
 * or call that refused it, in one line suitable for a dead-letter record.
 */
public record FetchFailure(FetchErrorCode code, String message) implements FetchResult {
  public FetchFailure {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }
}
