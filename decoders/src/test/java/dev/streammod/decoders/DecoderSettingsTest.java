package dev.streammod.decoders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DecoderSettingsTest {

  @Test
  void defaultsMatchTheModelInputAndSafeLimits() {
    DecoderSettings s = DecoderSettings.builder().build();
    assertThat(s.width()).isEqualTo(224);
    assertThat(s.height()).isEqualTo(224);
    assertThat(s.sampling()).isEqualTo(SamplingPolicy.keyframes());
    assertThat(s.maxFrames()).isEqualTo(8);
    assertThat(s.maxPayloadBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(s.maxDecodedFrames()).isEqualTo(2000);
    assertThat(s.aspect()).isEqualTo(AspectMode.STRETCH);
    assertThat(s.maxPixels()).isEqualTo(4096L * 2304);
    assertThat(s.decodeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.hardware()).isEqualTo(HardwareDecode.NONE);
    assertThat(s.decoderThreads()).isEqualTo(1);
    assertThat(DecoderSettings.defaults()).isEqualTo(s);
  }

  @Test
  void toBuilderCopiesEveryField() {
    DecoderSettings s =
        DecoderSettings.builder()
            .size(64, 48)
            .sampling(SamplingPolicy.fixedRate(2))
            .maxFrames(3)
            .maxPayloadBytes(1000)
            .maxDecodedFrames(50)
            .aspect(AspectMode.LETTERBOX)
            .maxPixels(1920 * 1080)
            .decodeTimeout(Duration.ofMillis(1500))
            .hardware(HardwareDecode.AUTO)
            .decoderThreads(2)
            .build();
    assertThat(s.toBuilder().build()).isEqualTo(s).hasSameHashCodeAs(s);
    assertThat(s.toBuilder().maxFrames(4).build()).isNotEqualTo(s);
    assertThat(s.toString())
        .contains("64x48", "fps:2", "maxFrames=3", "LETTERBOX", "2073600", "PT1.5S", "AUTO");
    assertThat(s.toBuilder().aspect(AspectMode.CENTER_CROP).build()).isNotEqualTo(s);
    assertThat(s.toBuilder().hardware(HardwareDecode.CUDA).build()).isNotEqualTo(s);
  }

  @Test
  void buildNamesTheBadFieldAndValue() {
    assertRejected(b -> b.width(0), "width", "0");
    assertRejected(b -> b.width(-5), "width", "-5");
    assertRejected(b -> b.width(10_000), "width", "10000");
    assertRejected(b -> b.height(0), "height", "0");
    assertRejected(b -> b.sampling(null), "sampling", "null");
    assertRejected(b -> b.maxFrames(0), "maxFrames", "0");
    assertRejected(b -> b.maxPayloadBytes(0), "maxPayloadBytes", "0");
    assertRejected(b -> b.maxPayloadBytes(-1), "maxPayloadBytes", "-1");
    assertRejected(b -> b.maxPayloadBytes(Long.MAX_VALUE), "maxPayloadBytes", "" + Long.MAX_VALUE);
    assertRejected(b -> b.maxDecodedFrames(0), "maxDecodedFrames", "0");
    assertRejected(b -> b.maxFrames(10).maxDecodedFrames(9), "maxDecodedFrames", "9");
    assertRejected(b -> b.size(8192, 8192).maxFrames(20), "maxFrames", "20");
    assertRejected(b -> b.aspect(null), "aspect", "null");
    assertRejected(b -> b.maxPixels(0), "maxPixels", "0");
    assertRejected(b -> b.decodeTimeout(null), "decodeTimeout", "null");
    assertRejected(b -> b.decodeTimeout(Duration.ZERO), "decodeTimeout", "PT0S");
    assertRejected(b -> b.decodeTimeout(Duration.ofMillis(-5)), "decodeTimeout", "PT-0.005S");
    assertRejected(b -> b.decodeTimeout(Duration.ofDays(1)), "decodeTimeout", "PT24H");
    assertRejected(b -> b.hardware(null), "hardware", "null");
    assertRejected(b -> b.decoderThreads(0), "decoderThreads", "0");
    assertRejected(b -> b.decoderThreads(65), "decoderThreads", "65");
  }

  @Test
  void builderIsIndependentOfBuiltSettings() {
    DecoderSettings.Builder b = DecoderSettings.builder().maxFrames(2);
    DecoderSettings first = b.build();
    b.maxFrames(5);
    assertThat(first.maxFrames()).isEqualTo(2);
  }

  private static void assertRejected(
      UnaryOperator<DecoderSettings.Builder> change, String field, String value) {
    assertThatThrownBy(() -> change.apply(DecoderSettings.builder()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(field)
        .hasMessageContaining(value);
  }
}
