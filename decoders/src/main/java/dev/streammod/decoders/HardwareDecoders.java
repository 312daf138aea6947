package dev.streammod.decoders;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.global.avcodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks FFmpeg's NVDEC ({@code *_cuvid}) decoder for a codec and remembers failures: a decoder that
 * failed to open is not tried again for {@link #RETRY_AFTER_NANOS}, so a machine without a GPU pays
 * for the failed attempt (and logs it) once a minute, not once per segment.
 */
final class HardwareDecoders {

  private static final Logger LOG = LoggerFactory.getLogger(HardwareDecoders.class);

  static final long RETRY_AFTER_NANOS = 60_000_000_000L;

  private static final Map<Integer, String> CUVID =
      Map.of(
          avcodec.AV_CODEC_ID_H264, "h264_cuvid",
          avcodec.AV_CODEC_ID_HEVC, "hevc_cuvid",
          avcodec.AV_CODEC_ID_VP9, "vp9_cuvid",
          avcodec.AV_CODEC_ID_AV1, "av1_cuvid",
          avcodec.AV_CODEC_ID_MPEG2VIDEO, "mpeg2_cuvid",
          avcodec.AV_CODEC_ID_VP8, "vp8_cuvid",
          avcodec.AV_CODEC_ID_MPEG4, "mpeg4_cuvid",
          avcodec.AV_CODEC_ID_VC1, "vc1_cuvid",
          avcodec.AV_CODEC_ID_MJPEG, "mjpeg_cuvid");

  /** Decoder name -> clock reading before which it is not tried again. */
  private static final Map<String, Long> BACKOFF = new ConcurrentHashMap<>();

  private HardwareDecoders() {}

  /** The cuvid decoder's name for an FFmpeg codec id, or null when FFmpeg has none for it. */
  static String cuvidName(int codecId) {
    return CUVID.get(codecId);
  }

  /**
   * The cuvid decoder to try for {@code codecId}, or null (with the reason logged once) when this
   * FFmpeg build lacks it or it failed recently.
   */
  static AVCodec candidate(int codecId, HardwareDecode mode, LongSupplier clock) {
    String name = CUVID.get(codecId);
    if (name == null) {
      logOnce(mode, "no-cuvid-" + codecId, "FFmpeg has no NVDEC decoder for codec id " + codecId);
      return null;
    }
    Long until = BACKOFF.get(name);
    if (until != null && clock.getAsLong() - until < 0) {
      return null;
    }
    AVCodec codec = avcodec.avcodec_find_decoder_by_name(name);
    if (codec == null || codec.isNull()) {
      logOnce(mode, "missing-" + name, "the bundled FFmpeg has no " + name + " decoder");
      return null;
    }
    return codec;
  }

  /** Records that {@code name} failed to open; logs the fallback and backs off. */
  static void failed(String name, String reason, HardwareDecode mode, LongSupplier clock) {
    Long previous = BACKOFF.put(name, clock.getAsLong() + RETRY_AFTER_NANOS);
    String message =
        "hardware="
            + mode
            + ": "
            + name
            + " could not be opened ("
            + reason
            + "); decoding on the CPU instead, next GPU attempt in "
            + RETRY_AFTER_NANOS / 1_000_000_000L
            + " s";
    if (previous == null && mode == HardwareDecode.CUDA) {
      LOG.warn(message);
    } else if (previous == null) {
      LOG.info(message);
    } else {
      LOG.debug(message);
    }
  }

  private static final Map<String, Boolean> LOGGED = new ConcurrentHashMap<>();

  private static void logOnce(HardwareDecode mode, String key, String why) {
    if (LOGGED.putIfAbsent(key, Boolean.TRUE) != null) {
      return;
    }
    String message = "hardware=" + mode + ": " + why + "; decoding on the CPU instead";
    if (mode == HardwareDecode.CUDA) {
      LOG.warn(message);
    } else {
      LOG.info(message);
    }
  }

  /** Forgets failures; for tests. */
  static void reset() {
    BACKOFF.clear();
    LOGGED.clear();
  }
}
