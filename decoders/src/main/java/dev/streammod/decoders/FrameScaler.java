package dev.streammod.decoders;

import java.util.Arrays;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Turns the kept frames of one decode into one packed RGB24 array of the output size: crops (for
 * {@link AspectMode#CENTER_CROP}), scales and converts each frame in one swscale call into its own
 * slot of a native buffer sized from the frame cap, and at the end copies every slot once into its
 * place in the result, padding ({@link AspectMode#LETTERBOX}) and turning it upright on the way.
 * Holding the pictures natively until the count is known lets the result be allocated at its exact
 * size, so no frame is copied twice. One per decode; owns its swscale context and native buffer
 * until {@link #close()}.
 */
final class FrameScaler implements AutoCloseable {

  /** Row alignment of the native RGB slots: lets swscale use its SIMD paths. */
  private static final int ALIGN = 64;

  private final int outputWidth;
  private final int outputHeight;
  private final AspectMode aspect;
  private final Orientation orientation;
  private final int capacity;
  private final int canvasWidth;
  private final int canvasHeight;
  private final int stride;
  private final long slotBytes;
  private final FrameGeometry[] placed;
  private int count;

  private SwsContext sws;
  private long colourKeyContext;
  private int colourKey = Integer.MIN_VALUE;
  private BytePointer pictures;
  private BytePointer slot;
  private final PointerPointer<BytePointer> dstData = new PointerPointer<>(4);
  private final IntPointer dstStride = new IntPointer(4);
  private final PointerPointer<BytePointer> srcData = new PointerPointer<>(8);
  private final IntPointer srcStride = new IntPointer(8);
  private boolean closed;

  /**
   * @param orientation the turn applied to every frame of this decode
   * @param capacity the most frames {@link #scale} will be given (the decode's frame cap)
   */
  FrameScaler(
      int outputWidth, int outputHeight, AspectMode aspect, Orientation orientation, int capacity) {
    this.outputWidth = outputWidth;
    this.outputHeight = outputHeight;
    this.aspect = aspect;
    this.orientation = orientation;
    this.capacity = capacity;
    // The canvas is the output before it is turned upright; the content never exceeds it.
    this.canvasWidth = orientation.swapsAxes() ? outputHeight : outputWidth;
    this.canvasHeight = orientation.swapsAxes() ? outputWidth : outputHeight;
    this.stride = (canvasWidth * 3 + ALIGN - 1) / ALIGN * ALIGN;
    this.slotBytes = (long) stride * canvasHeight;
    this.placed = new FrameGeometry[capacity];
  }

  /** Frames scaled so far. */
  int count() {
    return count;
  }

  /**
   * Scales {@code frame} (a software frame, which this call may crop in place) into the next slot.
   *
   * @return false when swscale refused the frame (see {@link #lastError})
   * @throws IllegalStateException after {@link #close()}, or when all {@code capacity} slots are
   *     used
   */
  boolean scale(AVFrame frame) {
    if (closed) {
      throw new IllegalStateException("FrameScaler used after close()");
    }
    if (count == capacity) {
      throw new IllegalStateException("FrameScaler holds its capacity of " + capacity + " frames");
    }
    AVRational sar = frame.sample_aspect_ratio();
    double sampleAspect = sar.num() > 0 && sar.den() > 0 ? (double) sar.num() / sar.den() : 1.0;
    FrameGeometry g =
        FrameGeometry.of(
            frame.width(),
            frame.height(),
            sampleAspect,
            outputWidth,
            outputHeight,
            aspect,
            orientation.swapsAxes());
    if (g.cropWidth() != frame.width() || g.cropHeight() != frame.height()) {
      frame.crop_left(g.cropLeft());
      frame.crop_top(g.cropTop());
      frame.crop_right(frame.width() - g.cropLeft() - g.cropWidth());
      frame.crop_bottom(frame.height() - g.cropTop() - g.cropHeight());
      int ret = avutil.av_frame_apply_cropping(frame, avutil.AV_FRAME_CROP_UNALIGNED);
      if (ret < 0) {
        lastError = "av_frame_apply_cropping() returned " + Ffmpeg.errorString(ret);
        return false;
      }
    }
    int srcW = frame.width();
    int srcH = frame.height();
    int format = frame.format();
    sws =
        swscale.sws_getCachedContext(
            sws,
            srcW,
            srcH,
            format,
            g.contentWidth(),
            g.contentHeight(),
            avutil.AV_PIX_FMT_RGB24,
            swscale.SWS_BILINEAR,
            null,
            null,
            (DoublePointer) null);
    if (sws == null || sws.isNull()) {
      sws = null;
      lastError =
          "sws_getCachedContext() refused "
              + srcW
              + "x"
              + srcH
              + " "
              + Ffmpeg.pixelFormatName(format)
              + " -> "
              + g.contentWidth()
              + "x"
              + g.contentHeight()
              + " rgb24";
      return false;
    }
    applyColourDetails(frame);

    if (pictures == null) {
      // Uninitialised: only the slots that frames land in are touched. The slack after the last
      // slot takes swscale's vector stores past the end of a row.
      long bytes = capacity * slotBytes + ALIGN;
      pictures = new BytePointer(avutil.av_malloc(bytes));
      if (pictures.isNull()) {
        pictures = null;
        lastError = "av_malloc(" + bytes + ") failed";
        return false;
      }
      slot = new BytePointer(pictures);
    }
    for (int i = 0; i < 8; i++) {
      srcData.put(i, frame.data(i));
      srcStride.put(i, frame.linesize(i));
    }
    dstData.put(0, slot.position(count * slotBytes));
    dstStride.put(0, stride);
    int rows = swscale.sws_scale(sws, srcData, srcStride, 0, srcH, dstData, dstStride);
    if (rows <= 0) {
      lastError = "sws_scale() returned " + rows;
      return false;
    }
    placed[count++] = g;
    return true;
  }

  /**
   * The scaled frames, upright, in a new array of {@code count * outputHeight * outputWidth * 3}
   * bytes that nothing else refers to: each slot is copied once into its place.
   */
  byte[] rgb() {
    if (closed) {
      throw new IllegalStateException("FrameScaler used after close()");
    }
    int frameBytes = outputWidth * outputHeight * 3;
    byte[] out = new byte[count * frameBytes]; // zeroed: letterbox bars are black
    byte[] canvas = orientation == Orientation.IDENTITY ? null : new byte[frameBytes];
    for (int i = 0; i < count; i++) {
      FrameGeometry g = placed[i];
      if (canvas == null) {
        place(i, g, out, i * frameBytes);
      } else {
        if (i > 0 && !g.fillsCanvas() && !g.equals(placed[i - 1])) {
          Arrays.fill(canvas, (byte) 0); // a resized picture: bars where the last one's content was
        }
        place(i, g, canvas, 0);
        orientation.apply(canvas, canvasWidth, canvasHeight, out, i * frameBytes);
      }
    }
    return out;
  }

  /** Copies the content of slot {@code index} onto a canvas that starts at {@code offset}. */
  private void place(int index, FrameGeometry g, byte[] target, int offset) {
    long first = index * slotBytes;
    int rowBytes = g.contentWidth() * 3;
    int canvasRow = canvasWidth * 3;
    int base = offset + g.offsetY() * canvasRow + g.offsetX() * 3;
    if (stride == rowBytes && canvasRow == rowBytes) {
      slot.position(first).get(target, base, rowBytes * g.contentHeight());
    } else {
      for (int y = 0; y < g.contentHeight(); y++) {
        slot.position(first + (long) y * stride).get(target, base + y * canvasRow, rowBytes);
      }
    }
  }

  private String lastError = "";

  /** Why the last {@link #scale} returned null. */
  String lastError() {
    return lastError;
  }

  /**
   * The YUV matrix and range of the frame, as the ffmpeg scale filter takes them from frame
   * properties: BT.709 HD streams would otherwise be converted with BT.601 coefficients.
   */
  private void applyColourDetails(AVFrame frame) {
    int space = frame.colorspace();
    boolean full = frame.color_range() == avutil.AVCOL_RANGE_JPEG;
    int key = space * 2 + (full ? 1 : 0);
    if (sws.address() == colourKeyContext && key == colourKey) {
      return;
    }
    colourKeyContext = sws.address();
    colourKey = key;
    if (space == avutil.AVCOL_SPC_UNSPECIFIED && !full) {
      return; // swscale's defaults (BT.601, and full range for the yuvj formats)
    }
    int swsSpace = space == avutil.AVCOL_SPC_UNSPECIFIED ? swscale.SWS_CS_DEFAULT : space;
    IntPointer table = swscale.sws_getCoefficients(swsSpace);
    IntPointer rgbTable = swscale.sws_getCoefficients(swscale.SWS_CS_DEFAULT);
    // Not for RGB input: there swscale answers -1 and keeps its defaults, which is right.
    swscale.sws_setColorspaceDetails(sws, table, full ? 1 : 0, rgbTable, 1, 0, 1 << 16, 1 << 16);
  }

  /** Frees the swscale context and the native buffer; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (sws != null) {
      swscale.sws_freeContext(sws);
      sws = null;
    }
    if (pictures != null) {
      avutil.av_free(pictures);
      pictures = null;
      slot = null;
    }
    dstData.close();
    dstStride.close();
    srcData.close();
    srcStride.close();
  }
}
