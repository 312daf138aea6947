package dev.streammod.models.convert;

import dev.streammod.models.ModelArtifact;
import dev.streammod.models.ModelConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * nsfwjs's MobileNetV2 ({@link NsfwjsModel#MOBILENET_V2}) in static INT8 (QDQ), calibrated on
 * {@link CalibrationImages}, bundled as its own model with the float model's config under its own
 * name.
 */
public final class NsfwjsMobileNetV2Int8 {
  public static final String NAME = "nsfw-mobilenet-v2-int8";
  public static final String VERSION = "1";

  /** Beside the INT8 model: the images it was calibrated on and held out from, with licences. */
  public static final String CALIBRATION_MANIFEST = "calibration-images.tsv";

  private static final NsfwjsModel FLOAT = NsfwjsModel.MOBILENET_V2;

  /**
   * Tensors the INT8 model keeps in float: the input, the stem convolution's output and the first
   * inverted-residual block (112x112). Quantising them moved the probabilities most (max |p_int8 -
   * p_fp32| over the held-out and parity images 0.23 with them, 0.07 without); the four float
   * convolutions cost little of the speed.
   */
  static final Set<String> FLOAT_STEM =
      Set.of(
          "images/nchw", "Conv1_relu", "expanded_conv_depthwise_relu", "expanded_conv_project_BN");

  private NsfwjsMobileNetV2Int8() {}

  /** The INT8 model's config: the float model's, under its own name. */
  public static ModelConfig config() {
    return FLOAT.config().toBuilder().name(NAME).version(VERSION).build();
  }

  /**
   * The INT8 model: activation ranges measured on the calibration frames ({@code frames} packed
   * RGB24 224x224 frames in {@code rgb}) by the float model, then the QDQ graph.
   */
  public static byte[] onnx(TfjsLayersModel model, byte[] rgb, int frames) {
    KerasToOnnx.CalibrationGraph graph =
        KerasToOnnx.calibrationGraph(
            model, FLOAT.options(NAME, "", KerasToOnnx.WeightStorage.FLOAT32));
    Map<String, KerasToOnnx.Range> ranges =
        new LinkedHashMap<>(Calibrator.ranges(graph, config(), rgb, frames));
    ranges.keySet().removeAll(FLOAT_STEM);
    return KerasToOnnx.convertQuantised(
        model,
        FLOAT.options(
            NAME,
            " Static INT8 (QDQ): uint8 activations calibrated (min/max) on "
                + frames
                + " public-domain and CC0 images, int8 weights per output channel; the stem,"
                + " the first block and the dense head in float.",
            KerasToOnnx.WeightStorage.FLOAT32),
        ranges);
  }

  /**
   * Writes {@code <root>/nsfw-mobilenet-v2-int8/1/{model.onnx,config.yaml,calibration-images.tsv}}:
   * the model converted from the tarball and calibrated on the calibration images.
   */
  public static ModelArtifact writeTo(
      Path repositoryRoot, Path tarball, List<CalibrationImages.Image> images) {
    List<CalibrationImages.Image> calibration =
        CalibrationImages.of(CalibrationImages.Role.CALIBRATION, images);
    byte[] rgb = Calibrator.frames(calibration, FLOAT.size());
    ModelArtifact a =
        NsfwjsModel.write(
            repositoryRoot, config(), onnx(FLOAT.read(tarball), rgb, calibration.size()));
    Path manifest = a.modelFile().resolveSibling(CALIBRATION_MANIFEST);
    NsfwjsModel.writeIfChanged(
        manifest, CalibrationImages.manifest(images).getBytes(StandardCharsets.UTF_8));
    return a;
  }
}
