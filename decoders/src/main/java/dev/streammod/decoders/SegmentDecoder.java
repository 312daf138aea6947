package dev.streammod.decoders;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVFrameSideData;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes one media segment held in memory into sampled RGB frames of the model's input size.
 *
 * <p>Thread-safe: the instance holds only its immutable settings, and every {@code decode} call
 * opens its own FFmpeg demuxer, decoder and scaler on the payload and frees them before returning,
 * so any number of threads may share one instance. No JVM-wide lock is taken. Construction is cheap
 * (after the first one, which loads FFmpeg).
 *
 * <p>Decoding never throws for bad input: every problem with the bytes or the hint comes back as a
 * {@link DecodeFailure}. Only programming errors (a bad {@code maxFrames} argument) throw.
 *
 * <p>How: FFmpeg's own API (no JavaCV grabber) demuxes from a seekable in-memory stream (so
 * progressive MP4 with its index at the end works too); streams other than the chosen video stream
 * are discarded by the demuxer, so audio is never decoded. A segment whose container hint names
 * its demuxer, and whose header names its video codec, is not probed ({@code
 * avformat_find_stream_info}, which decodes key frames of its own): the decoder takes the picture
 * size from the bitstream, so each sampled key frame is decoded once. Video is decoded on {@link
 * DecoderSettings#decoderThreads()} threads (1 by default: parallelism comes from concurrent
 * segments). With {@link SamplingPolicy.Keyframes} non-key packets are not sent to the decoder at
 * all, and the decoder is told to skip non-key frames ({@code skip_frame=nokey}) as well. Each kept
 * frame is cropped (for {@link AspectMode#CENTER_CROP}), scaled and converted to RGB24 by one
 * swscale call, then padded ({@link AspectMode#LETTERBOX}) and turned upright following the
 * stream's display matrix.
 *
 * <p>Limits: {@link DecoderSettings#maxPayloadBytes()} before FFmpeg sees the bytes, {@link
 * DecoderSettings#maxPixels()} from the stream header and again per frame (the decoders also refuse
 * to allocate larger pictures), {@link DecoderSettings#maxDecodedFrames()} per segment, and {@link
 * DecoderSettings#decodeTimeout()}, checked by FFmpeg's interrupt callback while it opens and probes
 * the input, and between packets and frames.
 */
public final class SegmentDecoder {

  private static final Logger LOG = LoggerFactory.getLogger(SegmentDecoder.class);

  /** {@code AV_FRAME_FLAG_KEY} of libavutil/frame.h, which the JavaCPP presets do not map. */
  private static final int AV_FRAME_FLAG_KEY = 1 << 1;

  private final DecoderSettings settings;
  private final LongSupplier nanoClock;

  /**
   * @throws IllegalStateException when the FFmpeg native libraries cannot be loaded
   */
  public SegmentDecoder(DecoderSettings settings) {
    this(settings, System::nanoTime);
  }

  /** With a replaceable clock (in nanoseconds, as {@link System#nanoTime()}), for tests. */
  SegmentDecoder(DecoderSettings settings, LongSupplier nanoClock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    Ffmpeg.ensureLoaded();
  }

  public DecoderSettings settings() {
    return settings;
  }

  /**
   * Decodes a self-contained segment (MPEG-TS, MP4, Matroska/WebM, FLV, ...).
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
    return decode(wrap(initSegment), wrap(payload), containerHint, maxFrames);
  }

  /**
   * As {@link #decode(byte[], byte[], String, int)} on the bytes from each buffer's position to its
   * limit (a view into a larger array, such as the Kafka record a payload came in, is decoded
   * without a copy). The buffers are neither modified nor retained, their positions unchanged.
   */
  public DecodeResult decode(
      ByteBuffer initSegment, ByteBuffer payload, String containerHint, int maxFrames) {
    if (maxFrames < 1 || maxFrames > settings.maxFrames()) {
      throw new IllegalArgumentException(
          "maxFrames must be in [1, " + settings.maxFrames() + "], but was " + maxFrames);
    }
    long start = nanoClock.getAsLong();
    DecodeResult result;
    try {
      result = decodeChecked(initSegment, payload, containerHint, maxFrames, start);
    } catch (RuntimeException | OutOfMemoryError e) {
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

  private static ByteBuffer wrap(byte[] bytes) {
    return bytes == null ? null : ByteBuffer.wrap(bytes);
  }

  private DecodeResult decodeChecked(
      ByteBuffer initSegment, ByteBuffer payload, String containerHint, int maxFrames, long start) {
    long initLength = initSegment == null ? 0 : initSegment.remaining();
    if (payload == null || !payload.hasRemaining()) {
      return new DecodeFailure(
          DecodeErrorCode.EMPTY_PAYLOAD,
          "decode() got a "
              + (payload == null ? "null" : "0-byte")
              + " payload"
              + (initLength > 0 ? " (with a " + initLength + "-byte init segment)" : "")
              + "; likely cause: the producer sent an empty segment or the reference was not"
              + " resolved");
    }
    long total = initLength + payload.remaining();
    if (total > settings.maxPayloadBytes()) {
      return new DecodeFailure(
          DecodeErrorCode.PAYLOAD_TOO_LARGE,
          "payload of "
              + total
              + " bytes"
              + (initLength > 0
                  ? " (init segment " + initLength + " + media " + payload.remaining() + ")"
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
              + "\") found no FFmpeg demuxer; use a demuxer name such as mpegts, mp4, matroska"
              + " or flv, or no hint to probe");
    }
    ByteBuffer data = payload.duplicate();
    if (initLength > 0 || !data.hasArray()) {
      // FFmpeg reads one array: an init segment and its media segment are joined in a new one.
      ByteBuffer joined = ByteBuffer.allocate((int) total);
      if (initSegment != null) {
        joined.put(initSegment.duplicate());
      }
      data = joined.put(data).flip();
    }
    try (Run run = new Run(data, format, maxFrames, start)) {
      return run.decode();
    }
  }

  /**
   * One decode: owns every native object from open to close. Fields are freed in {@link #close()}
   * whatever state the decode stopped in.
   */
  private final class Run implements AutoCloseable {
    private final ByteBuffer data;
    private final String format;
    private final int maxFrames;
    private final long start;
    private final long deadline;
    private final boolean keyframesOnly = settings.sampling() instanceof SamplingPolicy.Keyframes;

    private MemoryInput input;
    private AVFormatContext formatContext;
    private AVCodecContext codecContext;
    private AVPacket packet;
    private AVFrame frame;
    /** Made at the first kept frame, when the orientation of every frame is known. */
    private FrameScaler scaler;

    private AVStream stream;
    private int videoIndex = -1;
    private String decoderName = "";
    private boolean hardware;
    private Orientation orientation = Orientation.IDENTITY;
    private boolean orientationFromStream;
    private boolean timedOut;
    private boolean probed;

    private FrameSelector selector;
    private MediaTimeline timeline;
    private long[] timestamps;
    private long packetsRead;
    private long framesDecoded;
    private long decodeErrors;
    private int lastDecodeError;
    private long lastMicros = Long.MIN_VALUE;
    private DecodeFailure failure;

    Run(ByteBuffer data, String format, int maxFrames, long start) {
      this.data = data;
      this.format = format;
      this.maxFrames = maxFrames;
      this.start = start;
      this.deadline = start + settings.decodeTimeout().toNanos();
    }

    private boolean pastDeadline() {
      if (!timedOut && nanoClock.getAsLong() - deadline > 0) {
        timedOut = true;
      }
      return timedOut;
    }

    DecodeResult decode() {
      DecodeFailure openFailure = open();
      if (openFailure != null) {
        return openFailure;
      }
      DecodeFailure loopFailure = decodeLoop();
      if (loopFailure != null) {
        return loopFailure;
      }
      return result();
    }

    // ---- opening ------------------------------------------------------------------------------

    private DecodeFailure open() {
      input = new MemoryInput(data, this::pastDeadline);
      formatContext = avformat.avformat_alloc_context();
      if (formatContext == null || formatContext.isNull()) {
        formatContext = null;
        return new DecodeFailure(
            DecodeErrorCode.INTERNAL, "avformat_alloc_context() returned null: out of memory");
      }
      formatContext.pb(input.context());
      // avformat_open_input() marks a pre-set pb as custom I/O: it will not close it.
      input.installInterrupt(formatContext.interrupt_callback());
      AVInputFormat inputFormat = format == null ? null : Ffmpeg.demuxer(format);
      int ret = avformat.avformat_open_input(formatContext, "", inputFormat, (AVDictionary) null);
      if (ret < 0) {
        formatContext = null; // freed by FFmpeg on failure
        return openFailure("avformat_open_input()", ret);
      }
      if (needsProbe()) {
        probed = true;
        ret = findStreamInfo();
        if (timedOut) {
          // The interrupt callback stopped the probing (FFmpeg may still answer >= 0).
          return timeout("probing the streams in avformat_find_stream_info()");
        }
        if (ret < 0) {
          return openFailure("avformat_find_stream_info()", ret);
        }
      }
      if (pastDeadline()) {
        return timeout(probed ? "probing the streams" : "opening the input");
      }
      int streams = formatContext.nb_streams();
      if (streams == 0) {
        return new DecodeFailure(
            DecodeErrorCode.CORRUPT_CONTAINER,
            (probed ? "avformat_find_stream_info()" : "avformat_open_input()")
                + " on "
                + describeInput()
                + " found no stream at all; likely cause: the payload is not "
                + (format == null ? "a media segment" : format + " (a wrong hint)")
                + ", or it is damaged");
      }
      videoIndex = chooseVideoStream();
      if (videoIndex < 0) {
        return new DecodeFailure(
            DecodeErrorCode.NO_VIDEO_STREAM,
            describeInput()
                + " has "
                + streams
                + " stream(s) ("
                + streamTypes()
                + ") but no video stream; likely cause: an audio-only or data-only segment");
      }
      for (int i = 0; i < streams; i++) {
        if (i != videoIndex) {
          formatContext.streams(i).discard(avcodec.AVDISCARD_ALL);
        }
      }
      stream = formatContext.streams(videoIndex);
      AVCodecParameters par = stream.codecpar();
      long pixels = (long) par.width() * par.height();
      if (pixels > settings.maxPixels()) {
        return tooLarge(par.width(), par.height(), "the stream header");
      }
      if (par.codec_id() == avcodec.AV_CODEC_ID_NONE) {
        return new DecodeFailure(
            DecodeErrorCode.DECODE_FAILED,
            describeInput()
                + " has a video stream of a codec FFmpeg does not know; likely cause: an"
                + " unsupported or private codec");
      }
      int[] matrix = displayMatrix(par);
      if (matrix != null) {
        orientation = Orientation.fromDisplayMatrix(matrix);
        orientationFromStream = true;
      }
      DecodeFailure decoderFailure = openDecoder(par);
      if (decoderFailure != null) {
        return decoderFailure;
      }
      packet = avcodec.av_packet_alloc();
      frame = avutil.av_frame_alloc();
      if (packet == null || packet.isNull() || frame == null || frame.isNull()) {
        return new DecodeFailure(
            DecodeErrorCode.INTERNAL, "av_packet_alloc()/av_frame_alloc() failed: out of memory");
      }
      selector = FrameSelector.of(settings.sampling());
      timestamps = new long[maxFrames];
      return null;
    }

    /**
     * Whether the streams must be probed (decoded in part) before the real decode. Not when the
     * hint named the demuxer and its header already says which codec the video is (MPEG-TS from
     * its PMT, MP4 from its moov): the decoder learns the rest from the bitstream, so probing would
     * only decode the same key frames a second time (for a 2-s H.264 segment sampled at one key
     * frame, two of the three key-frame decodes). Without a hint the container is guessed, and a
     * guess is checked by probing.
     */
    private boolean needsProbe() {
      if (format == null) {
        return true;
      }
      for (int i = 0; i < formatContext.nb_streams(); i++) {
        AVCodecParameters par = formatContext.streams(i).codecpar();
        if (par.codec_type() == avutil.AVMEDIA_TYPE_VIDEO
            && par.codec_id() != avcodec.AV_CODEC_ID_NONE
            && !isAttachedPicture(i)) {
          return false;
        }
      }
      return true;
    }

    /**
     * Probes the streams with the pixel limit set on the probing decoders too, so that a header
     * announcing a huge picture is not allocated even there. The probing video decoders skip
     * non-key frames.
     */
    private int findStreamInfo() {
      int n = formatContext.nb_streams();
      if (n == 0) {
        return avformat.avformat_find_stream_info(formatContext, (PointerPointer<?>) null);
      }
      PointerPointer<AVDictionary> options = new PointerPointer<>(n);
      try {
        for (int i = 0; i < n; i++) {
          AVDictionary d = new AVDictionary(null);
          avutil.av_dict_set(d, "max_pixels", Long.toString(clampToInt(settings.maxPixels())), 0);
          if (formatContext.streams(i).codecpar().codec_type() == avutil.AVMEDIA_TYPE_VIDEO) {
            // Without this the probe decodes every frame until it has guessed the decoding delay
            // (7 or more for H.264), frames the real decoder then decodes or skips again: about
            // half the CPU of a key-frame-sampled segment, an eighth of an fps-sampled one. The
            // codec parameters come from the key frames (or recovery points) alone; for H.264 the
            // probe still reads the whole segment, so a picture that grows later shows in them.
            avutil.av_dict_set(d, "skip_frame", "nokey", 0);
          }
          options.put(i, d);
        }
        return avformat.avformat_find_stream_info(formatContext, options);
      } finally {
        for (int i = 0; i < n; i++) {
          AVDictionary d = options.get(AVDictionary.class, i);
          if (d != null && !d.isNull()) {
            avutil.av_dict_free(d);
          }
        }
        options.close();
      }
    }

    private int chooseVideoStream() {
      int best =
          avformat.av_find_best_stream(
              formatContext, avutil.AVMEDIA_TYPE_VIDEO, -1, -1, (PointerPointer<?>) null, 0);
      if (best >= 0 && !isAttachedPicture(best)) {
        return best;
      }
      for (int i = 0; i < formatContext.nb_streams(); i++) {
        AVStream s = formatContext.streams(i);
        if (s.codecpar().codec_type() == avutil.AVMEDIA_TYPE_VIDEO && !isAttachedPicture(i)) {
          return i;
        }
      }
      return -1;
    }

    private boolean isAttachedPicture(int index) {
      return (formatContext.streams(index).disposition() & avformat.AV_DISPOSITION_ATTACHED_PIC)
          != 0;
    }

    private int[] displayMatrix(AVCodecParameters par) {
      AVPacketSideData side =
          avcodec.av_packet_side_data_get(
              par.coded_side_data(), par.nb_coded_side_data(), avcodec.AV_PKT_DATA_DISPLAYMATRIX);
      if (side == null || side.isNull() || side.size() < 9 * 4 || side.data() == null) {
        return null;
      }
      int[] m = new int[9];
      new IntPointer(side.data()).get(m);
      return m;
    }

    /** Frames per second: the container's, else the bitstream's (the decoder's); 0 if unknown. */
    private double frameRate() {
      AVRational[] rates = {
        stream.avg_frame_rate(), stream.r_frame_rate(), codecContext.framerate()
      };
      for (AVRational r : rates) {
        if (r.num() > 0 && r.den() > 0) {
          return (double) r.num() / r.den();
        }
      }
      return 0;
    }

    private DecodeFailure openDecoder(AVCodecParameters par) {
      if (settings.hardware() != HardwareDecode.NONE) {
        AVCodec gpu = HardwareDecoders.candidate(par.codec_id(), settings.hardware(), nanoClock);
        if (gpu != null) {
          int ret = openCodec(gpu, par);
          if (ret >= 0) {
            hardware = true;
            return null;
          }
          HardwareDecoders.failed(
              gpu.name().getString(),
              "avcodec_open2() returned " + Ffmpeg.errorString(ret),
              settings.hardware(),
              nanoClock);
          freeCodecContext();
        }
      }
      AVCodec cpu = avcodec.avcodec_find_decoder(par.codec_id());
      if (cpu == null || cpu.isNull()) {
        return new DecodeFailure(
            DecodeErrorCode.DECODE_FAILED,
            "avcodec_find_decoder() found no decoder for "
                + codecName(par.codec_id())
                + " in "
                + describeInput()
                + "; likely cause: a codec this FFmpeg build does not include");
      }
      int ret = openCodec(cpu, par);
      if (ret < 0) {
        if (pastDeadline()) {
          return timeout("opening the " + cpu.name().getString() + " decoder");
        }
        return new DecodeFailure(
            DecodeErrorCode.DECODE_FAILED,
            "avcodec_open2() for "
                + cpu.name().getString()
                + " on "
                + describeInput()
                + " returned "
                + Ffmpeg.errorString(ret)
                + "; likely cause: damaged codec parameters or an unsupported profile");
      }
      return null;
    }

    private int openCodec(AVCodec codec, AVCodecParameters par) {
      codecContext = avcodec.avcodec_alloc_context3(codec);
      if (codecContext == null || codecContext.isNull()) {
        codecContext = null;
        return org.bytedeco.ffmpeg.presets.avutil.AVERROR_ENOMEM();
      }
      int ret = avcodec.avcodec_parameters_to_context(codecContext, par);
      if (ret < 0) {
        return ret;
      }
      codecContext.pkt_timebase(stream.time_base());
      codecContext.thread_count(settings.decoderThreads());
      codecContext.max_pixels(clampToInt(settings.maxPixels()));
      if (keyframesOnly) {
        codecContext.skip_frame(avcodec.AVDISCARD_NONKEY);
      }
      ret = avcodec.avcodec_open2(codecContext, codec, (AVDictionary) null);
      if (ret >= 0) {
        decoderName = codec.name().getString();
      }
      return ret;
    }

    // ---- decoding -----------------------------------------------------------------------------

    /** Reads packets until the sample is complete or the input ends; null when frames are kept. */
    private DecodeFailure decodeLoop() {
      boolean sawKey = false;
      boolean ended = false;
      while (kept() < maxFrames) {
        if (pastDeadline()) {
          return timeout("decoding");
        }
        int ret = avformat.av_read_frame(formatContext, packet);
        if (ret < 0) {
          if (ret == avutil.AVERROR_EXIT || timedOut) {
            return timeout("demuxing");
          }
          ended = true; // end of input, or a damaged tail: decode what was read
          break;
        }
        try {
          if (packet.stream_index() != videoIndex) {
            continue;
          }
          packetsRead++;
          if (packetsRead > settings.maxDecodedFrames()) {
            return tooManyFrames();
          }
          if (tooLargeNow()) {
            return tooLargeInBitstream(); // the parser saw the picture size: refused before decoding
          }
          boolean key = (packet.flags() & avcodec.AV_PKT_FLAG_KEY) != 0;
          sawKey |= key;
          // Key-frame sampling: non-key packets never reach the decoder once the container has
          // shown that it marks key frames (some never do: the decoder's skip_frame then applies).
          if (keyframesOnly && sawKey && !key) {
            continue;
          }
          DecodeFailure f = send(packet);
          if (f != null) {
            return f;
          }
        } finally {
          avcodec.av_packet_unref(packet);
        }
      }
      if (ended && kept() < maxFrames) {
        return send(null); // flush: frames held back for reordering or by frame threads
      }
      return null;
    }

    /** Sends one packet (null: flush) and takes every frame the decoder has ready. */
    private DecodeFailure send(AVPacket p) {
      int ret = avcodec.avcodec_send_packet(codecContext, p);
      if (ret < 0 && ret != avutil.AVERROR_EOF) {
        decodeErrors++;
        lastDecodeError = ret;
        if (tooLargeNow()) {
          return tooLargeInBitstream();
        }
        return null; // a damaged packet: skip it, as players do
      }
      while (kept() < maxFrames) {
        ret = avcodec.avcodec_receive_frame(codecContext, frame);
        if (ret == Ffmpeg.EAGAIN || ret == avutil.AVERROR_EOF) {
          return null;
        }
        if (ret < 0) {
          decodeErrors++;
          lastDecodeError = ret;
          return tooLargeNow() ? tooLargeInBitstream() : null;
        }
        try {
          DecodeFailure f = take(frame);
          if (f != null) {
            return f;
          }
        } finally {
          avutil.av_frame_unref(frame);
        }
        if (pastDeadline()) {
          return timeout("decoding");
        }
      }
      return null;
    }

    /**
     * Whether the picture announced so far is over the limit: by the decoder, or by the demuxer's
     * parser (for an unprobed stream the decoder refuses such a picture without saying its size).
     */
    private boolean tooLargeNow() {
      AVCodecParameters par = stream.codecpar();
      return (long) codecContext.width() * codecContext.height() > settings.maxPixels()
          || (long) par.width() * par.height() > settings.maxPixels();
    }

    private DecodeFailure tooLargeInBitstream() {
      AVCodecParameters par = stream.codecpar();
      boolean decoder = (long) codecContext.width() * codecContext.height() > settings.maxPixels();
      return decoder
          ? tooLarge(codecContext.width(), codecContext.height(), "the bitstream")
          : tooLarge(par.width(), par.height(), "the bitstream");
    }

    private DecodeFailure take(AVFrame f) {
      framesDecoded++;
      if ((long) f.width() * f.height() > settings.maxPixels()) {
        return tooLarge(f.width(), f.height(), "a decoded frame");
      }
      if (timeline == null) {
        // Made at the first frame: an unprobed stream's frame rate comes from its bitstream.
        timeline = new MediaTimeline(frameRate());
      }
      long ts = f.best_effort_timestamp();
      if (ts == avutil.AV_NOPTS_VALUE) {
        ts = f.pts();
      }
      long micros;
      if (ts == avutil.AV_NOPTS_VALUE) {
        long step = Math.round(timeline.frameDurationMicros());
        micros = lastMicros == Long.MIN_VALUE ? 0 : lastMicros + Math.max(1, step);
      } else {
        AVRational tb = stream.time_base();
        micros = avutil.av_rescale(ts, tb.num() * 1_000_000L, Math.max(1, tb.den()));
      }
      lastMicros = micros;
      long relative = timeline.relative(micros);
      boolean key = (f.flags() & AV_FRAME_FLAG_KEY) != 0;
      if (!selector.accept(relative, key)) {
        return null;
      }
      if (scaler == null) {
        if (!orientationFromStream) {
          // Some streams carry their orientation in the bitstream (an SEI), not in the container.
          AVFrameSideData side =
              avutil.av_frame_get_side_data(f, avutil.AV_FRAME_DATA_DISPLAYMATRIX);
          if (side != null && !side.isNull() && side.size() >= 9 * 4) {
            int[] m = new int[9];
            new IntPointer(side.data()).get(m);
            orientation = Orientation.fromDisplayMatrix(m);
          }
        }
        scaler =
            new FrameScaler(
                settings.width(), settings.height(), settings.aspect(), orientation, maxFrames);
      }
      if (!scaler.scale(f)) {
        return new DecodeFailure(
            DecodeErrorCode.DECODE_FAILED,
            scaler.lastError()
                + " for a frame of "
                + describeInput()
                + "; likely cause: a pixel format or size swscale cannot convert");
      }
      timestamps[scaler.count() - 1] = relative;
      return null;
    }

    /** Frames kept so far. */
    private int kept() {
      return scaler == null ? 0 : scaler.count();
    }

    private DecodedFrames resultFrames() {
      AVCodecParameters par = stream.codecpar();
      return new DecodedFrames(
          settings.width(),
          settings.height(),
          Arrays.copyOf(timestamps, scaler.count()),
          scaler.rgb(),
          (int) Math.min(Integer.MAX_VALUE, packetsRead),
          (nanoClock.getAsLong() - start) / 1e6,
          formatContext.iformat().name().getString(),
          decoderName,
          codecContext.width() > 0 ? codecContext.width() : par.width(),
          codecContext.height() > 0 ? codecContext.height() : par.height(),
          (int) Math.min(Integer.MAX_VALUE, framesDecoded),
          orientation.clockwiseDegrees(),
          hardware);
    }

    private DecodeResult result() {
      if (kept() > 0) {
        return resultFrames();
      }
      if (decodeErrors > 0 && framesDecoded == 0) {
        return new DecodeFailure(
            DecodeErrorCode.DECODE_FAILED,
            "the "
                + decoderName
                + " decoder rejected "
                + decodeErrors
                + " of "
                + packetsRead
                + " packets of "
                + describeInput()
                + " (last error "
                + Ffmpeg.errorString(lastDecodeError)
                + ") and gave no frame; likely cause: a damaged bitstream");
      }
      return new DecodeFailure(
          DecodeErrorCode.NO_FRAMES,
          "no frame decoded from "
              + describeInput()
              + " ("
              + packetsRead
              + " video packets read"
              + (keyframesOnly ? ", key-frame sampling" : "")
              + "); likely cause: the segment is truncated or holds no complete"
              + (keyframesOnly ? " key frame" : " decodable picture"));
    }

    // ---- failures -----------------------------------------------------------------------------

    private DecodeFailure openFailure(String call, int ret) {
      if (ret == avutil.AVERROR_EXIT || timedOut) {
        return timeout(call);
      }
      String called =
          call
              + " on "
              + data.remaining()
              + " bytes with "
              + (format == null ? "no container hint (probing)" : "container \"" + format + "\"")
              + " returned "
              + Ffmpeg.errorString(ret)
              + "; likely cause: ";
      if (call.startsWith("avformat_open_input")) {
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
      return new DecodeFailure(
          DecodeErrorCode.CORRUPT_CONTAINER,
          called + "the container structure is damaged or the payload is truncated");
    }

    private DecodeFailure timeout(String during) {
      return new DecodeFailure(
          DecodeErrorCode.DECODE_TIMEOUT,
          "decoding "
              + describeInput()
              + " was abandoned while "
              + during
              + " after "
              + (nanoClock.getAsLong() - start) / 1_000_000
              + " ms (decodeTimeout="
              + settings.decodeTimeout().toMillis()
              + " ms, "
              + kept()
              + " frames kept, "
              + packetsRead
              + " video packets read); likely cause: an overloaded machine, a segment far"
              + " larger than planned, or input crafted to stall the decoder");
    }

    private DecodeFailure tooLarge(int width, int height, String where) {
      return new DecodeFailure(
          DecodeErrorCode.FRAME_TOO_LARGE,
          where
              + " of "
              + describeInput()
              + " announces "
              + width
              + "x"
              + height
              + " = "
              + (long) width * height
              + " pixels, more than maxPixels="
              + settings.maxPixels()
              + "; likely cause: a source above the configured resolution, or a crafted header");
    }

    private DecodeFailure tooManyFrames() {
      return new DecodeFailure(
          DecodeErrorCode.TOO_MANY_FRAMES,
          "read "
              + packetsRead
              + " video packets of "
              + describeInput()
              + " (maxDecodedFrames="
              + settings.maxDecodedFrames()
              + ") and sampled only "
              + kept()
              + " of "
              + maxFrames
              + " with "
              + settings.sampling()
              + "; likely cause: a segment far longer than planned or a sampling rate too"
              + " low for it");
    }

    private String describeInput() {
      StringBuilder b = new StringBuilder().append(data.remaining()).append(" bytes");
      if (formatContext != null && formatContext.iformat() != null) {
        b.append(" of ").append(formatContext.iformat().name().getString());
      } else if (format != null) {
        b.append(" hinted ").append(format);
      }
      if (stream != null) {
        AVCodecParameters par = stream.codecpar();
        boolean decoded = codecContext != null && codecContext.width() > 0;
        b.append(" (")
            .append(codecName(par.codec_id()))
            .append(' ')
            .append(decoded ? codecContext.width() : par.width())
            .append('x')
            .append(decoded ? codecContext.height() : par.height())
            .append(" video)");
      }
      return b.toString();
    }

    private String streamTypes() {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < formatContext.nb_streams(); i++) {
        AVCodecParameters par = formatContext.streams(i).codecpar();
        if (i > 0) {
          b.append(", ");
        }
        var type = avutil.av_get_media_type_string(par.codec_type());
        b.append(type == null || type.isNull() ? "unknown" : type.getString())
            .append(' ')
            .append(codecName(par.codec_id()));
      }
      return b.toString();
    }

    // ---- cleanup ------------------------------------------------------------------------------

    private void freeCodecContext() {
      if (codecContext != null) {
        avcodec.avcodec_free_context(codecContext);
        codecContext = null;
      }
    }

    /** Frees everything this run allocated, in reverse order; safe after any failure. */
    @Override
    public void close() {
      if (scaler != null) {
        scaler.close();
        scaler = null;
      }
      if (frame != null) {
        avutil.av_frame_free(frame);
        frame = null;
      }
      if (packet != null) {
        avcodec.av_packet_free(packet);
        packet = null;
      }
      freeCodecContext();
      if (formatContext != null) {
        avformat.avformat_close_input(formatContext);
        formatContext = null;
      }
      if (input != null) {
        input.close();
        input = null;
      }
    }
  }

  private static String codecName(int codecId) {
    var name = avcodec.avcodec_get_name(codecId);
    return name == null || name.isNull() ? "codec " + codecId : name.getString();
  }

  private static int clampToInt(long v) {
    return (int) Math.min(Integer.MAX_VALUE, v);
  }
}
