package dev.streammod.decoders;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes one media segment held in memory into sampled RGB frames of the model's input size.
 *
 * <p>Thread-safe: the instance holds only its immutable settings, and every {@code decode} call
 * opens its own FFmpeg demuxer and decoder on the payload and releases them before returning, so
 * any number of threads may share one instance. Opening and releasing take a JVM-wide lock inside
 * JavaCV; decoding itself runs in parallel. Construction is cheap (after the first one, which loads
 * FFmpeg).
 *
 * <p>Decoding never throws for bad input: every problem with the bytes or the hint comes back as a
 * {@link DecodeFailure}. Only programming errors (a bad {@code maxFrames} argument) throw.
 *
 * <p>How: FFmpeg demuxes from a seekable in-memory stream (so progressive MP4 with its index at the
 * end works too), never opens an audio decoder, decodes video single-threaded (parallelism comes
 * from concurrent segments), and lets swscale scale and convert to RGB24 in one step. Frames are
 * scaled to the output size without keeping the aspect ratio. With {@link SamplingPolicy.Keyframes}
 * the decoder is told to skip non-key frames ({@code skip_frame=nokey}), so they cost only
 * demuxing.
 */
public final class SegmentDecoder {

  private static final Logger LOG = LoggerFactory.getLogger(SegmentDecoder.class);

  /** No stream has this index: JavaCV then opens no audio decoder. */
  private static final int NO_AUDIO_STREAM = Integer.MAX_VALUE;

  private final DecoderSettings settings;

  /**
   * @throws IllegalStateException when the FFmpeg native libraries cannot be loaded
   */
  public SegmentDecoder(DecoderSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    Ffmpeg.ensureLoaded();
  }

  public DecoderSettings settings() {
    return settings;
  }

  /**
   * Decodes a self-contained segment (MPEG-TS, MP4, Matroska, ...).
   *
   * @param payload the segment bytes; not modified, not retained
   * @param containerHint an FFmpeg demuxer name such as {@code "mpegts"} (a few aliases such as
   *     {@code "ts"} and {@code "fmp4"} are accepted), or null to probe
   */
  public DecodeResult decode(byte[] payload, String containerHint) {
    return decode(null, payload, containerHint, settings.maxFrames());
  }

  /**
   * Decodes a fragmented-MP4 media segment after its initialization segment ({@code ftyp+moov}), or
   * any segment when {@code initSegment} is null.
   */
  public DecodeResult decode(byte[] initSegment, byte[] payload, String containerHint) {
    return decode(initSegment, payload, containerHint, settings.maxFrames());
  }

  /**
   * As {@link #decode(byte[], byte[], String)} with a lower frame cap for this call, for degraded
   * mode under overload.
   *
   * @param maxFrames in {@code [1, settings().maxFrames()]}
   * @throws IllegalArgumentException when {@code maxFrames} is outside that range
   */
  public DecodeResult decode(
      byte[] initSegment, byte[] payload, String containerHint, int maxFrames) {
    if (maxFrames < 1 || maxFrames > settings.maxFrames()) {
      throw new IllegalArgumentException(
          "maxFrames must be in [1, " + settings.maxFrames() + "], but was " + maxFrames);
    }
    long start = System.nanoTime();
    DecodeResult result;
    try {
      result = decodeChecked(initSegment, payload, containerHint, maxFrames, start);
    } catch (RuntimeException e) {
      LOG.warn("Unexpected failure while decoding a segment", e);
      result =
          new DecodeFailure(
              DecodeErrorCode.INTERNAL,
              "decode() failed unexpectedly with "
                  + e
                  + "; likely cause: a bug in streammod-decoders or in the native FFmpeg build");
    }
    if (result instanceof DecodeFailure f && LOG.isDebugEnabled()) {
      LOG.debug("Segment not decoded: {} {}", f.code(), f.message());
    }
    return result;
  }

