package dev.streammod.decoders.synthetic;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.nio.ShortBuffer;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.SeekableByteArrayOutputStream;

/**
 * Real segments made in memory, for the demo and for tests: no files, no external tools.
 *
 * <p>{@link #encode(SegmentSpec)} is the general encoder: H.264, HEVC, VP9, AV1 or MPEG-2 in
 * MPEG-TS, fragmented or progressive MP4, WebM, Matroska or FLV, in any pixel format the encoder
 * takes, any size, constant or variable frame rate, with rotation metadata and an audio track on
 * request. {@link #h264TransportStream} and {@link #h264FragmentedMp4} are the shortcuts the demo
 * uses.
 *
 * <p>Content is a pure function of (kind, size, fps, seed, frame index): segment {@code n} of a
 * stream encoded with {@code startFrameIndex = n * framesPerSegment} continues segment {@code n-1}.
 * Every segment starts with a key frame and has one key frame per second ({@code gop = fps}); the
 * encoder is x264 {@code ultrafast}, single-threaded, no B-frames, so encoding is cheap and the
 * bitstream is simple. Thread-safe: every call has its own encoder.
 */
public final class SyntheticSegments {

  /** The MPEG-TS muxer needs a streamable output; this is its FFmpeg name. */
  public static final String MPEGTS = "mpegts";

  static {
    // x264 and the muxers report every segment at FFmpeg's default INFO level; keep them quiet
    // unless the application already chose a level.
    Loader.load(avutil.class);
    Loader.load(avcodec.class);
    if (avutil.av_log_get_level() == avutil.AV_LOG_INFO) {
      avutil.av_log_set_level(avutil.AV_LOG_FATAL);
    }
  }

  private SyntheticSegments() {}

  /**
   * Encodes {@code round(fps * seconds)} frames (at least one) as an H.264 MPEG-TS segment.
   *
   * @param width even, 2..8192
   * @param height even, 2..8192
   * @param fps frames per second, > 0; also the GOP length (rounded), so one key frame per second
   * @param seconds segment duration, > 0
   * @param seed picks colours, shapes, motion; different seeds give different streams
   * @param startFrameIndex index of the first frame in the stream, >= 0
   * @throws IllegalArgumentException for bad arguments
   * @throws IllegalStateException when FFmpeg fails to encode (a broken native installation)
   */
  public static byte[] h264TransportStream(
      SceneKind kind,
      int width,
      int height,
      double fps,
      double seconds,
      long seed,
      long startFrameIndex) {
    checkArguments(kind, width, height, fps, seconds, startFrameIndex);
    return encode(h264(kind, width, height, fps, seconds, seed, startFrameIndex).build())
        .payload();
  }

  /**
   * The same content as {@link #h264TransportStream} as fragmented MP4 (CMAF style): an
   * initialization segment ({@code ftyp+moov}, no samples) and a media segment ({@code moof+mdat}
   * fragments, one per key frame). Decode with {@code decode(initSegment, mediaSegment, "mp4")}.
   */
  public static FragmentedMp4 h264FragmentedMp4(
      SceneKind kind,
      int width,
      int height,
      double fps,
      double seconds,
      long seed,
      long startFrameIndex) {
    checkArguments(kind, width, height, fps, seconds, startFrameIndex);
    EncodedSegment e =
        encode(
            h264(kind, width, height, fps, seconds, seed, startFrameIndex)
                .container(ContainerFormat.FRAGMENTED_MP4)
                .build());
    return new FragmentedMp4(e.initSegment(), e.payload());
  }

  private static SegmentSpec.Builder h264(
      SceneKind kind,
      int width,
      int height,
      double fps,
      double seconds,
      long seed,
      long startFrameIndex) {
    return SegmentSpec.builder()
        .codec(VideoCodec.H264)
        .size(width, height)
        .fps(fps)
        .seconds(seconds)
        .scene(kind)
        .seed(seed)
        .startFrameIndex(startFrameIndex);
  }

  /** Initialization segment and media segment of a fragmented MP4. */
  public record FragmentedMp4(byte[] initSegment, byte[] mediaSegment) {
    public FragmentedMp4 {
      Objects.requireNonNull(initSegment, "initSegment");
      Objects.requireNonNull(mediaSegment, "mediaSegment");
    }
  }

