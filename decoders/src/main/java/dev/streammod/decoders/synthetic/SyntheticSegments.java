package dev.streammod.decoders.synthetic;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;

/**
 * Real H.264 segments made in memory, for the demo and for tests: no files, no external tools.
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
    ByteArrayOutputStream out = new ByteArrayOutputStream(estimateSize(fps, seconds));
    encode(kind, width, height, fps, seconds, seed, startFrameIndex, out, MPEGTS, null);
    return out.toByteArray();
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
    ByteArrayOutputStream out = new ByteArrayOutputStream(estimateSize(fps, seconds));
    encode(
        kind,
        width,
        height,
        fps,
        seconds,
        seed,
        startFrameIndex,
        out,
        "mp4",
        "frag_keyframe+empty_moov+default_base_moof");
    byte[] all = out.toByteArray();
    int media = firstBox(all, "moof");
    if (media < 0) {
      throw new IllegalStateException(
          "the FFmpeg mp4 muxer wrote no moof box in " + all.length + " bytes: not fragmented");
    }
    return new FragmentedMp4(
        Arrays.copyOfRange(all, 0, media), Arrays.copyOfRange(all, media, all.length));
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

  private static void encode(
      SceneKind kind,
      int width,
      int height,
      double fps,
      double seconds,
      long seed,
      long startFrameIndex,
      OutputStream out,
      String format,
      String movflags) {
    int frames = (int) Math.max(1, Math.round(fps * seconds));
    int gop = (int) Math.max(1, Math.round(fps));
    SceneRenderer renderer = new SceneRenderer(kind, width, height, fps, seed);
    byte[] bgr = new byte[width * height * 3];
    FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(out, width, height, 0);
    try (Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3)) {
      recorder.setFormat(format);
      if (movflags != null) {
        recorder.setOption("movflags", movflags);
      }
      recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
      recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      recorder.setFrameRate(fps);
      recorder.setGopSize(gop);
      recorder.setVideoOption("preset", "ultrafast");
      recorder.setVideoOption("tune", "zerolatency");
      recorder.setVideoOption("crf", "23");
      recorder.setVideoOption("threads", "1");
      // Key frames exactly every gop frames, never extra ones at scene cuts.
      recorder.setVideoOption(
          "x264-params", "keyint=" + gop + ":min-keyint=" + gop + ":scenecut=0");
      recorder.start();
      ByteBuffer image = (ByteBuffer) frame.image[0];
      for (int i = 0; i < frames; i++) {
        renderer.render(startFrameIndex + i, bgr);
        if (frame.imageStride == width * 3) {
          image.put(0, bgr);
        } else {
          for (int y = 0; y < height; y++) {
            image.put(y * frame.imageStride, bgr, y * width * 3, width * 3);
          }
        }
        recorder.record(frame);
      }
      recorder.stop();
    } catch (FrameRecorder.Exception e) {
      throw new IllegalStateException(
          "FFmpegFrameRecorder failed to encode a synthetic H.264 "
              + format
              + " segment ("
              + width
              + "x"
              + height
              + " at "
              + fps
              + " fps): "
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
