package dev.streammod.models.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streammod.models.ModelArtifact;
import dev.streammod.models.ModelConfig;
import dev.streammod.models.ModelRepository;
import dev.streammod.models.OutputKind;
import dev.streammod.models.TensorLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reading the nsfwjs package layout (browserify modules in a tarball) on a fake package that holds
 * tiny models, so the reader is tested without the real 25 MB tarball.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NsfwjsModelTest {
  @TempDir Path dir;

  @Test
  void readsTopologyAndQuantisedWeightsFromTheBundledJsModules() throws Exception {
    TinyKeras k = new TinyKeras(23, true);
    String x = k.input("input_1", 5, 5, 3);
    String c =
        k.conv(
            "Conv1",
            k.zeroPad("Conv1_pad", x, 0, 1, 0, 1),
            3,
            4,
            3,
            2,
            1,
            "valid",
            false,
            "linear");
    String r = k.relu("Conv1_relu", k.batchNorm("bn_Conv1", c, 4), 6.0);
    String out = k.dense("dense_3", k.flatten("flatten_1", r), 16, 5, "softmax");
    Path plain = dir.resolve("plain");
    k.write(plain, out, false);
    TfjsLayersModel expected = TfjsLayersModel.fromDirectory(plain);

    Path tgz = fakePackage(NsfwjsModel.MOBILENET_V2, plain);
    TfjsLayersModel read = NsfwjsModel.MOBILENET_V2.read(tgz);

    assertThat(read.topology()).isEqualTo(expected.topology());
    assertThat(read.weights().keySet()).isEqualTo(expected.weights().keySet());
    for (String name : expected.weights().keySet()) {
      assertThat(read.weights().get(name).values())
          .as(name)
          .containsExactly(expected.weights().get(name).values());
    }
    byte[] onnx =
        KerasToOnnx.convert(read, new KerasToOnnx.Options("m", "images", "probabilities", ""));
    assertThat(onnx)
        .isEqualTo(
            KerasToOnnx.convert(
                expected, new KerasToOnnx.Options("m", "images", "probabilities", "")));
  }

  @Test
  void aPackageWithoutTheModelIsNamedInTheError() throws Exception {
    Path tgz = dir.resolve("other.tgz");
    Files.write(
        tgz,
        TestTarballs.tgz(Map.of("package/package.json", "{}".getBytes(StandardCharsets.UTF_8))));
    assertThatThrownBy(() -> NsfwjsModel.MOBILENET_V2.read(tgz))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no package/dist/models/mobilenet_v2/model.min.js");
  }

  @Test
  void readsAModelSplitIntoSeveralShardModules() throws Exception {
    TinyKeras k = new TinyKeras(31, true);
    String x = k.input("input_1", 6, 6, 3);
    String c = k.conv("conv2d_1", x, 3, 4, 3, 2, 1, "valid", false, "linear");
    String a = k.activation("activation_1", k.batchNorm("batch_normalization_1", c, 4, false));
    String out = k.dense("dense_3", k.flatten("flatten_1", a), 16, 5, "softmax");
    Path plain = dir.resolve("plain");
    k.write(plain, out, false);
    TfjsLayersModel expected = TfjsLayersModel.fromDirectory(plain);

    TfjsLayersModel read =
        NsfwjsModel.INCEPTION_V3.read(fakePackage(NsfwjsModel.INCEPTION_V3, plain));

    assertThat(read.topology()).isEqualTo(expected.topology());
    for (String name : expected.weights().keySet()) {
      assertThat(read.weights().get(name).values())
          .as(name)
          .containsExactly(expected.weights().get(name).values());
    }
  }

  @Test
  void shardsOtherThanTheOnesNsfwjsLoadsAreAnError() throws Exception {
    TinyKeras k = new TinyKeras(37, true);
    String out = k.dense("dense_3", k.input("input_1", 4), 4, 5, "softmax");
    Path plain = dir.resolve("plain");
    k.write(plain, out, false);
    Path tgz = fakePackage(NsfwjsModel.MOBILENET_V2, plain);
    assertThatThrownBy(() -> NsfwjsModel.INCEPTION_V3.read(rehome(tgz)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names the weight shards [group1-shard1of1]")
        .hasMessageContaining("nsfwjs loads [group1-shard1of6, group1-shard2of6");
  }

  @ParameterizedTest
  @CsvSource({"MOBILENET_V2, nsfw-mobilenet-v2, 224", "INCEPTION_V3, nsfw-inception-v3, 299"})
  void configDescribesNsfwjsPreprocessing(NsfwjsModel model, String name, int size) {
    ModelConfig c = model.config();
    assertThat(c.name()).isEqualTo(name);
    assertThat(c.version()).isEqualTo("1");
    assertThat(c.labels()).containsExactly("Drawing", "Hentai", "Neutral", "Porn", "Sexy");
    assertThat(c.layout()).isEqualTo(TensorLayout.NHWC);
    assertThat(c.width()).isEqualTo(size);
    assertThat(c.height()).isEqualTo(size);
    assertThat(c.scale()).isEqualTo(1f / 255f);
    assertThat(c.mean()).containsExactly(0f, 0f, 0f);
    assertThat(c.std()).containsExactly(1f, 1f, 1f);
    assertThat(c.outputKind()).isEqualTo(OutputKind.PROBABILITIES);
    assertThat(NsfwjsModel.PACKAGE.spec()).isEqualTo("nsfwjs@4.4.0");
  }

  @Test
  void writesARepositoryEntryAndLeavesItAloneWhenUnchanged() throws Exception {
    TinyKeras k = new TinyKeras(29, true);
    String out = k.dense("dense_3", k.input("input_1", 4), 4, 5, "softmax");
    Path plain = dir.resolve("plain");
    k.write(plain, out, false);
    NsfwjsModel model = NsfwjsModel.MOBILENET_V2;
    Path tgz = fakePackage(model, plain);
    Path root = dir.resolve("repo");

    ModelArtifact a = model.writeTo(root, tgz);
    java.nio.file.attribute.FileTime written = Files.getLastModifiedTime(a.modelFile());
    ModelArtifact again = model.writeTo(root, tgz);

    assertThat(a.modelFile()).isEqualTo(root.resolve("nsfw-mobilenet-v2/1/model.onnx"));
    assertThat(Files.getLastModifiedTime(again.modelFile())).isEqualTo(written);
    ModelArtifact resolved = new ModelRepository(root).resolve("nsfw-mobilenet-v2");
    assertThat(resolved.config()).isEqualTo(model.config());
    assertThat(Files.readAllBytes(resolved.modelFile())).isEqualTo(model.onnx(model.read(tgz)));
  }

  /**
   * A tarball laid out like nsfwjs: the model's model.min.js and its group1-shard{i}of{n}.min.js,
   * minified, the weight bytes split evenly over the shards.
   */
  private Path fakePackage(NsfwjsModel target, Path plain) throws Exception {
    List<String> paths = target.shardPaths();
    String json = Files.readString(plain.resolve("model.json"));
    json =
        json.replace(
            "group1-shard1of2.bin\", \"group1-shard2of2.bin", String.join("\", \"", paths));
    String literal =
        json.replaceAll("\"([A-Za-z_][A-Za-z0-9_]*)\" :", "$1:")
            .replaceAll("\\btrue\\b", "!0")
            .replaceAll("\\bfalse\\b", "!1")
            .replaceAll("([:\\[,]\\s*)0\\.", "$1.")
            .replaceAll("-0\\.", "-.");
    String model =
        "!function(e){module.exports=e()}(function(){return function"
            + " e(a,n,i){}({1:[function(e,a,n){a.exports="
            + literal
            + "},{}]},{},[1])(1)});";
    byte[] weights =
        concat(
            Files.readAllBytes(plain.resolve("group1-shard1of2.bin")),
            Files.readAllBytes(plain.resolve("group1-shard2of2.bin")));
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("package/package.json", "{\"name\":\"nsfwjs\"}".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < paths.size(); i++) {
      byte[] part =
          Arrays.copyOfRange(
              weights, i * weights.length / paths.size(), (i + 1) * weights.length / paths.size());
      String shard =
          "!function(e){module.exports=e()}(function(){return function"
              + " e(h,n,d){}({1:[function(e,h,n){h.exports=\""
              + Base64.getEncoder().encodeToString(part)
              + "\"},{}]},{},[1])(1)});";
      files.put(
          target.modelDir() + paths.get(i) + ".min.js", shard.getBytes(StandardCharsets.US_ASCII));
    }
    files.put(target.topologyFile(), model.getBytes(StandardCharsets.UTF_8));
    Path tgz = dir.resolve("nsfwjs-fake-" + target.bundledName() + ".tgz");
    Files.write(tgz, TestTarballs.tgz(files));
    return tgz;
  }

  /** The same files moved from mobilenet_v2's folder to inception_v3's. */
  private Path rehome(Path tgz) throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    TarGz.read(tgz, p -> true)
        .forEach(
            (path, bytes) ->
                files.put(
                    path.replace(
                        NsfwjsModel.MOBILENET_V2.modelDir(), NsfwjsModel.INCEPTION_V3.modelDir()),
                    bytes));
    Path moved = dir.resolve("nsfwjs-rehomed.tgz");
    Files.write(moved, TestTarballs.tgz(files));
    return moved;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
