package dev.streammod.decoders;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swresample;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Process-wide FFmpeg concerns: loading the natives once, log level, container names. */
final class Ffmpeg {

  private static final Logger LOG = LoggerFactory.getLogger(Ffmpeg.class);

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
          Map.entry("mkv", "matroska"),
          Map.entry("video/webm", "matroska"),
          Map.entry("video/x-matroska", "matroska"));

  private static final Pattern JAVACV_NOISE =
      Pattern.compile(
          "\\s*\\((For more details, make sure FFmpegLogCallback\\.set\\(\\) has been called"
              + "|Has setFormat\\(\\) been called\\?)\\.?\\)");
  private static final Pattern STREAM_NAME = Pattern.compile("\"java\\.io\\.[A-Za-z]+@[0-9a-f]+\"");

  private static final Class<?>[] NEEDED = {
    avutil.class, swresample.class, avcodec.class, avformat.class, swscale.class
  };

  private static final Throwable LOAD_FAILURE = load();

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
    AVInputFormat f = avformat.av_find_input_format(name);
    return f != null && !f.isNull();
  }

  /** A JavaCV message without its generic advice and object hash codes, stable for logs. */
  static String clean(FrameGrabber.Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    m = JAVACV_NOISE.matcher(m).replaceAll("");
    m = STREAM_NAME.matcher(m).replaceAll("<in-memory payload>");
    return m.trim();
  }
}
