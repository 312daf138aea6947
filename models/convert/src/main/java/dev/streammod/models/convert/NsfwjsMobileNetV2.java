package dev.streammod.models.convert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streammod.models.ModelArtifact;
import dev.streammod.models.ModelConfig;
import dev.streammod.models.ModelRepository;
import dev.streammod.models.OutputKind;
import dev.streammod.models.TensorLayout;
import dev.streammod.models.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The moderation model we ship: the MobileNetV2 classifier of the npm package {@code nsfwjs} 4.4.0
 * (MIT), converted to ONNX. nsfwjs bundles the Keras model as JavaScript modules under {@code
 * dist/models/mobilenet_v2/}: {@code model.min.js} exports the topology and weights manifest as an
 * object literal, {@code group1-shard1of1.min.js} exports the uint8-quantised weights as a base64
 * string. Both are read straight from the package tarball.
 *
 * <p>nsfwjs feeds the model RGB / 255 in [0, 1], 224x224, NHWC, with no mean or std; the output is
 * softmax probabilities over {@link #LABELS}.
 */
public final class NsfwjsMobileNetV2 {
  public static final String NAME = "nsfw-mobilenet-v2";
  public static final String VERSION = "1";
  /** The same model in static INT8 (QDQ), calibrated on {@link CalibrationImages}. */
  public static final String INT8_NAME = "nsfw-mobilenet-v2-int8";

  public static final String INT8_VERSION = "1";
  /** Beside the INT8 model: the images it was calibrated on and held out from, with licences. */
  public static final String CALIBRATION_MANIFEST = "calibration-images.tsv";
  public static final List<String> LABELS = List.of("Drawing", "Hentai", "Neutral", "Porn", "Sexy");
  public static final String INPUT = "images";
  public static final String OUTPUT = "probabilities";
  public static final int SIZE = 224;

  /** The pinned package: exact version and the registry's integrity hash. */
  public static final NpmTarball PACKAGE =
      new NpmTarball(
          "nsfwjs",
          "4.4.0",
          "sha512-krC1fgeTLXtZwgdpKJ0jm7hqv0gTSRQQRL+FhOaxaJ9Wj92t42BO3csO2odwgTAgZgf2RvkwPtp0R8Aa7dc+MA==",
          "nsfwjs.tarball");

  static final String MODEL_DIR = "package/dist/models/mobilenet_v2/";
  static final String TOPOLOGY_FILE = MODEL_DIR + "model.min.js";

  private NsfwjsMobileNetV2() {}

  /** The model's config in our repository format. */
  public static ModelConfig config() {
    return ModelConfig.builder()
        .name(NAME)
        .version(VERSION)
        .inputName(INPUT)
        .outputName(OUTPUT)
        .layout(TensorLayout.NHWC)
        .width(SIZE)
        .height(SIZE)
        .scale(1f / 255f)
        .mean(0f, 0f, 0f)
        .std(1f, 1f, 1f)
        .labels(LABELS)
        .outputKind(OutputKind.PROBABILITIES)
        .build();
  }

  /** The INT8 model's config: the float model's, under its own name. */
  public static ModelConfig int8Config() {
    return config().toBuilder().name(INT8_NAME).version(INT8_VERSION).build();
  }

  /**
   * Tensors the INT8 model keeps in float: the input, the stem convolution's output and the first
   * inverted-residual block (112x112). Quantising them moved the probabilities most (max
   * |p_int8 - p_fp32| over the held-out and parity images 0.23 with them, 0.07 without); the four
   * float convolutions cost little of the speed.
   */
  static final java.util.Set<String> FLOAT_STEM =
      java.util.Set.of(
          "images/nchw", "Conv1_relu", "expanded_conv_depthwise_relu", "expanded_conv_project_BN");

  /** Reads the Keras model out of the nsfwjs tarball (which the caller has verified). */
  public static TfjsLayersModel read(Path tarball) {
    Map<String, byte[]> files;
    try {
      files = TarGz.read(tarball, p -> p.startsWith(MODEL_DIR) && p.endsWith(".min.js"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the nsfwjs tarball " + tarball, e);
    }
    byte[] topologyJs = files.get(TOPOLOGY_FILE);
    if (topologyJs == null) {
      throw new IllegalArgumentException(
          tarball + " has no " + TOPOLOGY_FILE + "; it holds " + files.keySet());
    }
    String where = tarball.getFileName() + "!/" + TOPOLOGY_FILE;
    JsonNode modelJson = exportedObject(new String(topologyJs, StandardCharsets.UTF_8), where);
    return TfjsLayersModel.of(
        modelJson,
        path -> {
          String file = MODEL_DIR + path + ".min.js";
          byte[] js = files.get(file);
          if (js == null) {
            throw new IOException(tarball + " has no weight shard module " + file);
          }
          return exportedBase64(new String(js, StandardCharsets.US_ASCII), file);
        },
        where);
  }

  /** Converts the model read from the tarball to ONNX bytes. */
  public static byte[] onnx(TfjsLayersModel model) {
    return KerasToOnnx.convert(model, options(NAME, ""));
  }

  /**
   * The INT8 model: activation ranges measured on the calibration frames ({@code frames} packed
   * RGB24 224x224 frames in {@code rgb}) by the float model, then the QDQ graph.
   */
  public static byte[] int8Onnx(TfjsLayersModel model, byte[] rgb, int frames) {
    KerasToOnnx.CalibrationGraph graph =
        KerasToOnnx.calibrationGraph(model, options(INT8_NAME, ""));
    Map<String, KerasToOnnx.Range> ranges =
        new java.util.LinkedHashMap<>(Calibrator.ranges(graph, int8Config(), rgb, frames));
    ranges.keySet().removeAll(FLOAT_STEM);
    return KerasToOnnx.convertQuantised(
        model,
        options(
            INT8_NAME,
            " Static INT8 (QDQ): uint8 activations calibrated (min/max) on "
                + frames
                + " public-domain and CC0 images, int8 weights per output channel; the stem,"
                + " the first block and the dense head in float."),
        ranges);
  }

  private static KerasToOnnx.Options options(String name, String more) {
    return new KerasToOnnx.Options(
        name,
        INPUT,
        OUTPUT,
        "nsfwjs "
            + PACKAGE.spec()
            + " MobileNetV2 (MIT, github.com/infinitered/nsfwjs), converted from its Keras"
            + " layers model. Input: RGB / 255, NHWC [N,224,224,3]. Output: probabilities of "
            + String.join(", ", LABELS)
            + "."
            + more);
  }

  /**
   * Writes {@code <root>/nsfw-mobilenet-v2/1/{model.onnx,config.yaml}} converted from the tarball.
   * Files whose content is already right are left alone.
   */
  public static ModelArtifact writeTo(Path repositoryRoot, Path tarball) {
    return write(repositoryRoot, config(), onnx(read(tarball)));
  }

  /**
   * Writes {@code <root>/nsfw-mobilenet-v2-int8/1/{model.onnx,config.yaml,calibration-images.tsv}}:
   * the model converted from the tarball and calibrated on the calibration images.
   */
  public static ModelArtifact writeInt8To(
      Path repositoryRoot, Path tarball, List<CalibrationImages.Image> images) {
    List<CalibrationImages.Image> calibration =
        CalibrationImages.of(CalibrationImages.Role.CALIBRATION, images);
    byte[] rgb = Calibrator.frames(calibration, SIZE);
    ModelArtifact a =
        write(repositoryRoot, int8Config(), int8Onnx(read(tarball), rgb, calibration.size()));
    Path manifest = a.modelFile().resolveSibling(CALIBRATION_MANIFEST);
    writeIfChanged(manifest, CalibrationImages.manifest(images).getBytes(StandardCharsets.UTF_8));
    return a;
  }

  private static void writeIfChanged(Path file, byte[] bytes) {
    try {
      if (!Files.isRegularFile(file) || !Arrays.equals(Files.readAllBytes(file), bytes)) {
        AtomicFiles.write(file, bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static ModelArtifact write(Path repositoryRoot, ModelConfig config, byte[] bytes) {
    Path dir = new ModelRepository(repositoryRoot).versionDir(config.name(), config.version());
    Path modelFile = dir.resolve(ModelRepository.MODEL_FILE);
    writeIfChanged(modelFile, bytes);
    Path configFile = dir.resolve(ModelRepository.CONFIG_FILE);
    boolean same;
    try {
      same = Files.isRegularFile(configFile) && ModelConfig.read(configFile).equals(config);
    } catch (RuntimeException e) {
      same = false;
    }
    if (!same) {
      config.write(configFile);
    }
    return new ModelArtifact(modelFile, config);
  }

  /**
   * The object literal a browserify module exports, {@code ...exports={modelTopology:...}}: the
   * first {@code exports=} followed by an object that has a {@code modelTopology}.
   */
  static JsonNode exportedObject(String js, String where) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("exports\\s*=\\s*\\{").matcher(js);
    String problem = "";
    while (m.find()) {
      try {
        JsonNode value = JsLiteral.parseAt(js, m.end() - 1);
        if (value.has("modelTopology")) {
          return value;
        }
      } catch (IllegalArgumentException e) {
        problem = " (" + e.getMessage() + ")";
      }
    }
    throw new IllegalArgumentException(
        where
            + " does not export an object literal with modelTopology (not the nsfwjs bundle?)"
            + problem);
  }

  /** The base64 string a weight shard module exports: {@code ...exports="<base64>"}. */
  static byte[] exportedBase64(String js, String where) {
    String marker = "exports=\"";
    int start = js.indexOf(marker);
    int end = start < 0 ? -1 : js.indexOf('"', start + marker.length());
    if (end < 0) {
      throw new IllegalArgumentException(
          where + " does not export a string (not an nsfwjs shard?)");
    }
    try {
      return Base64.getDecoder().decode(js.substring(start + marker.length(), end));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": the exported string is not base64", e);
    }
  }
}