  private DecodeResult decodeChecked(
      byte[] initSegment, byte[] payload, String containerHint, int maxFrames, long start) {
    long initLength = initSegment == null ? 0 : initSegment.length;
    if (payload == null || payload.length == 0) {
      return new DecodeFailure(
          DecodeErrorCode.EMPTY_PAYLOAD,
          "decode() got a "
              + (payload == null ? "null" : "0-byte")
              + " payload"
              + (initLength > 0 ? " (with a " + initLength + "-byte init segment)" : "")
              + "; likely cause: the producer sent an empty segment or the reference was not"
              + " resolved");
    }
    long total = initLength + payload.length;
    if (total > settings.maxPayloadBytes()) {
      return new DecodeFailure(
          DecodeErrorCode.PAYLOAD_TOO_LARGE,
          "payload of "
              + total
              + " bytes"
              + (initLength > 0
                  ? " (init segment " + initLength + " + media " + payload.length + ")"
                  : "")
              + " exceeds maxPayloadBytes="
              + settings.maxPayloadBytes()
              + "; likely cause: segments longer than planned, or a wrong payload");
    }
    String format = Ffmpeg.normalizeHint(containerHint);
    if (format != null && !Ffmpeg.hasDemuxer(format)) {
      return new DecodeFailure(
          DecodeErrorCode.UNSUPPORTED_CONTAINER,
          "container hint \""
              + containerHint
              + "\": av_find_input_format(\""
              + format
              + "\") found no FFmpeg demuxer; use a demuxer name such as mpegts, mp4 or"
              + " matroska, or no hint to probe");
    }
    byte[] data = payload;
    if (initLength > 0) {
      data = new byte[(int) total];
      System.arraycopy(initSegment, 0, data, 0, (int) initLength);
      System.arraycopy(payload, 0, data, (int) initLength, payload.length);
    }
    return new Run(data, format, maxFrames, start).decode();
  }

  /** One decode: owns the grabber from start to release. */
  private final class Run {
    private final byte[] data;
    private final String format;
    private final int maxFrames;
    private final long start;
    private final int width = settings.width();
    private final int height = settings.height();
    private final int frameBytes = settings.width() * settings.height() * 3;

    Run(byte[] data, String format, int maxFrames, long start) {
      this.data = data;
      this.format = format;
      this.maxFrames = maxFrames;
      this.start = start;
    }

    DecodeResult decode() {
      // A seek limit of the whole payload makes the in-memory stream seekable for FFmpeg.
      FFmpegFrameGrabber grabber =
          new FFmpegFrameGrabber(new ByteArrayInputStream(data), data.length);
      try {
        configure(grabber);
        DecodeFailure failure = start(grabber);
        return failure != null ? failure : grab(grabber);
      } finally {
        try {
          grabber.close();
        } catch (FrameGrabber.Exception | RuntimeException e) {
          LOG.debug("Releasing the FFmpeg grabber failed; its native memory may leak", e);
        }
      }
    }

    private void configure(FFmpegFrameGrabber grabber) {
      if (format != null) {
        grabber.setFormat(format);
      }
      grabber.setAudioStream(NO_AUDIO_STREAM);
      grabber.setVideoOption("threads", "1");
      if (settings.sampling() instanceof SamplingPolicy.Keyframes) {
        // A codec option: it must go to the video decoder, not to the demuxer (setOption).
        grabber.setVideoOption("skip_frame", "nokey");
      }
      grabber.setImageWidth(width);
      grabber.setImageHeight(height);
      grabber.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
    }

    private DecodeFailure start(FFmpegFrameGrabber grabber) {
      try {
        grabber.start();
      } catch (FrameGrabber.Exception e) {
        return startFailure(e);
      }
      if (!grabber.hasVideo()) {
        return new DecodeFailure(
            DecodeErrorCode.NO_VIDEO_STREAM,
            "FFmpegFrameGrabber.start() opened "
                + describe(grabber)
                + " but found no video stream");
      }
      return null;
    }