  private static void checkArguments(
      SceneKind kind, int width, int height, double fps, double seconds, long startFrameIndex) {
    Objects.requireNonNull(kind, "kind");
    checkEvenDimension("width", width);
    checkEvenDimension("height", height);
    if (!(fps > 0) || fps > 240) {
      throw new IllegalArgumentException("fps must be in (0, 240], but was " + fps);
    }
    if (!(seconds > 0) || seconds > 3600) {
      throw new IllegalArgumentException("seconds must be in (0, 3600], but was " + seconds);
    }
    if (startFrameIndex < 0) {
      throw new IllegalArgumentException(
          "startFrameIndex must be >= 0, but was " + startFrameIndex);
    }
  }

  private static int estimateSize(double fps, double seconds) {
    return (int) Math.min(64L << 20, Math.max(64 << 10, (long) (fps * seconds) * 4096));
  }

  /** Offset of the first top-level ISO BMFF box of that type, or -1. */
  private static int firstBox(byte[] data, String type) {
    int p = 0;
    while (p + 8 <= data.length) {
      long size =
          ((data[p] & 0xFFL) << 24)
              | ((data[p + 1] & 0xFF) << 16)
              | ((data[p + 2] & 0xFF) << 8)
              | (data[p + 3] & 0xFF);
      if (data[p + 4] == type.charAt(0)
          && data[p + 5] == type.charAt(1)
          && data[p + 6] == type.charAt(2)
          && data[p + 7] == type.charAt(3)) {
        return p;
      }
      if (size < 8) {
        return -1;
      }
      p += (int) Math.min(size, data.length);
    }
    return -1;
  }

  /**
   * Encodes a segment as {@code spec} says, in memory, with the FFmpeg encoders bundled with
   * JavaCV. Fragmented MP4 comes back split into its init and media segments.
   *
   * @throws UnsupportedOperationException when the bundled FFmpeg cannot encode that codec and
   *     pixel format ({@link #unsupportedReason} says why)
   * @throws IllegalStateException when FFmpeg fails to encode
   */
  public static EncodedSegment encode(SegmentSpec spec) {
    Objects.requireNonNull(spec, "spec");
    Optional<String> unsupported = unsupportedReason(spec);
    if (unsupported.isPresent()) {
      throw new UnsupportedOperationException(unsupported.get());
    }
    ByteArrayOutputStream out =
        spec.container() == ContainerFormat.MP4
            ? new SeekableByteArrayOutputStream()
            : new ByteArrayOutputStream(estimateSize(spec.fps(), spec.durationSeconds()));
    record(spec, out);
    byte[] all = out.toByteArray();
    if (spec.container() != ContainerFormat.FRAGMENTED_MP4) {
      return new EncodedSegment(null, all, spec.container().hint(), spec);
    }
    int media = firstBox(all, "moof");
    if (media < 0) {
      throw new IllegalStateException(
          "the FFmpeg mp4 muxer wrote no moof box in " + all.length + " bytes: not fragmented");
    }
    return new EncodedSegment(
        Arrays.copyOfRange(all, 0, media),
        Arrays.copyOfRange(all, media, all.length),
        spec.container().hint(),
        spec);
  }

  /**
   * Why the bundled FFmpeg cannot encode {@code spec}'s codec in its pixel format (the encoder is
   * missing, or it was built without that bit depth), or empty when it can.
   */
  public static Optional<String> unsupportedReason(SegmentSpec spec) {
    if (!spec.hasVideo()) {
      return Optional.empty();
    }
    String encoderName = encoderName(spec);
    AVCodec encoder = avcodec.avcodec_find_encoder_by_name(encoderName);
    if (encoder == null || encoder.isNull()) {
      return Optional.of(
          "the bundled FFmpeg (org.bytedeco:ffmpeg "
              + avutil.av_version_info().getString()
              + ") has no "
              + encoderName
              + " encoder for "
              + spec.codec());
    }
    int wanted = avutil.av_get_pix_fmt(spec.pixelFormat());
    PointerPointer<Pointer> configs = new PointerPointer<>(1);
    IntPointer count = new IntPointer(1);
    try {
      int ret =
          avcodec.avcodec_get_supported_config(
              null, encoder, avcodec.AV_CODEC_CONFIG_PIX_FORMAT, 0, configs, count);
      Pointer list = configs.get(0);
      if (ret < 0 || list == null || list.isNull()) {
        return Optional.empty(); // the encoder does not say: let it try
      }
      IntPointer formats = new IntPointer(list);
      StringBuilder supported = new StringBuilder();
      for (int i = 0; i < count.get(); i++) {
        int f = formats.get(i);
        if (f == wanted) {
          return Optional.empty();
        }
        supported.append(i == 0 ? "" : ", ").append(avutil.av_get_pix_fmt_name(f).getString());
      }
      return Optional.of(
          "the bundled FFmpeg's "
              + encoderName
              + " encoder cannot encode "
              + spec.pixelFormat()
              + " (it was built for "
              + supported
              + " only)");
    } finally {
      configs.close();
      count.close();
    }
  }

