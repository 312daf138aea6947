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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The classifiers of the npm package {@code nsfwjs} 4.4.0 (MIT) that we ship, converted to ONNX.
 * nsfwjs bundles each Keras model as JavaScript modules under {@code dist/models/<folder>/}: {@code
 * model.min.js} exports the topology and weights manifest as an object literal, {@code
 * group1-shard<i>of<n>.min.js} export the uint8-quantised weights as base64 strings. All are read
 * straight from the one pinned package tarball ({@link #PACKAGE}).
 *
 * <p>nsfwjs feeds every model RGB / 255 in [0, 1], NHWC, with no mean or std ({@code
 * dist/cjs/core.js}: {@code img.toFloat().div(255)}, resized only when the image is not already
 * {@code size x size}), at 224x224 by default and at the size its model definition sets otherwise
 * ({@code dist/cjs/models/inception_v3.js}: {@code options: {size: 299}}); the output is softmax
 * probabilities over {@link #LABELS}.
 */
public enum NsfwjsModel {
  /** nsfwjs's default model; float32 weights (10 MB). */
  MOBILENET_V2(
      "nsfw-mobilenet-v2",
      "MobileNetV2",
      "mobilenet_v2",
      1,
      224,
      KerasToOnnx.WeightStorage.FLOAT32),
  /**
   * InceptionV3 (Keras 2.2.4) at 299x299; its kernels stay uint8 as nsfwjs ships them (22 MB
   * instead of 89 MB in float32), dequantised in the graph.
   */
  INCEPTION_V3(
      "nsfw-inception-v3",
      "InceptionV3",
      "inception_v3",
      6,
      299,
      KerasToOnnx.WeightStorage.TFJS_UINT8);

  /** The version every bundled nsfwjs model has in our repository. */
  public static final String VERSION = "1";

  public static final List<String> LABELS = List.of("Drawing", "Hentai", "Neutral", "Porn", "Sexy");
  public static final String INPUT = "images";
  public static final String OUTPUT = "probabilities";

  /** The pinned package: exact version and the registry's integrity hash. */
  public static final NpmTarball PACKAGE =
      new NpmTarball(
          "nsfwjs",
          "4.4.0",
          "sha512-krC1fgeTLXtZwgdpKJ0jm7hqv0gTSRQQRL+FhOaxaJ9Wj92t42BO3csO2odwgTAgZgf2RvkwPtp0R8Aa7dc+MA==",
          "nsfwjs.tarball");

  private final String bundledName;
  private final String nsfwjsName;
  private final String folder;
  private final int shards;
  private final int size;
  private final KerasToOnnx.WeightStorage weightStorage;

  NsfwjsModel(
      String bundledName,
      String nsfwjsName,
      String folder,
      int shards,
      int size,
      KerasToOnnx.WeightStorage weightStorage) {
    this.bundledName = bundledName;
    this.nsfwjsName = nsfwjsName;
    this.folder = folder;
    this.shards = shards;
    this.size = size;
    this.weightStorage = weightStorage;
  }

  /** The model's name in our repository, e.g. {@code nsfw-inception-v3}. */
  public String bundledName() {
    return bundledName;
  }

  /** The name nsfwjs loads it by, e.g. {@code InceptionV3} ({@code nsfwjs.load(name)}). */
  public String nsfwjsName() {
    return nsfwjsName;
  }

  /** Width and height of the model's input. */
  public int size() {
    return size;
  }

  /** Number of weight shard modules (nsfwjs's {@code numOfWeightBundles}). */
  public int shards() {
    return shards;
  }

  /** The model's folder inside the tarball, with a trailing slash. */
  String modelDir() {
    return "package/dist/models/" + folder + "/";
  }

  String topologyFile() {
    return modelDir() + "model.min.js";
  }

  /** The shard paths nsfwjs loads, in order: {@code group1-shard<i>of<n>}. */
  List<String> shardPaths() {
    List<String> paths = new ArrayList<>();
    for (int i = 1; i <= shards; i++) {
      paths.add("group1-shard" + i + "of" + shards);
    }
    return paths;
  }

  /** The model's config in our repository format. */
  public ModelConfig config() {
    return ModelConfig.builder()
        .name(bundledName)
        .version(VERSION)
        .inputName(INPUT)
        .outputName(OUTPUT)
        .layout(TensorLayout.NHWC)
        .width(size)
        .height(size)
        .scale(1f / 255f)
        .mean(0f, 0f, 0f)
        .std(1f, 1f, 1f)
        .labels(LABELS)
        .outputKind(OutputKind.PROBABILITIES)
        .build();
  }

  /** Reads the Keras model out of the nsfwjs tarball (which the caller has verified). */
  public TfjsLayersModel read(Path tarball) {
    Map<String, byte[]> files;
    try {
      files = TarGz.read(tarball, p -> p.startsWith(modelDir()) && p.endsWith(".min.js"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the nsfwjs tarball " + tarball, e);
    }
    byte[] topologyJs = files.get(topologyFile());
    if (topologyJs == null) {
      throw new IllegalArgumentException(
          tarball + " has no " + topologyFile() + "; it holds " + files.keySet());
    }
    String where = tarball.getFileName() + "!/" + topologyFile();
    JsonNode modelJson = exportedObject(new String(topologyJs, StandardCharsets.UTF_8), where);
    List<String> paths = new ArrayList<>();
    modelJson
        .path("weightsManifest")
        .forEach(g -> g.path("paths").forEach(p -> paths.add(p.asText())));
    if (!paths.equals(shardPaths())) {
      throw new IllegalArgumentException(
          where + " names the weight shards " + paths + "; nsfwjs loads " + shardPaths());
    }
    return TfjsLayersModel.of(
        modelJson,
        path -> {
          String file = modelDir() + path + ".min.js";
          byte[] js = files.get(file);
          if (js == null) {
            throw new IOException(tarball + " has no weight shard module " + file);
          }
          return exportedBase64(new String(js, StandardCharsets.US_ASCII), file);
        },
        where);
  }

  /** Converts the model read from the tarball to ONNX bytes. */
  public byte[] onnx(TfjsLayersModel model) {
    return KerasToOnnx.convert(model, options(bundledName, "", weightStorage));
  }

  /** Conversion options: names, a description of the model and how its weights are stored. */
  KerasToOnnx.Options options(String graphName, String more, KerasToOnnx.WeightStorage storage) {
    return new KerasToOnnx.Options(
        graphName,
        INPUT,
        OUTPUT,
        "nsfwjs "
            + PACKAGE.spec()
            + " "
            + nsfwjsName
            + " (MIT, github.com/infinitered/nsfwjs), converted from its Keras layers model."
            + " Input: RGB / 255, NHWC [N,"
            + size
            + ","
            + size
            + ",3]. Output: probabilities of "
            + String.join(", ", LABELS)
            + "."
            + (storage == KerasToOnnx.WeightStorage.TFJS_UINT8
                ? " Kernels are nsfwjs's uint8 codes, dequantised in the graph as tfjs does."
                : "")
            + more,
        storage);
  }

  /**
   * Writes {@code <root>/<bundled name>/1/{model.onnx,config.yaml}} converted from the tarball.
   * Files whose content is already right are left alone.
   */
  public ModelArtifact writeTo(Path repositoryRoot, Path tarball) {
    return write(repositoryRoot, config(), onnx(read(tarball)));
  }

  /** Writes a model and its config into the repository, leaving files that are already right. */
  static ModelArtifact write(Path repositoryRoot, ModelConfig config, byte[] bytes) {
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

  static void writeIfChanged(Path file, byte[] bytes) {
    try {
      if (!Files.isRegularFile(file) || !Arrays.equals(Files.readAllBytes(file), bytes)) {
        AtomicFiles.write(file, bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * The object literal a browserify module exports, {@code ...exports={modelTopology:...}}: the
   * first {@code exports=} followed by an object that has a {@code modelTopology}.
   */
  static JsonNode exportedObject(String js, String where) {
    Matcher m = Pattern.compile("exports\\s*=\\s*\\{").matcher(js);
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