    private DecodeFailure startFailure(FrameGrabber.Exception e) {
      String cause = Ffmpeg.clean(e);
      String called =
          "FFmpegFrameGrabber.start() on "
              + data.length
              + " bytes with "
              + (format == null ? "no container hint (probing)" : "container \"" + format + "\"")
              + " failed: "
              + cause
              + "; likely cause: ";
      if (cause.startsWith("av_find_input_format()")) {
        return new DecodeFailure(
            DecodeErrorCode.UNSUPPORTED_CONTAINER, called + "FFmpeg has no such demuxer");
      }
      if (cause.startsWith("avformat_open_input()")) {
        return format == null
            ? new DecodeFailure(
                DecodeErrorCode.UNSUPPORTED_CONTAINER,
                called + "the bytes match no container FFmpeg knows (garbage, or encrypted)")
            : new DecodeFailure(
                DecodeErrorCode.CORRUPT_CONTAINER,
                called
                    + "the payload is not "
                    + format
                    + " (a wrong hint), or its header is damaged or missing (fMP4 media"
                    + " segment without its init segment)");
      }
      if (cause.startsWith("avformat_find_stream_info()")) {
        return new DecodeFailure(
            DecodeErrorCode.CORRUPT_CONTAINER,
            called + "the container structure is damaged or the payload is truncated");
      }
      if (cause.startsWith("Did not find a video or audio stream")) {
        return new DecodeFailure(
            DecodeErrorCode.NO_VIDEO_STREAM,
            called + "the segment has no video stream (audio or data only)");
      }
      if (cause.startsWith("avcodec_find_decoder()")
          || cause.startsWith("avcodec_open2()")
          || cause.startsWith("avcodec_parameters_to_context()")) {
        return new DecodeFailure(
            DecodeErrorCode.DECODE_FAILED,
            called
                + "the video codec is not supported by this FFmpeg build, or its parameters"
                + " are damaged");
      }
      return new DecodeFailure(
          DecodeErrorCode.INTERNAL, called + "an FFmpeg or JavaCV failure not tied to the input");
    }

    private DecodeResult grab(FFmpegFrameGrabber grabber) {
      FrameSelector selector = FrameSelector.of(settings.sampling());
      MediaTimeline timeline = new MediaTimeline(grabber.getFrameRate());
      boolean keyframesOnly = settings.sampling() instanceof SamplingPolicy.Keyframes;
      List<byte[]> frames = new ArrayList<>(Math.min(maxFrames, 16));
      long[] timestamps = new long[maxFrames];
      long grabbed = 0;
      long framesRead = 0;
      // Fixed-rate sampling decodes every frame but converts to RGB only those that can be kept:
      // the next frame is converted when, one and a half nominal frames on, it could reach the
      // next sampling boundary. A frame that reaches it unconverted (irregular timing) is passed
      // over and the boundary goes to the next converted frame.
      boolean convertNext = true;
      while (frames.size() < maxFrames) {
        Frame frame;
        boolean converted = convertNext;
        try {
          frame = grabber.grabFrame(false, true, converted, false, false);
        } catch (FrameGrabber.Exception e) {
          return new DecodeFailure(
              DecodeErrorCode.DECODE_FAILED,
              "FFmpegFrameGrabber.grabFrame() failed after "
                  + grabbed
                  + " frames of "
                  + describe(grabber)
                  + ": "
                  + Ffmpeg.clean(e)
                  + "; likely cause: a damaged bitstream");
        }
        if (frame == null) {
          break;
        }
        grabbed++;
        long relative = timeline.relative(frame.timestamp);
        // Skipped non-key frames are not returned: estimate them from the frame rate.
        framesRead = keyframesOnly ? Math.max(grabbed, timeline.framesUpTo(relative)) : grabbed;
        if (framesRead > settings.maxDecodedFrames()) {
          return new DecodeFailure(
              DecodeErrorCode.TOO_MANY_FRAMES,
              "read "
                  + framesRead
                  + " frames of "
                  + describe(grabber)
                  + " (maxDecodedFrames="
                  + settings.maxDecodedFrames()
                  + ") and sampled only "
                  + frames.size()
                  + " of "
                  + maxFrames
                  + " with "
                  + settings.sampling()
                  + "; likely cause: a segment far longer than planned or a sampling rate too"
                  + " low for it");
        }
        double frameDuration = timeline.frameDurationMicros();
        convertNext =
            keyframesOnly
                || frameDuration == 0
                || selector.wouldAccept(relative + Math.round(1.5 * frameDuration));
        if (!converted || !selector.accept(relative, frame.keyFrame)) {
          continue;
        }
        byte[] rgb = new byte[frameBytes];
        String copyError = copyRgb(frame, rgb);
        if (copyError != null) {
          return new DecodeFailure(DecodeErrorCode.INTERNAL, copyError);
        }
        timestamps[frames.size()] = relative;
        frames.add(rgb);
      }
      if (frames.isEmpty()) {
        return new DecodeFailure(
            DecodeErrorCode.NO_FRAMES,
            "FFmpegFrameGrabber.grabFrame() returned no frame from "
                + describe(grabber)
                + (keyframesOnly ? " with key-frame sampling" : "")
                + "; likely cause: the segment is truncated or holds no complete"
                + (keyframesOnly ? " key frame" : " decodable picture"));
      }
      byte[] rgb = new byte[frames.size() * frameBytes];
      for (int i = 0; i < frames.size(); i++) {
        System.arraycopy(frames.get(i), 0, rgb, i * frameBytes, frameBytes);
      }
      int[] source = sourceSize(grabber);
      return new DecodedFrames(
          width,
          height,
          java.util.Arrays.copyOf(timestamps, frames.size()),
          rgb,
          (int) Math.min(Integer.MAX_VALUE, framesRead),
          (System.nanoTime() - start) / 1e6,
          grabber.getFormat(),
          grabber.getVideoCodecName(),
          source[0],
          source[1]);
    }