  /** SVT-AV1 for AV1 in Matroska/WebM: FFmpeg's Matroska muxer rejects libaom's packets. */
  private static String encoderName(SegmentSpec spec) {
    if (spec.codec() == VideoCodec.AV1
        && (spec.container() == ContainerFormat.WEBM
            || spec.container() == ContainerFormat.MATROSKA)) {
      return "libsvtav1";
    }
    return spec.codec().encoderName();
  }

  private static void record(SegmentSpec spec, OutputStream out) {
    boolean video = spec.hasVideo();
    int width = spec.width();
    int height = spec.height();
    long[] times = spec.frameTimesMicros();
    // Variable frame rate: a 1 ms clock, and each frame's time set explicitly.
    double rate = times != null ? 1000 : spec.fps();
    int frames = spec.frameCount();
    String encoderName = encoderName(spec);
    FFmpegFrameRecorder recorder =
        new FFmpegFrameRecorder(out, video ? width : 0, video ? height : 0, spec.hasAudio() ? 1 : 0);
    try (Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3)) {
      recorder.setFormat(spec.container().muxer());
      if (spec.container() == ContainerFormat.FRAGMENTED_MP4) {
        recorder.setOption("movflags", "frag_keyframe+empty_moov+default_base_moof");
      }
      if (video) {
        configureVideo(recorder, spec, encoderName, rate);
      }
      if (spec.hasAudio()) {
        recorder.setAudioCodecName(spec.container() == ContainerFormat.WEBM ? "libopus" : "aac");
        recorder.setSampleRate(AUDIO_RATE);
        recorder.setAudioChannels(1);
        recorder.setAudioBitrate(64_000);
      }
      recorder.start();
      ShortBuffer samples = ShortBuffer.allocate(AUDIO_RATE);
      long samplesWritten = 0;
      if (!video) {
        writeAudio(recorder, samples, 0, Math.round(spec.seconds() * AUDIO_RATE));
        recorder.stop();
        return;
      }
      SceneRenderer renderer =
          spec.scene() != null
              ? new SceneRenderer(spec.scene(), width, height, spec.fps(), spec.seed())
              : null;
      byte[] bgr = new byte[width * height * 3];
      if (renderer == null) {
        drawPattern(spec.pattern(), width, height, bgr);
      }
      ByteBuffer image = (ByteBuffer) frame.image[0];
      for (int i = 0; i < frames; i++) {
        if (renderer != null) {
          renderer.render(spec.startFrameIndex() + i, bgr);
        }
        if (frame.imageStride == width * 3) {
          image.put(0, bgr);
        } else {
          for (int y = 0; y < height; y++) {
            image.put(y * frame.imageStride, bgr, y * width * 3, width * 3);
          }
        }
        if (times != null) {
          recorder.setTimestamp(times[i]);
        }
        recorder.record(frame, avutil.AV_PIX_FMT_BGR24);
        if (spec.hasAudio()) {
          double nextSeconds =
              times != null
                  ? (i + 1 < frames ? times[i + 1] / 1e6 : spec.durationSeconds())
                  : (i + 1) / spec.fps();
          long target = Math.round(nextSeconds * AUDIO_RATE);
          writeAudio(recorder, samples, samplesWritten, target);
          samplesWritten = Math.max(samplesWritten, target);
        }
      }
      recorder.stop();
    } catch (FrameRecorder.Exception e) {
      throw new IllegalStateException(
          "FFmpegFrameRecorder failed to encode a synthetic segment ("
              + spec
              + ", encoder "
              + (video ? encoderName : "none")
              + "): "
              + e.getMessage(),
          e);
    } finally {
      try {
        recorder.release();
      } catch (FrameRecorder.Exception ignored) {
        // Releasing after a failed start: nothing more to free.
      }
    }
  }

  private static void configureVideo(
      FFmpegFrameRecorder recorder, SegmentSpec spec, String encoderName, double rate) {
    int gop = spec.gopFrames();
    recorder.setVideoCodecName(encoderName);
    recorder.setPixelFormat(avutil.av_get_pix_fmt(spec.pixelFormat()));
    recorder.setFrameRate(rate);
    recorder.setGopSize(gop);
    recorder.setVideoOption("threads", "1");
    switch (encoderName) {
      case "libx264" -> {
        recorder.setVideoOption("preset", "ultrafast");
        recorder.setVideoOption("tune", "zerolatency");
        recorder.setVideoOption("crf", "23");
        // Key frames exactly every gop frames, never extra ones at scene cuts.
        recorder.setVideoOption(
            "x264-params", "keyint=" + gop + ":min-keyint=" + gop + ":scenecut=0");
      }
      case "libx265" -> {
        recorder.setVideoOption("preset", "ultrafast");
        recorder.setVideoOption("crf", "28");
        // B-frames on (unlike the H.264 streams), so that decoders see reordered frames.
        recorder.setVideoOption(
            "x265-params",
            "log-level=error:keyint="
                + gop
                + ":min-keyint="
                + gop
                + ":scenecut=0:bframes=3:pools=1:frame-threads=1");
      }
      case "libvpx-vp9" -> {
        recorder.setVideoOption("deadline", "realtime");
        recorder.setVideoOption("cpu-used", "8");
        recorder.setVideoOption("lag-in-frames", "0");
        recorder.setVideoOption("keyint_min", Integer.toString(gop));
      }
      case "libaom-av1" -> {
        recorder.setVideoOption("usage", "realtime");
        recorder.setVideoOption("cpu-used", "8");
        recorder.setVideoOption("keyint_min", Integer.toString(gop));
      }
      case "libsvtav1" -> recorder.setVideoOption("preset", "12");
      default -> recorder.setVideoBitrate(2_000_000);
    }
    if (spec.rotationDegrees() != 0) {
      // JavaCV's angle is counter-clockwise (it writes a matrix for a clockwise turn by -angle).
      recorder.setDisplayRotation(-spec.rotationDegrees());
    }
  }

  private static final int AUDIO_RATE = 48_000;

  /** A quiet 440 Hz tone, samples [from, to) of the segment. */
  private static void writeAudio(
      FFmpegFrameRecorder recorder, ShortBuffer buffer, long from, long to)
      throws FrameRecorder.Exception {
    long n = from;
    while (n < to) {
      int chunk = (int) Math.min(buffer.capacity(), to - n);
      buffer.clear();
      for (int i = 0; i < chunk; i++) {
        buffer.put(i, (short) (Math.sin(2 * Math.PI * 440 * (n + i) / AUDIO_RATE) * 4000));
      }
      buffer.limit(chunk);
      recorder.recordSamples(AUDIO_RATE, 1, buffer);
      n += chunk;
    }
  }

  /** Draws a {@link TestPattern} into a packed BGR24 picture. */
  static void drawPattern(TestPattern pattern, int width, int height, byte[] bgr) {
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int[] rgb = patternColour(pattern, width, height, x, y);
        int i = (y * width + x) * 3;
        bgr[i] = (byte) rgb[2];
        bgr[i + 1] = (byte) rgb[1];
        bgr[i + 2] = (byte) rgb[0];
      }
    }
  }

  private static final int[] RED = {255, 0, 0};
  private static final int[] GREEN = {0, 255, 0};
  private static final int[] BLUE = {0, 0, 255};
  private static final int[] WHITE = {255, 255, 255};

  private static int[] patternColour(TestPattern pattern, int width, int height, int x, int y) {
    switch (pattern) {
      case QUADRANTS -> {
        boolean left = x < width / 2;
        boolean top = y < height / 2;
        return top ? (left ? RED : GREEN) : (left ? BLUE : WHITE);
      }
      case CENTER_SQUARE -> {
        if (width >= height) {
          int x0 = (width - height) / 2;
          return x >= x0 && x < x0 + height ? GREEN : RED;
        }
        int y0 = (height - width) / 2;
        return y >= y0 && y < y0 + width ? GREEN : BLUE;
      }
      default -> {
        return GREEN;
      }
    }
  }

  /**
   * A copy of {@code segment}, same length, that FFmpeg cannot turn into any frame: every byte is
   * replaced by seeded garbage that contains no MPEG-TS sync byte ({@code 0x47}) and no zero byte
   * (so no Annex B start code or MPEG start code either), whatever container is hinted.
   */
  public static byte[] corrupt(byte[] segment, long seed) {
    Objects.requireNonNull(segment, "segment");
    SplittableRandom random = new SplittableRandom(seed);
    byte[] copy = segment.clone();
    for (int i = 0; i < copy.length; i++) {
      int b = (copy[i] ^ random.nextInt(256)) & 0xFF;
      if (b == 0x00 || b == 0x47) {
        b ^= 0x80;
      }
      copy[i] = (byte) b;
    }
    return copy;
  }

  private static void checkEvenDimension(String field, int value) {
    if (value < 2 || value > 8192 || (value & 1) != 0) {
      throw new IllegalArgumentException(
          field + " must be even and in [2, 8192] (yuv420p), but was " + value);
    }
  }
}
