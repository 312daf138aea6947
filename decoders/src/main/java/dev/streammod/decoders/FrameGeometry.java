package dev.streammod.decoders;

/**
 * Where a decoded picture goes in the output, for one {@link AspectMode}: which part of the coded
 * picture is used ({@code crop*}), the size swscale scales it to ({@code content*}), and where that
 * lands on the canvas. The canvas is the output in the coded picture's orientation: the output size
 * itself, or its transpose when the picture is turned by 90 or 270 degrees afterwards.
 */
record FrameGeometry(
    int cropLeft,
    int cropTop,
    int cropWidth,
    int cropHeight,
    int contentWidth,
    int contentHeight,
    int offsetX,
    int offsetY,
    int canvasWidth,
    int canvasHeight) {

  /**
   * @param sourceWidth coded width, >= 1
   * @param sourceHeight coded height, >= 1
   * @param sampleAspect width of one coded pixel over its height (1 for square pixels)
   * @param outputWidth upright output width
   * @param outputHeight upright output height
   * @param swapAxes whether the picture is turned by 90 or 270 degrees after scaling
   */
  static FrameGeometry of(
      int sourceWidth,
      int sourceHeight,
      double sampleAspect,
      int outputWidth,
      int outputHeight,
      AspectMode aspect,
      boolean swapAxes) {
    int canvasW = swapAxes ? outputHeight : outputWidth;
    int canvasH = swapAxes ? outputWidth : outputHeight;
    double sar = sampleAspect > 0 && Double.isFinite(sampleAspect) ? sampleAspect : 1.0;
    double displayW = sourceWidth * sar;
    double displayH = sourceHeight;
    switch (aspect) {
      case LETTERBOX -> {
        double scale = Math.min(canvasW / displayW, canvasH / displayH);
        int w = clamp((int) Math.round(displayW * scale), canvasW);
        int h = clamp((int) Math.round(displayH * scale), canvasH);
        return new FrameGeometry(
            0, 0, sourceWidth, sourceHeight, w, h, (canvasW - w) / 2, (canvasH - h) / 2, canvasW,
            canvasH);
      }
      case CENTER_CROP -> {
        double scale = Math.max(canvasW / displayW, canvasH / displayH);
        int w = clamp((int) Math.round(canvasW / scale / sar), sourceWidth);
        int h = clamp((int) Math.round(canvasH / scale), sourceHeight);
        // Even offsets keep chroma planes of subsampled formats aligned with luma.
        int left = ((sourceWidth - w) / 2) & ~1;
        int top = ((sourceHeight - h) / 2) & ~1;
        return new FrameGeometry(left, top, w, h, canvasW, canvasH, 0, 0, canvasW, canvasH);
      }
      default -> {
        return new FrameGeometry(
            0, 0, sourceWidth, sourceHeight, canvasW, canvasH, 0, 0, canvasW, canvasH);
      }
    }
  }

  /** Whether the content covers the whole canvas. */
  boolean fillsCanvas() {
    return contentWidth == canvasWidth && contentHeight == canvasHeight;
  }

  private static int clamp(int v, int max) {
    return Math.max(1, Math.min(max, v));
  }
}
