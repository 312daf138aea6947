package dev.streammod.decoders;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.global.avcodec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * NVDEC is tried when asked for and falls back to the CPU. This machine has no GPU, so only the
 * fallback is tested here; the same call decodes on the GPU where one is present (the cuvid
 * decoders are in the bundled FFmpeg).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HardwareDecodeTest {

  @BeforeEach
  void forgetEarlierFailures() {
    HardwareDecoders.reset();
  }

  @Test
  void bundledFfmpegHasTheCuvidDecoders() {
    for (int id :
        new int[] {
          avcodec.AV_CODEC_ID_H264,
          avcodec.AV_CODEC_ID_HEVC,
          avcodec.AV_CODEC_ID_VP9,
          avcodec.AV_CODEC_ID_AV1
        }) {
      String name = HardwareDecoders.cuvidName(id);
      assertThat(avcodec.avcodec_find_decoder_by_name(name)).as(name).isNotNull();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = HardwareDecode.class,
      names = {"CUDA", "AUTO"})
  void withoutAGpuTheCpuDecodesTheSameFrames(HardwareDecode mode) {
    DecodedFrames cpu =
        decoded(new SegmentDecoder(DecoderSettings.defaults()).decode(TestSegments.NEUTRAL, null));
    SegmentDecoder gpu = new SegmentDecoder(DecoderSettings.builder().hardware(mode).build());
    for (int i = 0; i < 3; i++) { // the first call tries h264_cuvid, later ones back off
      DecodedFrames frames = decoded(gpu.decode(TestSegments.NEUTRAL, "mpegts"));
      assertThat(frames.hardwareDecoded()).isFalse();
      assertThat(frames.codec()).isEqualTo("h264");
      assertThat(frames.rgb()).isEqualTo(cpu.rgb());
    }
  }

  @Test
  void noneNeverTriesTheGpu() {
    DecodedFrames frames =
        decoded(
            new SegmentDecoder(DecoderSettings.builder().hardware(HardwareDecode.NONE).build())
                .decode(TestSegments.NEUTRAL, null));
    assertThat(frames.hardwareDecoded()).isFalse();
  }

  private static DecodedFrames decoded(DecodeResult r) {
    assertThat(r).isInstanceOf(DecodedFrames.class);
    return (DecodedFrames) r;
  }
}
