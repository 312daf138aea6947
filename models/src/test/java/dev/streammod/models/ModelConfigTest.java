package dev.streammod.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ModelConfigTest {
  @TempDir Path dir;

  static ModelConfig mobilenet() {
    return ModelConfig.builder()
        .name("mobilenet-v2")
        .version("3")
        .inputName("input")
        .outputName("logits")
        .layout(TensorLayout.NHWC)
        .width(224)
        .height(160)
        .scale(1f / 255f)
        .mean(0.485f, 0.456f, 0.406f)
        .std(0.229f, 0.224f, 0.225f)
        .labels("safe", "true", "1", "violence")
        .outputKind(OutputKind.LOGITS)
        .build();
  }

  @Test
  void yamlRoundTripKeepsEveryField() {
    ModelConfig c = mobilenet();
    Path file = dir.resolve("sub/config.yaml");
    c.write(file);
    ModelConfig back = ModelConfig.read(file);
    assertThat(back).isEqualTo(c);
    assertThat(back.mean()).containsExactly(0.485f, 0.456f, 0.406f);
    assertThat(back.labels()).containsExactly("safe", "true", "1", "violence");
    assertThat(back.version()).isEqualTo("3");
  }

  @Test
  void readsAHandWrittenFileWithUnquotedNumbersAndLowerCaseEnums() throws Exception {
    Path file = dir.resolve("config.yaml");
    Files.writeString(
        file,
        "name: m\nversion: 12\ninputName: x\noutputName: y\nlayout: nchw\nwidth: 8\nheight: 4\n"
            + "scale: 1.0\nmean: [0, 0, 0]\nstd: [1, 1, 1]\nlabels: [a, b]\noutputKind: logits\n");
    ModelConfig c = ModelConfig.read(file);
    assertThat(c.version()).isEqualTo("12");
    assertThat(c.layout()).isEqualTo(TensorLayout.NCHW);
    assertThat(c.outputKind()).isEqualTo(OutputKind.LOGITS);
    assertThat(c.frameBytes()).isEqualTo(96);
  }

  @Test
  void builderDefaultsAndToBuilder() {
    ModelConfig c =
        ModelConfig.builder()
            .name("m")
            .version("1")
            .inputName("x")
            .outputName("y")
            .width(2)
            .height(2)
            .labels("a")
            .build();
    assertThat(c.layout()).isEqualTo(TensorLayout.NCHW);
    assertThat(c.scale()).isEqualTo(1f / 255f);
    assertThat(c.std()).containsExactly(1f, 1f, 1f);
    assertThat(c.outputKind()).isEqualTo(OutputKind.PROBABILITIES);
    ModelConfig wider = c.toBuilder().width(3).build();
    assertThat(wider.width()).isEqualTo(3);
    assertThat(wider).isNotEqualTo(c);
    assertThat(c.mean()).isNotSameAs(c.mean()); // defensive copies
  }

  private static void rejects(UnaryOperator<ModelConfig.Builder> change, String... fragments) {
    assertThatThrownBy(() -> change.apply(mobilenet().toBuilder()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll(fragments);
  }

  @Test
  void buildNamesTheFieldAndItsBadValue() {
    rejects(b -> b.name("bad/name"), "name", "bad/name");
    rejects(b -> b.version(""), "version", "''");
    rejects(b -> b.inputName(" "), "inputName");
    rejects(b -> b.layout(null), "layout", "null");
    rejects(b -> b.width(0), "width", "0");
    rejects(b -> b.height(100_000), "height", "100000");
    rejects(b -> b.scale(-1f), "scale", "-1.0");
    rejects(b -> b.scale(Float.NaN), "scale", "NaN");
    rejects(b -> b.mean(1f, 2f), "mean", "[1.0, 2.0]");
    rejects(b -> b.std(1f, 0f, 1f), "std[1]", "0.0");
    rejects(b -> b.labels(List.of()), "labels", "[]");
    rejects(b -> b.labels("a", "a"), "labels[1]", "'a'");
    rejects(b -> b.outputKind(null), "outputKind", "null");
  }

  private Path yaml(String text) throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, text);
    return f;
  }

  private static final String GOOD =
      "name: m\n"
          + "version: '1'\n"
          + "inputName: x\n"
          + "outputName: y\n"
          + "layout: NCHW\n"
          + "width: 8\n"
          + "height: 4\n"
          + "scale: 1.0\n"
          + "mean: [0, 0, 0]\n"
          + "std: [1, 1, 1]\n"
          + "labels: [a, b]\n"
          + "outputKind: PROBABILITIES\n";

  @Test
  void readErrorsNameTheFileAndTheField() throws Exception {
    Path unknown = yaml(GOOD + "colour: blue\n");
    assertThatThrownBy(() -> ModelConfig.read(unknown))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll(unknown.toString(), "unknown", "colour");

    Path missing = yaml(GOOD.replace("height: 4\n", ""));
    assertThatThrownBy(() -> ModelConfig.read(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll(missing.toString(), "missing", "height");

    Path badType = yaml(GOOD.replace("width: 8", "width: wide"));
    assertThatThrownBy(() -> ModelConfig.read(badType))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll(badType.toString(), "width", "wide");

    Path badEnum = yaml(GOOD.replace("layout: NCHW", "layout: CHW"));
    assertThatThrownBy(() -> ModelConfig.read(badEnum))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll(badEnum.toString(), "layout", "CHW", "NHWC");

    Path badValue = yaml(GOOD.replace("std: [1, 1, 1]", "std: [1, -2, 1]"));
    assertThatThrownBy(() -> ModelConfig.read(badValue))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll(badValue.toString(), "std[1]", "-2.0");

    Path notYaml = yaml("name: [unclosed\n");
    assertThatThrownBy(() -> ModelConfig.read(notYaml))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(notYaml.toString());

    Path absent = dir.resolve("absent.yaml");
    assertThatThrownBy(() -> ModelConfig.read(absent))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll(absent.toString(), "does not exist");
  }
}
