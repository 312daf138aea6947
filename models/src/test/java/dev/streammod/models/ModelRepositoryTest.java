package dev.streammod.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ModelRepositoryTest {
  @TempDir Path root;

  private void put(String name, String version) throws Exception {
    Path dir = root.resolve(name).resolve(version);
    Files.createDirectories(dir);
    Files.write(dir.resolve("model.onnx"), new byte[] {1});
    ModelConfigTest.mobilenet().toBuilder()
        .name(name)
        .version(version)
        .build()
        .write(dir.resolve("config.yaml"));
  }

  @Test
  void resolvesTheHighestNumericVersion() throws Exception {
    put("nsfw", "2");
    put("nsfw", "10");
    put("nsfw", "9");
    Files.createDirectories(root.resolve("nsfw/latest")); // not numeric: ignored
    ModelArtifact a = new ModelRepository(root).resolve("nsfw");
    assertThat(a.config().version()).isEqualTo("10");
    assertThat(a.modelFile()).isEqualTo(root.resolve("nsfw/10/model.onnx"));
    assertThat(new ModelRepository(root).resolve("nsfw", "2").config().version()).isEqualTo("2");
    assertThat(new ModelRepository(root).versions("nsfw")).containsExactly("2", "9", "10");
  }

  @Test
  void aMissingModelListsWhatExists() throws Exception {
    put("nsfw", "1");
    put("violence", "3");
    put("violence", "4");
    assertThatThrownBy(() -> new ModelRepository(root).resolve("weapons"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll(
            "'weapons'", root.toString(), "nsfw (versions [1])", "violence (versions [3, 4])");
  }

  @Test
  void aMissingVersionListsTheVersions() throws Exception {
    put("nsfw", "1");
    put("nsfw", "2");
    assertThatThrownBy(() -> new ModelRepository(root).resolve("nsfw", "7"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("'nsfw'", "'7'", "[1, 2]");
  }

  @Test
  void aVersionWithoutItsFilesSaysWhichIsMissing() throws Exception {
    Files.createDirectories(root.resolve("nsfw/1"));
    Files.write(root.resolve("nsfw/1/model.onnx"), new byte[] {1});
    assertThatThrownBy(() -> new ModelRepository(root).resolve("nsfw"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("config.yaml", "model.onnx");
  }

  @Test
  void aConfigForAnotherModelIsRejected() throws Exception {
    put("nsfw", "1");
    Files.move(root.resolve("nsfw"), root.resolve("other"));
    assertThatThrownBy(() -> new ModelRepository(root).resolve("other"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("'nsfw'", "'other'");
  }

  @Test
  void anEmptyOrAbsentRootSaysSo() {
    assertThatThrownBy(() -> new ModelRepository(root).resolve("x"))
        .hasMessageContaining("available: none");
    assertThatThrownBy(() -> new ModelRepository(root.resolve("nope")).resolve("x"))
        .hasMessageContaining("is not a directory");
  }
}
