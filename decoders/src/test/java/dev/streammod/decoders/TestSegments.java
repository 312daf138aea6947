package dev.streammod.decoders;

import dev.streammod.decoders.synthetic.EncodedSegment;
import dev.streammod.decoders.synthetic.SceneKind;
import dev.streammod.decoders.synthetic.SegmentSpec;
import dev.streammod.decoders.synthetic.SyntheticSegments;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/** Fixtures encoded in code, once per JVM: keeps the suite fast on a small machine. */
final class TestSegments {

  static final int WIDTH = 320;
  static final int HEIGHT = 240;
  static final double FPS = 15;
  static final double SECONDS = 2;

  /** 2 s, 320x240, 15 fps, GOP 15: key frames at 0 s and 1 s. */
  static final byte[] NEUTRAL = ts(SceneKind.NEUTRAL, 7);

  static final byte[] RED = ts(SceneKind.RED, 7);

  private TestSegments() {}

  static byte[] ts(SceneKind kind, long seed) {
    return SyntheticSegments.h264TransportStream(kind, WIDTH, HEIGHT, FPS, SECONDS, seed, 0);
  }

  /** 2 s MPEG-TS with one MP2 audio stream and no video. */
  static byte[] audioOnlyTransportStream() {
    return transportStream(false);
  }

  /** 2 s MPEG-TS, 160x120 H.264 at 15 fps with GOP 15, plus an MP2 audio stream. */
  static byte[] audioVideoTransportStream() {
    return transportStream(true);
  }

  private static byte[] transportStream(boolean video) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int w = video ? 160 : 0;
    int h = video ? 120 : 0;
    try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(out, w, h, 1);
        Frame frame = new Frame(160, 120, Frame.DEPTH_UBYTE, 3)) {
      recorder.setFormat("mpegts");
      recorder.setAudioCodec(avcodec.AV_CODEC_ID_MP2);
      recorder.setSampleRate(44_100);
      if (video) {
        recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
        recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        recorder.setFrameRate(15);
        recorder.setGopSize(15);
        recorder.setVideoOption("preset", "ultrafast");
      }
      recorder.start();
      ShortBuffer samples = ShortBuffer.allocate(44_100 / 15);
      ByteBuffer image = (ByteBuffer) frame.image[0];
      for (int n = 0; n < 30; n++) {
        for (int i = 0; i < samples.capacity(); i++) {
          samples.put(i, (short) (Math.sin((n * samples.capacity() + i) * 0.05) * 8000));
        }
        samples.rewind();
        recorder.recordSamples(44_100, 1, samples);
        if (video) {
          for (int i = 0; i < image.capacity(); i++) {
            image.put(i, (byte) (i / 3 + n * 5));
          }
          recorder.record(frame);
        }
      }
      recorder.stop();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  /**
   * Encodes {@code spec}, or skips the calling test, saying so on stderr, when the bundled FFmpeg
   * cannot encode it (a missing encoder, or one built without that bit depth).
   */
  static EncodedSegment encodeOrSkip(SegmentSpec spec) {
    Optional<String> unsupported = SyntheticSegments.unsupportedReason(spec);
    if (unsupported.isPresent()) {
      String message = "SKIPPED " + spec + ": " + unsupported.get();
      System.err.println(message);
      Assumptions.abort(message);
    }
    return SyntheticSegments.encode(spec);
  }

  /** The RGB bytes of pixel (x, y) of frame {@code index}. */
  static int[] pixel(DecodedFrames frames, int index, int x, int y) {
    int i = frames.frameOffset(index) + (y * frames.width() + x) * 3;
    byte[] rgb = frames.rgb();
    return new int[] {rgb[i] & 0xFF, rgb[i + 1] & 0xFF, rgb[i + 2] & 0xFF};
  }

  /**
   * A one-letter name for a saturated colour: R, G, B, W(hite), K (black), or ? for anything in
   * between (an edge, or a coding error).
   */
  static char colour(int[] rgb) {
    int r = rgb[0];
    int g = rgb[1];
    int b = rgb[2];
    if (r > 200 && g > 200 && b > 200) {
      return 'W';
    }
    if (r < 40 && g < 40 && b < 40) {
      return 'K';
    }
    if (r > 170 && g < 90 && b < 90) {
      return 'R';
    }
    if (g > 170 && r < 90 && b < 90) {
      return 'G';
    }
    if (b > 170 && r < 90 && g < 90) {
      return 'B';
    }
    return '?';
  }

  static char colourAt(DecodedFrames frames, int index, int x, int y) {
    return colour(pixel(frames, index, x, y));
  }

  /** Mean absolute difference of two frames of the same size, per byte, in [0, 255]. */
  static double meanAbsoluteDifference(DecodedFrames a, int i, DecodedFrames b, int j) {
    long sum = 0;
    int n = a.frameBytes();
    byte[] x = a.rgb();
    byte[] y = b.rgb();
    int oa = a.frameOffset(i);
    int ob = b.frameOffset(j);
    for (int k = 0; k < n; k++) {
      sum += Math.abs((x[oa + k] & 0xFF) - (y[ob + k] & 0xFF));
    }
    return (double) sum / n;
  }

  /** Mean of each RGB channel over frame {@code index}, in [0, 1]. */
  static double[] meanRgb(DecodedFrames frames, int index) {
    byte[] rgb = frames.rgb();
    int offset = frames.frameOffset(index);
    long[] sum = new long[3];
    for (int i = 0; i < frames.frameBytes(); i++) {
      sum[i % 3] += rgb[offset + i] & 0xFF;
    }
    int pixels = frames.frameBytes() / 3;
    return new double[] {
      sum[0] / (255.0 * pixels), sum[1] / (255.0 * pixels), sum[2] / (255.0 * pixels)
    };
  }
}
