package dev.streammod.cli.classify;

import dev.streammod.decoders.DecodeFailure;
import dev.streammod.decoders.DecodeResult;
import dev.streammod.decoders.DecodedFrames;
import dev.streammod.decoders.DecoderSettings;
import dev.streammod.decoders.SamplingPolicy;
import dev.streammod.decoders.SegmentDecoder;
import dev.streammod.models.InferenceEngine;
import dev.streammod.models.ModelConfig;
import dev.streammod.pipeline.moderation.SegmentScores;
import dev.streammod.pipeline.policy.Policy;
import dev.streammod.pipeline.policy.PolicyOutcome;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * Classifies single files: images (PNG, JPEG, anything ImageIO reads) and video segments or files
 * (anything the bundled FFmpeg reads). Images already at the model's size go in untouched; others
 * are resized bilinearly. Video is sampled like the job samples segments.
 */
public final class Classifier {
  private static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

  /** The outcome for one file: scores and decision, or an error. */
  public record Result(
      Path file,
      String kind,
      int framesSampled,
      long[] timestampsMs,
      Map<String, Float> scores,
      String topLabel,
      float topScore,
      long worstFrameMs,
      PolicyOutcome outcome,
      String errorCode,
      String errorMessage) {
    public boolean failed() {
      return errorCode != null;
    }
  }

  private final InferenceEngine engine;
  private final ModelConfig model;
  private final SegmentDecoder decoder;
  private final SegmentScores.Scoring scoring;

  public Classifier(InferenceEngine engine, Policy policy, SamplingPolicy sampling, int maxFrames) {
    this.engine = engine;
    this.model = engine.config();
    this.scoring = new SegmentScores.Scoring(model.name(), model.labels(), policy);
    this.decoder =
        new SegmentDecoder(
            DecoderSettings.builder()
                .width(model.width())
                .height(model.height())
                .sampling(sampling)
                .maxFrames(maxFrames)
                .build());
  }

  public Result classify(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      return error(file, "unknown", "READ_FAILED", "cannot read " + file + ": " + e.getMessage());
    }
    if (looksLikeImage(file)) {
      return classifyImage(file, bytes);
    }
    return classifyVideo(file, bytes);
  }

  private static boolean looksLikeImage(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    int dot = name.lastIndexOf('.');
    return dot >= 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1));
  }

  private Result classifyImage(Path file, byte[] bytes) {
    BufferedImage image;
    try {
      image = ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException e) {
      image = null;
    }
    if (image == null) {
      return error(file, "image", "UNREADABLE_IMAGE", file + " is not an image ImageIO can read (PNG, JPEG, BMP, GIF)");
    }
    byte[] rgb = rgbAtModelSize(image, model.width(), model.height());
    return scored(file, "image", rgb, 1, new long[] {0});
  }

  private Result classifyVideo(Path file, byte[] bytes) {
    DecodeResult r = decoder.decode(bytes, null);
    if (r instanceof DecodeFailure f) {
      return error(file, "video", f.code().name(), f.message());
    }
    DecodedFrames frames = (DecodedFrames) r;
    long[] micros = java.util.Arrays.copyOf(frames.timestampsMicros(), frames.count());
    return scored(file, "video", frames.rgb(), frames.count(), micros);
  }

  private Result scored(Path file, String kind, byte[] rgb, int count, long[] timestampsMicros) {
    float[][] perFrame;
    try {
      perFrame = engine.infer(rgb, 0, count);
    } catch (RuntimeException e) {
      return error(file, kind, "INFERENCE_FAILED", e.getMessage());
    }
    SegmentScores scores = scoring.score(perFrame, timestampsMicros);
    return new Result(
        file, kind, count, toMillis(timestampsMicros), scores.asMap(), scores.topLabel(), scores.topScore(),
        scores.worstFrameOffsetMs(), scores.outcome(), null, null);
  }

  private static long[] toMillis(long[] micros) {
    long[] ms = new long[micros.length];
    for (int i = 0; i < micros.length; i++) {
      ms[i] = micros[i] / 1000;
    }
    return ms;
  }

  /**
   * Packed RGB24 at the model's size. An image already at that size is copied pixel for pixel, so
   * the model sees exactly its bytes; others are resized with bilinear interpolation.
   */
  static byte[] rgbAtModelSize(BufferedImage image, int width, int height) {
    BufferedImage src = image;
    if (image.getWidth() != width || image.getHeight() != height) {
      BufferedImage scaled = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = scaled.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(image, 0, 0, width, height, null);
      g.dispose();
      src = scaled;
    }
    int[] argb = src.getRGB(0, 0, width, height, null, 0, width);
    byte[] rgb = new byte[width * height * 3];
    for (int i = 0; i < argb.length; i++) {
      int p = argb[i];
      rgb[3 * i] = (byte) (p >> 16);
      rgb[3 * i + 1] = (byte) (p >> 8);
      rgb[3 * i + 2] = (byte) p;
    }
    return rgb;
  }

  private Result error(Path file, String kind, String code, String message) {
    return new Result(file, kind, 0, new long[0], Map.of(), null, 0f, -1, null, code, message);
  }
}
