package dev.streammod.pipeline.moderation;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * How the deciding frame of a REVIEW or BLOCK segment becomes evidence: at most {@code
 * maxDimension} pixels on its longest side, at most {@code maxBytes} of JPEG, inline ({@code
 * directory} null) or written under {@code directory}.
 */
public record EvidenceSettings(int maxDimension, int maxBytes, Path directory) implements Serializable {
  public EvidenceSettings {
    if (maxDimension < 1 || maxBytes < 1) {
      throw new IllegalArgumentException(
          "maxDimension and maxBytes must be >= 1, got " + maxDimension + " and " + maxBytes);
    }
  }

  /**
   * The thumbnail's size for a coded picture of {@code width} x {@code height} shown turned by
   * {@code rotationDegrees}: the displayed shape, kept.
   */
  public int[] thumbnailSize(int width, int height, int rotationDegrees) {
    boolean quarterTurn = rotationDegrees % 180 != 0;
    return thumbnailSize(quarterTurn ? height : width, quarterTurn ? width : height);
  }

  /** The thumbnail's size for a picture of {@code width} x {@code height}, its shape kept. */
  public int[] thumbnailSize(int width, int height) {
    if (width <= 0 || height <= 0) {
      return new int[] {maxDimension, maxDimension};
    }
    double scale = Math.min(1.0, (double) maxDimension / Math.max(width, height));
    return new int[] {
      Math.max(2, (int) Math.round(width * scale) & ~1), Math.max(2, (int) Math.round(height * scale) & ~1)
    };
  }
}
