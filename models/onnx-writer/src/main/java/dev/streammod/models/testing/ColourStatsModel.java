package dev.streammod.models.testing;

import dev.streammod.models.onnx.OnnxWriter;
import dev.streammod.models.onnx.OnnxWriter.Attribute;
import dev.streammod.models.onnx.OnnxWriter.Dim;
import dev.streammod.models.onnx.OnnxWriter.ElementType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A tiny deterministic classifier for demos and tests: "red" when the frame's mean colour is
 * strongly red, "neutral" otherwise. With R, G, B the channel means in [0, 1]:
 *
 * <pre>
 * logit(red) - logit(neutral) = 20 * (R - 0.5 G - 0.5 B) - 6
 * </pre>
 *
 * so a saturated red frame (R 0.85, G and B 0.15) scores p(red) 0.9997, and grey, white, green,
 * blue or a varied colourful frame score below 0.01. Graph: ReduceMean over H and W, MatMul [3,2],
 * Add bias, Softmax; input "pixels" float [N,3,H,W], output "probabilities" [N,2].
 */
public final class ColourStatsModel {
  public static final String NAME = "colour-stats";
  public static final String VERSION = "1";
  public static final List<String> LABELS = List.of("neutral", "red");
  public static final String INPUT = "pixels";
  public static final String OUTPUT = "probabilities";

  // Column 0 is "neutral" (always 0), column 1 is "red".
  private static final float[] WEIGHTS = {0f, 20f, 0f, -10f, 0f, -10f};
  private static final float[] BIAS = {0f, -6f};

  private ColourStatsModel() {}

  /**
   * Writes {@code <root>/colour-stats/1/model.onnx} and {@code config.yaml} (the model
   * repository's layout and config format) for frames of the given size and returns the model
   * file. Idempotent: files already holding the same content are left alone, so concurrent callers
   * with the same size agree.
   */
  public static Path write(Path repositoryRoot, int width, int height) {
    Path dir = repositoryRoot.resolve(NAME).resolve(VERSION);
    Path modelFile = dir.resolve("model.onnx");
    Path configFile = dir.resolve("config.yaml");
    byte[] model = onnx(width, height);
    if (!sameBytes(modelFile, model)) {
      OnnxWriter.writeAtomically(modelFile, model);
    }
    byte[] config = configYaml(width, height).getBytes(StandardCharsets.UTF_8);
    if (!sameBytes(configFile, config)) {
      OnnxWriter.writeAtomically(configFile, config);
    }
    return modelFile;
  }

  /** The config written next to the model, in the model repository's {@code config.yaml} format. */
  public static String configYaml(int width, int height) {
    return String.join(
        "\n",
        "name: " + NAME,
        "version: \"" + VERSION + "\"",
        "inputName: " + INPUT,
        "outputName: " + OUTPUT,
        "layout: NCHW",
        "width: " + width,
        "height: " + height,
        "scale: " + (1f / 255f),
        "mean: [0.0, 0.0, 0.0]",
        "std: [1.0, 1.0, 1.0]",
        "labels: [" + String.join(", ", LABELS) + "]",
        "outputKind: PROBABILITIES",
        "");
  }

  /** The model's bytes, for frames of the given size. */
  public static byte[] onnx(int width, int height) {
    Dim n = Dim.param("N");
    return new OnnxWriter(NAME)
        .docString("p(red) = softmax(20 * (R - 0.5 G - 0.5 B) - 6) over channel means")
        .input(INPUT, ElementType.FLOAT, n, Dim.of(3), Dim.of(height), Dim.of(width))
        .initializer("weights", new long[] {3, 2}, WEIGHTS)
        .initializer("bias", new long[] {2}, BIAS)
        .node(
            "ReduceMean",
            List.of(INPUT),
            List.of("channel_means"),
            Attribute.ints("axes", 2, 3),
            Attribute.of("keepdims", 0L))
        .node("MatMul", List.of("channel_means", "weights"), List.of("weighted"))
        .node("Add", List.of("weighted", "bias"), List.of("logits"))
        .node("Softmax", List.of("logits"), List.of(OUTPUT), Attribute.of("axis", 1L))
        .output(OUTPUT, ElementType.FLOAT, n, Dim.of(2))
        .toByteArray();
  }

  /** The model's p(red) computed in plain Java from channel means in [0, 1]. */
  public static double redProbability(double r, double g, double b) {
    double margin = 20 * (r - 0.5 * g - 0.5 * b) - 6;
    return 1 / (1 + Math.exp(-margin));
  }

  private static boolean sameBytes(Path file, byte[] expected) {
    try {
      return Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), expected);
    } catch (IOException e) {
      return false;
    }
  }
}
