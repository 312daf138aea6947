package dev.streammod.decoders;

import java.util.Objects;

/**
 * Sampled frames of one segment, scaled to the model's input size.
 *
 * <p>{@link #rgb()} holds {@code count * height * width * 3} bytes: packed RGB24, row-major HWC per
 * frame, frames back to back. The array is allocated for this segment alone and handed over to the
 * caller: it is returned as is (no copy) and never reused by the decoder.
 */
public final class DecodedFrames implements DecodeResult {

  private final int count;
  private final int width;
  private final int height;
  private final long[] timestampsMicros;
  private final byte[] rgb;
  private final int framesRead;
  private final double decodeMillis;
  private final String container;
  private final String codec;
  private final int sourceWidth;
  private final int sourceHeight;
  private final int framesDecoded;
  private final int rotationDegrees;
  private final boolean hardwareDecoded;

  /**
   * Public so that callers can build fixtures without FFmpeg. Takes ownership of both arrays.
   *
   * @param framesDecoded frames the video decoder produced, kept or not (>= count)
   * @param rotationDegrees clockwise turn applied to make the frames upright: 0, 90, 180 or 270
   * @param hardwareDecoded whether a GPU decoded the frames
   * @throws IllegalArgumentException when the sizes do not agree or the rotation is not one of those
   */
  public DecodedFrames(
      int width,
      int height,
      long[] timestampsMicros,
      byte[] rgb,
      int framesRead,
      double decodeMillis,
      String container,
      String codec,
      int sourceWidth,
      int sourceHeight,
      int framesDecoded,
      int rotationDegrees,
      boolean hardwareDecoded) {
    Objects.requireNonNull(timestampsMicros, "timestampsMicros");
    if (rotationDegrees != 0
        && rotationDegrees != 90
        && rotationDegrees != 180
        && rotationDegrees != 270) {
      throw new IllegalArgumentException(
          "rotationDegrees must be 0, 90, 180 or 270, but was " + rotationDegrees);
    }
    Objects.requireNonNull(rgb, "rgb");
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "frame size must be positive, but was " + width + "x" + height);
    }
    if (timestampsMicros.length < 1) {
      throw new IllegalArgumentException(
          "at least one frame is required, but timestampsMicros is empty");
    }
    long expected = (long) timestampsMicros.length * height * width * 3;
    if (rgb.length != expected) {
      throw new IllegalArgumentException(
          "rgb must hold count*height*width*3 = "
              + timestampsMicros.length
              + "*"
              + height
              + "*"
              + width
              + "*3 = "
              + expected
              + " bytes, but has "
              + rgb.length);
    }
    this.count = timestampsMicros.length;
    this.width = width;
    this.height = height;
    this.timestampsMicros = timestampsMicros;
    this.rgb = rgb;
    this.framesRead = framesRead;
    this.decodeMillis = decodeMillis;
    this.container = Objects.requireNonNullElse(container, "");
    this.codec = Objects.requireNonNullElse(codec, "");
    this.sourceWidth = sourceWidth;
    this.sourceHeight = sourceHeight;
    this.framesDecoded = framesDecoded;
    this.rotationDegrees = rotationDegrees;
    this.hardwareDecoded = hardwareDecoded;
  }

  /** Number of sampled frames, at least 1. */
  public int count() {
    return count;
  }

  /** Output width: the settings' width. */
  public int width() {
    return width;
  }

  /** Output height: the settings' height. */
  public int height() {
    return height;
  }

  /**
   * Media timestamp of each sampled frame in microseconds, relative to the first decoded frame of
   * the segment (so the first is 0 when the segment starts with a key frame). A copy.
   */
  public long[] timestampsMicros() {
    return timestampsMicros.clone();
  }

  /** Timestamp of frame {@code index}, see {@link #timestampsMicros()}. */
  public long timestampMicros(int index) {
    return timestampsMicros[index];
  }

  /** Packed RGB24 frames, HWC, back to back. The caller's own array, not a copy. */
  public byte[] rgb() {
    return rgb;
  }

  /** Bytes per frame: {@code height * width * 3}. */
  public int frameBytes() {
    return height * width * 3;
  }

  /** Offset of frame {@code index} in {@link #rgb()}. */
  public int frameOffset(int index) {
    Objects.checkIndex(index, count);
    return index * frameBytes();
  }

  /**
   * Video packets (frames) the demuxer read, decoded or skipped, until the sample was complete or
   * the segment ended.
   */
  public int framesRead() {
    return framesRead;
  }

  /**
   * Frames the video decoder actually produced: with key-frame sampling only the key frames, with
   * fixed-rate sampling every frame read (of which only the kept ones are converted to RGB).
   */
  public int framesDecoded() {
    return framesDecoded;
  }

  /** Wall time of the whole decode call: demux, decode, scale, copy. */
  public double decodeMillis() {
    return decodeMillis;
  }

  /** FFmpeg demuxer name, e.g. {@code "mpegts"} or {@code "mov,mp4,m4a,3gp,3g2,mj2"}. */
  public String container() {
    return container;
  }

  /** FFmpeg decoder name, e.g. {@code "h264"}. */
  public String codec() {
    return codec;
  }

  /**
   * Clockwise turn (0, 90, 180, 270) applied so that the frames are upright, from the stream's
   * display matrix; a mirror image in the matrix is undone too but not reported here.
   */
  public int rotationDegrees() {
    return rotationDegrees;
  }

  /** Whether NVDEC decoded the frames (see {@link HardwareDecode}); false for the CPU decoders. */
  public boolean hardwareDecoded() {
    return hardwareDecoded;
  }

  /** Coded width of the source video before scaling (and before rotation). */
  public int sourceWidth() {
    return sourceWidth;
  }

  /** Coded height of the source video before scaling. */
  public int sourceHeight() {
    return sourceHeight;
  }

  @Override
  public String toString() {
    return "DecodedFrames{count="
        + count
        + ", size="
        + width
        + "x"
        + height
        + ", source="
        + sourceWidth
        + "x"
        + sourceHeight
        + ", container="
        + container
        + ", codec="
        + codec
        + (rotationDegrees != 0 ? ", rotated=" + rotationDegrees : "")
        + (hardwareDecoded ? ", hardware" : "")
        + ", framesRead="
        + framesRead
        + ", framesDecoded="
        + framesDecoded
        + ", decodeMillis="
        + String.format(java.util.Locale.ROOT, "%.2f", decodeMillis)
        + "}";
  }
}
