package dev.streammod.decoders;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable, validated settings of a {@link SegmentDecoder}. Build with {@link #builder()}; {@link
 * Builder#build()} checks every field once and names the field and its bad value.
 */
public final class DecoderSettings {

  /** Largest accepted output width or height: beyond it a model input makes no sense. */
  public static final int MAX_DIMENSION = 8192;

  /** A Java array holds at most this many bytes on common JVMs. */
  static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8L;

  public static final int DEFAULT_WIDTH = 224;
  public static final int DEFAULT_HEIGHT = 224;
  public static final int DEFAULT_MAX_FRAMES = 8;
  public static final long DEFAULT_MAX_PAYLOAD_BYTES = 64L * 1024 * 1024;
  public static final long DEFAULT_MAX_DECODED_FRAMES = 2000;

  /** 4096 x 2304: 4K UHD and DCI 4K pass, 8K is refused unless configured. */
  public static final long DEFAULT_MAX_PIXELS = 4096L * 2304;

  public static final Duration DEFAULT_DECODE_TIMEOUT = Duration.ofSeconds(10);

  /** Largest decode timeout accepted: a segment that needs longer is not a live segment. */
  public static final Duration MAX_DECODE_TIMEOUT = Duration.ofHours(1);

  /** Largest per-decode thread count accepted. */
  public static final int MAX_DECODER_THREADS = 64;

  private static final DecoderSettings DEFAULTS = builder().build();

  private final int width;
  private final int height;
  private final SamplingPolicy sampling;
  private final int maxFrames;
  private final long maxPayloadBytes;
  private final long maxDecodedFrames;
  private final AspectMode aspect;
  private final long maxPixels;
  private final Duration decodeTimeout;
  private final HardwareDecode hardware;
  private final int decoderThreads;

  private DecoderSettings(Builder b) {
    this.width = b.width;
    this.height = b.height;
    this.sampling = b.sampling;
    this.maxFrames = b.maxFrames;
    this.maxPayloadBytes = b.maxPayloadBytes;
    this.maxDecodedFrames = b.maxDecodedFrames;
    this.aspect = b.aspect;
    this.maxPixels = b.maxPixels;
    this.decodeTimeout = b.decodeTimeout;
    this.hardware = b.hardware;
    this.decoderThreads = b.decoderThreads;
  }

  /**
   * 224x224 stretched, key frames, at most 8 frames, 64 MiB payloads, 2000 frames read, 4096x2304
   * pixels, 10 s per segment, CPU decoding on one thread.
   */
  public static DecoderSettings defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .width(width)
        .height(height)
        .sampling(sampling)
        .maxFrames(maxFrames)
        .maxPayloadBytes(maxPayloadBytes)
        .maxDecodedFrames(maxDecodedFrames)
        .aspect(aspect)
        .maxPixels(maxPixels)
        .decodeTimeout(decodeTimeout)
        .hardware(hardware)
        .decoderThreads(decoderThreads);
  }

  /** Output frame width in pixels (the model's input width). */
  public int width() {
    return width;
  }

  /** Output frame height in pixels (the model's input height). */
  public int height() {
    return height;
  }

  public SamplingPolicy sampling() {
    return sampling;
  }

  /** At most this many sampled frames per segment. */
  public int maxFrames() {
    return maxFrames;
  }

  /**
   * Larger payloads (init segment included) fail with {@link DecodeErrorCode#PAYLOAD_TOO_LARGE}.
   */
  public long maxPayloadBytes() {
    return maxPayloadBytes;
  }

  /**
   * Frames read (decoded or skipped) before giving up with {@link DecodeErrorCode#TOO_MANY_FRAMES}.
   */
  public long maxDecodedFrames() {
    return maxDecodedFrames;
  }

  /** How the picture is fitted to the output size; {@link AspectMode#STRETCH} by default. */
  public AspectMode aspect() {
    return aspect;
  }

  /**
   * Largest picture (width x height of the coded video) decoded; larger ones fail with {@link
   * DecodeErrorCode#FRAME_TOO_LARGE} before the decoder allocates them.
   */
  public long maxPixels() {
    return maxPixels;
  }

  /**
   * Wall time one segment may take from open to the last frame; then it fails with {@link
   * DecodeErrorCode#DECODE_TIMEOUT}.
   */
  public Duration decodeTimeout() {
    return decodeTimeout;
  }

  /** GPU decoding; {@link HardwareDecode#NONE} by default. */
  public HardwareDecode hardware() {
    return hardware;
  }

  /**
   * Threads one decode may use inside FFmpeg; 1 by default, because parallelism comes from decoding
   * several segments at once.
   */
  public int decoderThreads() {
    return decoderThreads;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DecoderSettings s
        && width == s.width
        && height == s.height
        && sampling.equals(s.sampling)
        && maxFrames == s.maxFrames
        && maxPayloadBytes == s.maxPayloadBytes
        && maxDecodedFrames == s.maxDecodedFrames
        && aspect == s.aspect
        && maxPixels == s.maxPixels
        && decodeTimeout.equals(s.decodeTimeout)
        && hardware == s.hardware
        && decoderThreads == s.decoderThreads;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        width,
        height,
        sampling,
        maxFrames,
        maxPayloadBytes,
        maxDecodedFrames,
        aspect,
        maxPixels,
        decodeTimeout,
        hardware,
        decoderThreads);
  }

  @Override
  public String toString() {
    return "DecoderSettings{size="
        + width
        + "x"
        + height
        + ", sampling="
        + sampling
        + ", maxFrames="
        + maxFrames
        + ", maxPayloadBytes="
        + maxPayloadBytes
        + ", maxDecodedFrames="
        + maxDecodedFrames
        + ", aspect="
        + aspect
        + ", maxPixels="
        + maxPixels
        + ", decodeTimeout="
        + decodeTimeout
        + ", hardware="
        + hardware
        + ", decoderThreads="
        + decoderThreads
        + "}";
  }

  /** Mutable builder; not thread-safe. Starts from the defaults. */
  public static final class Builder {
    private int width = DEFAULT_WIDTH;
    private int height = DEFAULT_HEIGHT;
    private SamplingPolicy sampling = SamplingPolicy.keyframes();
    private int maxFrames = DEFAULT_MAX_FRAMES;
    private long maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
    private long maxDecodedFrames = DEFAULT_MAX_DECODED_FRAMES;
    private AspectMode aspect = AspectMode.STRETCH;
    private long maxPixels = DEFAULT_MAX_PIXELS;
    private Duration decodeTimeout = DEFAULT_DECODE_TIMEOUT;
    private HardwareDecode hardware = HardwareDecode.NONE;
    private int decoderThreads = 1;

    private Builder() {}

    public Builder width(int width) {
      this.width = width;
      return this;
    }

    public Builder height(int height) {
      this.height = height;
      return this;
    }

    /** Sets width and height together. */
    public Builder size(int width, int height) {
      return width(width).height(height);
    }

    public Builder sampling(SamplingPolicy sampling) {
      this.sampling = sampling;
      return this;
    }

    public Builder maxFrames(int maxFrames) {
      this.maxFrames = maxFrames;
      return this;
    }

    public Builder maxPayloadBytes(long maxPayloadBytes) {
      this.maxPayloadBytes = maxPayloadBytes;
      return this;
    }

    public Builder maxDecodedFrames(long maxDecodedFrames) {
      this.maxDecodedFrames = maxDecodedFrames;
      return this;
    }

    public Builder aspect(AspectMode aspect) {
      this.aspect = aspect;
      return this;
    }

    public Builder maxPixels(long maxPixels) {
      this.maxPixels = maxPixels;
      return this;
    }

    public Builder decodeTimeout(Duration decodeTimeout) {
      this.decodeTimeout = decodeTimeout;
      return this;
    }

    public Builder hardware(HardwareDecode hardware) {
      this.hardware = hardware;
      return this;
    }

    public Builder decoderThreads(int decoderThreads) {
      this.decoderThreads = decoderThreads;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first bad field and its value
     */
    public DecoderSettings build() {
      checkDimension("width", width);
      checkDimension("height", height);
      if (sampling == null) {
        throw new IllegalArgumentException("sampling must not be null");
      }
      if (maxFrames < 1) {
        throw new IllegalArgumentException("maxFrames must be >= 1, but was " + maxFrames);
      }
      long outputBytes = (long) width * height * 3 * maxFrames;
      if (outputBytes > MAX_ARRAY_BYTES) {
        throw new IllegalArgumentException(
            "maxFrames="
                + maxFrames
                + " at "
                + width
                + "x"
                + height
                + " RGB needs "
                + outputBytes
                + " bytes, more than one Java array holds ("
                + MAX_ARRAY_BYTES
                + ")");
      }
      if (maxPayloadBytes < 1 || maxPayloadBytes > MAX_ARRAY_BYTES) {
        throw new IllegalArgumentException(
            "maxPayloadBytes must be in [1, " + MAX_ARRAY_BYTES + "], but was " + maxPayloadBytes);
      }
      if (maxDecodedFrames < maxFrames) {
        throw new IllegalArgumentException(
            "maxDecodedFrames must be >= maxFrames ("
                + maxFrames
                + "), but was "
                + maxDecodedFrames);
      }
      if (aspect == null) {
        throw new IllegalArgumentException("aspect must not be null");
      }
      if (maxPixels < 1) {
        throw new IllegalArgumentException("maxPixels must be >= 1, but was " + maxPixels);
      }
      if (decodeTimeout == null
          || decodeTimeout.isNegative()
          || decodeTimeout.isZero()
          || decodeTimeout.compareTo(MAX_DECODE_TIMEOUT) > 0) {
        throw new IllegalArgumentException(
            "decodeTimeout must be in (0, " + MAX_DECODE_TIMEOUT + "], but was " + decodeTimeout);
      }
      if (hardware == null) {
        throw new IllegalArgumentException("hardware must not be null");
      }
      if (decoderThreads < 1 || decoderThreads > MAX_DECODER_THREADS) {
        throw new IllegalArgumentException(
            "decoderThreads must be in [1, "
                + MAX_DECODER_THREADS
                + "], but was "
                + decoderThreads);
      }
      return new DecoderSettings(this);
    }

    private static void checkDimension(String field, int value) {
      if (value < 1 || value > MAX_DIMENSION) {
        throw new IllegalArgumentException(
            field + " must be in [1, " + MAX_DIMENSION + "], but was " + value);
      }
    }
  }
}
