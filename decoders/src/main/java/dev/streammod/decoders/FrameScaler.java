package dev.streammod.decoders;

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
 * Turns decoded frames into packed RGB24 pictures of the output size: crops (for {@link
 * AspectMode#CENTER_CROP}), scales and converts in one swscale call, then places the result on the
 * canvas (padding for {@link AspectMode#LETTERBOX}) and turns it upright. One per decode; owns its
 * swscale context and native buffer until {@link #close()}.
 */
final class FrameScaler implements AutoCloseable {

  /** Row alignment of the native RGB buffer: lets swscale use its SIMD paths. */
  private static final int ALIGN = 64;

  private final int outputWidth;
  private final int outputHeight;
  private final AspectMode aspect;

  private SwsContext sws;
  private long colourKeyContext;
  private int colourKey = Integer.MIN_VALUE;
  private BytePointer rgb;
  private long rgbCapacity;
  private final PointerPointer<BytePointer> dstData = new PointerPointer<>(4);
  private final IntPointer dstStride = new IntPointer(4);
  private final PointerPointer<BytePointer> srcData = new PointerPointer<>(8);
  private final IntPointer srcStride = new IntPointer(8);
  private byte[] canvas;
  private boolean closed;

  FrameScaler(int outputWidth, int outputHeight, AspectMode aspect) {
    this.outputWidth = outputWidth;
    this.outputHeight = outputHeight;
    this.aspect = aspect;
  }

  /**
   * Scales {@code frame} (a software frame, which this call may crop in place) into a new array of
   * {@code outputWidth * outputHeight * 3} bytes.
   *
   * @return the picture, or null when swscale refused the frame (see {@link #lastError})
   */
  byte[] scale(AVFrame frame, Orientation orientation) {
    if (closed) {
      throw new IllegalStateException("FrameScaler used after close()");
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
        return null;
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
      return null;
    }
    applyColourDetails(frame);

    int stride = (g.contentWidth() * 3 + ALIGN - 1) / ALIGN * ALIGN;
    long needed = (long) stride * g.contentHeight() + ALIGN;
    if (rgb == null || rgbCapacity < needed) {
      freeRgb();
      rgb = new BytePointer(avutil.av_malloc(needed));
      if (rgb.isNull()) {
        rgb = null;
        lastError = "av_malloc(" + needed + ") failed";
        return null;
      }
      rgbCapacity = needed;
    }
    for (int i = 0; i < 8; i++) {
      srcData.put(i, frame.data(i));
      srcStride.put(i, frame.linesize(i));
    }
    dstData.put(0, rgb);
    dstStride.put(0, stride);
    int rows = swscale.sws_scale(sws, srcData, srcStride, 0, srcH, dstData, dstStride);
    if (rows <= 0) {
      lastError = "sws_scale() returned " + rows;
      return null;
    }

    byte[] out = new byte[outputWidth * outputHeight * 3];
    boolean upright = orientation == Orientation.IDENTITY;
    byte[] target;
    if (upright) {
      target = out;
    } else {
      int size = g.canvasWidth() * g.canvasHeight() * 3;
      if (canvas == null || canvas.length != size || !g.fillsCanvas()) {
        canvas = new byte[size]; // fresh, so letterbox bars are black
      }
      target = canvas;
    }
    int rowBytes = g.contentWidth() * 3;
    int canvasRow = g.canvasWidth() * 3;
    int base = g.offsetY() * canvasRow + g.offsetX() * 3;
    if (stride == rowBytes && canvasRow == rowBytes) {
      rgb.position(0).get(target, base, rowBytes * g.contentHeight());
    } else {
      for (int y = 0; y < g.contentHeight(); y++) {
        rgb.position((long) y * stride).get(target, base + y * canvasRow, rowBytes);
      }
    }
    rgb.position(0);
    if (!upright) {
      orientation.apply(canvas, g.canvasWidth(), g.canvasHeight(), out);
    }
    return out;
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

  private void freeRgb() {
    if (rgb != null) {
      avutil.av_free(rgb);
      rgb = null;
      rgbCapacity = 0;
    }
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
    freeRgb();
    dstData.close();
    dstStride.close();
    srcData.close();
    srcStride.close();
  }
}
