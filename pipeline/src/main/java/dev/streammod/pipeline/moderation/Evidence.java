package dev.streammod.pipeline.moderation;

import dev.streammod.models.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Objects;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The frame that decided a REVIEW or BLOCK segment, for a reviewer: a JPEG thumbnail inline ({@code
 * jpeg}), or the URI where it was written ({@code uri}); or why there is none ({@code error}).
 */
public record Evidence(byte[] jpeg, String uri, int width, int height, long frameMs, String error) {

  public static Evidence failed(String error) {
    return new Evidence(null, null, 0, 0, -1, Objects.requireNonNull(error, "error"));
  }

  /** JPEG qualities tried, best first, until the thumbnail fits the byte budget. */
  private static final float[] QUALITIES = {0.85f, 0.7f, 0.55f, 0.4f, 0.25f};

  /**
   * Encodes packed RGB24 pixels as the smallest-quality-loss JPEG that fits {@code maxBytes}, and
   * stores it inline or under {@code settings.directory()} as {@code <stream>/<sequence>.jpg}.
   */
  public static Evidence of(
      byte[] rgb, int offset, int width, int height, long frameMs, EvidenceSettings settings, SegmentResult.SegmentId id) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < width * height; i++) {
      int s = offset + 3 * i;
      bgr[3 * i] = rgb[s + 2];
      bgr[3 * i + 1] = rgb[s + 1];
      bgr[3 * i + 2] = rgb[s];
    }
    byte[] jpeg = null;
    try {
      for (float q : QUALITIES) {
        byte[] candidate = encode(image, q);
        if (candidate.length <= settings.maxBytes()) {
          jpeg = candidate;
          break;
        }
      }
    } catch (IOException e) {
      return failed("encoding the " + width + "x" + height + " thumbnail as JPEG failed: " + e.getMessage());
    }
    if (jpeg == null) {
      return failed(
          "a " + width + "x" + height + " JPEG does not fit evidence.max-bytes (" + settings.maxBytes() + ") even at quality 0.25");
    }
    if (settings.directory() == null) {
      return new Evidence(jpeg, null, width, height, frameMs, null);
    }
    Path file =
        settings
            .directory()
            .resolve("s-" + URLEncoder.encode(id.streamId(), StandardCharsets.UTF_8))
            .resolve(id.sequence() + ".jpg");
    try {
      AtomicFiles.write(file, jpeg);
    } catch (IOException e) {
      return failed("writing evidence to " + file + " failed: " + e);
    }
    return new Evidence(null, file.toUri().toString(), width, height, frameMs, null);
  }

  private static byte[] encode(BufferedImage image, float quality) throws IOException {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    if (!writers.hasNext()) {
      throw new IOException("this JVM has no JPEG writer");
    }
    ImageWriter writer = writers.next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(stream);
      ImageWriteParam p = writer.getDefaultWriteParam();
      p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      p.setCompressionQuality(quality);
      writer.write(null, new IIOImage(image, null, null), p);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Evidence e
        && Arrays.equals(jpeg, e.jpeg)
        && Objects.equals(uri, e.uri)
        && width == e.width
        && height == e.height
        && frameMs == e.frameMs
        && Objects.equals(error, e.error);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(jpeg), uri, width, height, frameMs, error);
  }

  @Override
  public String toString() {
    return error != null
        ? "no evidence: " + error
        : width + "x" + height + " @" + frameMs + "ms " + (jpeg != null ? jpeg.length + " bytes inline" : uri);
  }
}
