package dev.streammod.pipeline.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.connectors.AvroDecodeException;
import dev.streammod.decoders.DecodeErrorCode;
import dev.streammod.decoders.fetch.FetchErrorCode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every code a module can report has its own constant, under the module's name for it. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ErrorCodeTest {
  @Test
  void everyAvroReasonMaps() {
    for (AvroDecodeException.Reason r : AvroDecodeException.Reason.values()) {
      assertThat(ErrorCode.of(r).name()).isEqualTo(r.name());
    }
  }

  @Test
  void everyFetchCodeMaps() {
    for (FetchErrorCode c : FetchErrorCode.values()) {
      assertThat(ErrorCode.of(c).name()).isEqualTo(c.name());
    }
  }

  @Test
  void everyDecodeCodeMaps() {
    for (DecodeErrorCode c : DecodeErrorCode.values()) {
      assertThat(ErrorCode.of(c).name()).isEqualTo(c.name());
    }
  }
}
