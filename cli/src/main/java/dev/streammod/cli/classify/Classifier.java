package dev.streammod.cli.classify;

import dev.streammod.decoders.DecodeFailure;
import dev.streammod.decoders.DecodeResult;
import dev.streammod.decoders.DecodedFrames;
import dev.streammod.decoders.DecoderSettings;
import dev.streammod.decoders.SamplingPolicy;
import dev.streammod.decoders.SegmentDecoder;
import dev.streammod.models.InferenceEngine;
import dev.streammod.models.ModelConfig;
import dev.streammod.connectors.avro.Decision;
import dev.streammod.models.io.AtomicFiles;
import dev.streammod.pipeline.moderation.Cascade;
import dev.streammod.pipeline.moderation.Evidence;
import dev.streammod.pipeline.moderation.EvidenceSettings;
import dev.streammod.pipeline.moderation.SecondOpinion;
import dev.streammod.pipeline.moderation.SegmentResult;
import dev.streammod.pipeline.moderation.SegmentResult.ModelRef;
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
      String errorMessage,
      SecondOpinion second,
      Evidence evidence) {
    public boolean failed() {
      return errorCode != null;
    }

    /** The decision: the second opinion's when there is one, else the first model's rules'. */
    public Decision decision() {
      return second != null ? second.decision() : outcome.decision();
    }
  }

  /** A second model for a cascade, with what it needs to see the flagged frames. */
  public record SecondModel(InferenceEngine engine, Cascade.Mode mode, Policy policy) {}

  private final InferenceEngine engine;
  private final ModelConfig model;
  private final SegmentDecoder decoder;
  private final SegmentScores.Scoring scoring;
  private final InferenceEngine secondEngine;
  private final Cascade cascade;
  private final SegmentDecoder secondDecoder;
  private final EvidenceSettings evidence;

  public Classifier(InferenceEngine engine, Policy policy, SamplingPolicy sampling, int maxFrames) {
    this(engine, policy, sampling, maxFrames, null, null);
  }

  /**
   * @param second a second opinion on flagged frames; null for none
   * @param evidence where REVIEW and BLOCK files' deciding frames are written as JPEG thumbnails
   *     ({@code <directory>/<file name>.jpg}); null for none
   */
  public Classifier(
      InferenceEngine engine,
      Policy policy,
      SamplingPolicy sampling,
      int maxFrames,
      SecondModel second,
      EvidenceSettings evidence) {
    this.engine = engine;
    this.model = engine.config();
    this.scoring = new SegmentScores.Scoring(model.name(), model.labels(), policy);
    this.evidence = evidence;
    if (second == null) {
      this.secondEngine = null;
      this.cascade = null;
      this.secondDecoder = null;
    } else {
      ModelConfig c = second.engine().config();
      this.secondEngine = second.engine();
      this.cascade =
          new Cascade(
              second.mode(),
              policy.bind(model.labels(), model.name()),
              new ModelRef(c.name(), c.version()),
              c.labels(),
              second.policy());
      this.secondDecoder =
          new SegmentDecoder(
              DecoderSettings.builder().width(c.width()).height(c.height()).sampling(sampling).maxFrames(maxFrames).build());
    }
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
    BufferedImage source = image;
    return scored(
        file,
        "image",
        rgb,
        1,
        new long[] {0},
        (flagged, w, h) -> rgbAtModelSize(source, w, h), // one frame: the flagged frame is frame 0
        frame -> {
          int[] size = evidence.thumbnailSize(source.getWidth(), source.getHeight());
          return Evidence.of(rgbAtModelSize(source, size[0], size[1]), 0, size[0], size[1], 0, inline(), id(file));
        });
  }

  private Result classifyVideo(Path file, byte[] bytes) {
    DecodeResult r = decoder.decode(bytes, null);
    if (r instanceof DecodeFailure f) {
      return error(file, "video", f.code().name(), f.message());
    }
    DecodedFrames frames = (DecodedFrames) r;
    long[] micros = java.util.Arrays.copyOf(frames.timestampsMicros(), frames.count());
    return scored(
        file,
        "video",
        frames.rgb(),
        frames.count(),
        micros,
        (flagged, w, h) -> {
          DecodeResult again = secondDecoder.decode(bytes, null);
          if (!(again instanceof DecodedFrames af) || af.count() != frames.count()) {
            throw new IllegalStateException("decoding " + file + " again at " + w + "x" + h + " did not give the same frames");
          }
          int fb = af.frameBytes();
          byte[] rgb = new byte[flagged.length * fb];
          for (int i = 0; i < flagged.length; i++) {
            System.arraycopy(af.rgb(), af.frameOffset(flagged[i]), rgb, i * fb, fb);
          }
          return rgb;
        },
        frame -> {
          int[] size = evidence.thumbnailSize(frames.sourceWidth(), frames.sourceHeight(), frames.rotationDegrees());
          SegmentDecoder thumbs = new SegmentDecoder(decoder.settings().toBuilder().size(size[0], size[1]).build());
          DecodeResult again = thumbs.decode(bytes, null);
          if (!(again instanceof DecodedFrames tf) || frame >= tf.count()) {
            return Evidence.failed("decoding " + file + " again for its thumbnail did not give frame " + frame);
          }
          return Evidence.of(
              tf.rgb(), tf.frameOffset(frame), tf.width(), tf.height(), tf.timestampMicros(frame) / 1000, inline(), id(file));
        });
  }

  /** The flagged frames' pixels at the second model's size, packed. */
  private interface SecondFrames {
    byte[] at(int[] flagged, int width, int height);
  }

  /** The deciding frame as evidence. */
  private interface Thumbnail {
    Evidence of(int frame);
  }

  private EvidenceSettings inline() {
    return new EvidenceSettings(evidence.maxDimension(), evidence.maxBytes(), null);
  }

  private static SegmentResult.SegmentId id(Path file) {
    return new SegmentResult.SegmentId(file.getFileName().toString(), 0, null, -1, -1, 0);
  }

  private Result scored(
      Path file, String kind, byte[] rgb, int count, long[] timestampsMicros, SecondFrames secondFrames, Thumbnail thumbnail) {
    float[][] perFrame;
    try {
      perFrame = engine.infer(rgb, 0, count);
    } catch (RuntimeException e) {
      return error(file, kind, "INFERENCE_FAILED", e.getMessage());
    }
    SegmentScores scores = scoring.score(perFrame, timestampsMicros);
    SecondOpinion second = null;
    if (cascade != null && scores.decision() != Decision.ALLOW) {
      long start = System.nanoTime();
      int[] flagged = cascade.flagged(perFrame);
      try {
        ModelConfig c = secondEngine.config();
        float[][] answers = secondEngine.infer(secondFrames.at(flagged, c.width(), c.height()), 0, flagged.length);
        second = cascade.combine(perFrame, flagged, answers, (System.nanoTime() - start) / 1e6);
      } catch (RuntimeException e) {
        second = cascade.unavailable(scores.decision(), flagged.length, e.getMessage(), (System.nanoTime() - start) / 1e6);
      }
    }
    Decision decision = second != null ? second.decision() : scores.decision();
    Evidence e = null;
    if (evidence != null && decision != Decision.ALLOW) {
      int frame = second != null && second.frame() >= 0 ? second.frame() : scores.worstFrame();
      e = thumbnail.of(frame);
      if (e.jpeg() != null) {
        Path out = evidence.directory().resolve(file.getFileName() + ".jpg");
        try {
          AtomicFiles.write(out, e.jpeg());
          e = new Evidence(null, out.toUri().toString(), e.width(), e.height(), e.frameMs(), null);
        } catch (IOException ex) {
          e = Evidence.failed("writing " + out + " failed: " + ex);
        }
      }
    }
    return new Result(
        file, kind, count, toMillis(timestampsMicros), scores.asMap(), scores.topLabel(), scores.topScore(),
        scores.worstFrameOffsetMs(), scores.outcome(), null, null, second, e);
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
    return new Result(file, kind, 0, new long[0], Map.of(), null, 0f, -1, null, code, message, null, null);
  }
}