    /**
     * Copies the grabber's reused RGB24 buffer row by row: its stride may exceed width * 3. (JavaCV
     * derives {@code imageChannels} from the padded stride, so that field is not checked.)
     */
    private String copyRgb(Frame frame, byte[] out) {
      int rowBytes = width * 3;
      int stride = frame.imageStride;
      if (frame.imageWidth != width
          || frame.imageHeight != height
          || frame.imageDepth != Frame.DEPTH_UBYTE
          || stride < rowBytes
          || frame.image == null
          || !(frame.image[0] instanceof ByteBuffer)
          || frame.image[0].limit() < (long) stride * (height - 1) + rowBytes) {
        return "FFmpegFrameGrabber.grabFrame() returned a "
            + frame.imageWidth
            + "x"
            + frame.imageHeight
            + " image of depth "
            + frame.imageDepth
            + " and stride "
            + stride
            + ", expected "
            + width
            + "x"
            + height
            + " RGB24 bytes; likely cause: a JavaCV version that ignores"
            + " setPixelFormat/setImageWidth";
      }
      ByteBuffer buffer = (ByteBuffer) frame.image[0];
      if (stride == rowBytes) {
        buffer.get(0, out, 0, frameBytes);
      } else {
        for (int y = 0; y < height; y++) {
          buffer.get(y * stride, out, y * rowBytes, rowBytes);
        }
      }
      return null;
    }

    private int[] sourceSize(FFmpegFrameGrabber grabber) {
      AVFormatContext context = grabber.getFormatContext();
      int index = grabber.getVideoStream();
      if (context == null || index < 0 || index >= context.nb_streams()) {
        return new int[] {0, 0};
      }
      AVStream stream = context.streams(index);
      return new int[] {stream.codecpar().width(), stream.codecpar().height()};
    }

    private String describe(FFmpegFrameGrabber grabber) {
      String codec = grabber.hasVideo() ? grabber.getVideoCodecName() : null;
      return data.length
          + " bytes of "
          + grabber.getFormat()
          + (codec != null ? " (" + codec + " video)" : "");
    }
  }
}
