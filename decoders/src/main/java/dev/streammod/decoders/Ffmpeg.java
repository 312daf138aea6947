package dev.streammod.decoders;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swresample;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Process-wide FFmpeg concerns: loading the natives once, log level, container names. */
final class Ffmpeg {

  private static final Logger LOG = LoggerFactory.getLogger(Ffmpeg.class);

  /** Demuxers found by {@link #demuxer}, by name. */
  private static final ConcurrentHashMap<String, AVInputFormat> DEMUXERS = new ConcurrentHashMap<>();

  /** Common names for containers that are not FFmpeg demuxer names. */
  private static final Map<String, String> CONTAINER_ALIASES =
      Map.ofEntries(
          Map.entry("ts", "mpegts"),
          Map.entry("m2ts", "mpegts"),
          Map.entry("video/mp2t", "mpegts"),
          Map.entry("fmp4", "mp4"),
          Map.entry("cmaf", "mp4"),
          Map.entry("m4s", "mp4"),
          Map.entry("video/mp4", "mp4"),
          Map.entry("mov", "mp4"),
          Map.entry("video/quicktime", "mp4"),
          Map.entry("mkv", "matroska"),
          Map.entry("webm", "matroska"),
          Map.entry("video/webm", "matroska"),
          Map.entry("video/x-matroska", "matroska"),
          Map.entry("video/x-flv", "flv"),
          Map.entry("m2v", "mpegvideo"));

  private static final Class<?>[] NEEDED = {
    avutil.class, swresample.class, avcodec.class, avformat.class, swscale.class
  };

  private static final Throwable LOAD_FAILURE = load();

  /** {@code AVERROR(EAGAIN)}: the decoder wants more input before it gives a frame. */
  static final int EAGAIN =
      LOAD_FAILURE == null ? org.bytedeco.ffmpeg.presets.avutil.AVERROR_EAGAIN() : -11;

  private Ffmpeg() {}

  private static Throwable load() {
    try {
      // Not FFmpegFrameGrabber.tryLoad(): it also loads avdevice, which links against desktop
      // libraries (libpulse, X11) that servers and slim images lack and decoding never needs.
      for (Class<?> library : NEEDED) {
        Loader.load(library);
      }
      // Corrupt input makes FFmpeg print a line per broken packet; our failures carry the reason.
      // Leave the level alone when the application already chose one.
      if (avutil.av_log_get_level() == avutil.AV_LOG_INFO) {
        avutil.av_log_set_level(avutil.AV_LOG_FATAL);
      }
      return null;
    } catch (Throwable t) { // UnsatisfiedLinkError, ExceptionInInitializerError
      LOG.error("FFmpeg native libraries failed to load", t);
      return t;
    }
  }

  /** Loads FFmpeg once per JVM. @throws IllegalStateException when the natives are missing */
  static void ensureLoaded() {
    if (LOAD_FAILURE != null) {
      throw new IllegalStateException(
          "FFmpeg native libraries (org.bytedeco:ffmpeg for "
              + System.getProperty("os.name")
              + "/"
              + System.getProperty("os.arch")
              + ") failed to load: "
              + LOAD_FAILURE,
          LOAD_FAILURE);
    }
  }

  /** The FFmpeg demuxer name for a hint: blank gives null (probe), aliases are resolved. */
  static String normalizeHint(String containerHint) {
    if (containerHint == null || containerHint.isBlank()) {
      return null;
    }
    String h = containerHint.trim().toLowerCase(Locale.ROOT);
    return CONTAINER_ALIASES.getOrDefault(h, h);
  }

  /** Whether FFmpeg has a demuxer of that name. */
  static boolean hasDemuxer(String name) {
    return demuxer(name) != null;
  }

  /**
   * FFmpeg's demuxer called {@code name}, or null. Found ones are kept: {@code
   * av_find_input_format} compares the name with every demuxer's, twice per segment otherwise.
   * Misses are not kept, so hints from untrusted input cannot grow the map past FFmpeg's demuxers.
   */
  static AVInputFormat demuxer(String name) {
    AVInputFormat known = DEMUXERS.get(name);
    if (known != null) {
      return known;
    }
    AVInputFormat f = avformat.av_find_input_format(name);
    if (f == null || f.isNull()) {
      return null;
    }
    DEMUXERS.putIfAbsent(name, f); // static data in libavformat: never freed, safe to share
    return f;
  }

  /** An FFmpeg error code as {@code "-1094995529 (Invalid data found when processing input)"}. */
  static String errorString(int error) {
    byte[] buffer = new byte[256];
    if (avutil.av_strerror(error, buffer, buffer.length) < 0) {
      return Integer.toString(error);
    }
    int n = 0;
    while (n < buffer.length && buffer[n] != 0) {
      n++;
    }
    return error + " (" + new String(buffer, 0, n, StandardCharsets.UTF_8) + ")";
  }

  /** FFmpeg's name of a pixel format, e.g. {@code "yuv420p10le"}. */
  static String pixelFormatName(int format) {
    BytePointer name = avutil.av_get_pix_fmt_name(format);
    return name == null || name.isNull() ? "pix_fmt " + format : name.getString();
  }
}
