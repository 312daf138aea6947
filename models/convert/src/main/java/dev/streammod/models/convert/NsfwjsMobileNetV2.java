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
    return KerasToOnnx.convert(
        model,
        new KerasToOnnx.Options(
            NAME,
            INPUT,
            OUTPUT,
            "nsfwjs "
                + PACKAGE.spec()
                + " MobileNetV2 (MIT, github.com/infinitered/nsfwjs), converted from its Keras"
                + " layers model. Input: RGB / 255, NHWC [N,224,224,3]. Output: probabilities of "
                + String.join(", ", LABELS)
                + "."));
  }

  /**
   * Writes {@code <root>/nsfw-mobilenet-v2/1/{model.onnx,config.yaml}} converted from the tarball.
   * Files whose content is already right are left alone.
   */
  public static ModelArtifact writeTo(Path repositoryRoot, Path tarball) {
    ModelConfig config = config();
    Path dir = new ModelRepository(repositoryRoot).versionDir(NAME, VERSION);
    Path modelFile = dir.resolve(ModelRepository.MODEL_FILE);
    byte[] bytes = onnx(read(tarball));
    try {
      if (!Files.isRegularFile(modelFile) || !Arrays.equals(Files.readAllBytes(modelFile), bytes)) {
        AtomicFiles.write(modelFile, bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + modelFile, e);
    }
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
