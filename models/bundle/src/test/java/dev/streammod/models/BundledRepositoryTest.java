package dev.streammod.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The model repository the build packs into the jar (here: target/classes/model-repository). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BundledRepositoryTest {
  @TempDir Path cache;

  @Test
  void materialisesTheShippedModelAndReusesAnIntactCopy() throws Exception {
    ModelRepository repo = BundledRepository.materialise(cache);
    ModelArtifact a = repo.resolve("nsfw-mobilenet-v2");
    assertThat(a.config().labels()).containsExactly("Drawing", "Hentai", "Neutral", "Porn", "Sexy");
    assertThat(a.modelFile()).startsWith(cache.resolve(BundledRepository.RESOURCE_ROOT));
    assertThat(Files.size(a.modelFile())).isGreaterThan(1_000_000);
    FileTime first = Files.getLastModifiedTime(a.modelFile());

    ModelRepository again = BundledRepository.materialise(cache);

    assertThat(again.root()).isEqualTo(repo.root());
    assertThat(Files.getLastModifiedTime(again.resolve("nsfw-mobilenet-v2").modelFile()))
        .isEqualTo(first);
  }

  @Test
  void bundlesInceptionV3At299WithItsKernelsAsUint8() throws Exception {
    ModelRepository repo = BundledRepository.materialise(cache);
    assertThat(repo.models())
        .contains("nsfw-mobilenet-v2", "nsfw-mobilenet-v2-int8", "nsfw-inception-v3");
    ModelArtifact a = repo.resolve("nsfw-inception-v3");
    assertThat(a.config().version()).isEqualTo("1");
    assertThat(a.config().width()).isEqualTo(299);
    assertThat(a.config().height()).isEqualTo(299);
    assertThat(a.config().labels()).isEqualTo(repo.resolve("nsfw-mobilenet-v2").config().labels());
    // 22.4 million weights: about one byte each (float32: 89 MB)
    assertThat(Files.size(a.modelFile())).isBetween(20_000_000L, 25_000_000L);
  }

  @Test
  void aDamagedCopyIsReplaced() throws Exception {
    ModelArtifact a = BundledRepository.materialise(cache).resolve("nsfw-mobilenet-v2");
    long size = Files.size(a.modelFile());
    Files.write(a.modelFile(), new byte[] {1, 2, 3});

    ModelArtifact repaired = BundledRepository.materialise(cache).resolve("nsfw-mobilenet-v2");

    assertThat(Files.size(repaired.modelFile())).isEqualTo(size);
  }

  @Test
  void bundledUsesTheConfiguredCacheFolder() {
    String previous = System.getProperty(BundledRepository.CACHE_PROPERTY);
    System.setProperty(BundledRepository.CACHE_PROPERTY, cache.toString());
    try {
      assertThat(BundledRepository.defaultCacheDir()).isEqualTo(cache);
      assertThat(ModelRepository.bundled().root()).startsWith(cache);
      assertThat(ModelRepository.bundled().models()).contains("nsfw-mobilenet-v2");
    } finally {
      if (previous == null) {
        System.clearProperty(BundledRepository.CACHE_PROPERTY);
      } else {
        System.setProperty(BundledRepository.CACHE_PROPERTY, previous);
      }
    }
  }

  @Test
  void resolvePrefersTheGivenRepositoryAndFallsBackToTheBundledOne() throws Exception {
    Path mine = cache.resolve("mine");
    dev.streammod.models.testing.ColourStatsModel.write(mine, 8, 8);
    String previous = System.getProperty(BundledRepository.CACHE_PROPERTY);
    System.setProperty(BundledRepository.CACHE_PROPERTY, cache.resolve("c").toString());
    try {
      assertThat(BundledRepository.resolve(mine, "colour-stats", null).modelFile())
          .startsWith(mine);
      assertThat(BundledRepository.resolve(mine, "nsfw-mobilenet-v2", null).modelFile())
          .startsWith(cache.resolve("c"));
      assertThat(BundledRepository.resolve(null, "nsfw-mobilenet-v2", "1").config().version())
          .isEqualTo("1");
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> BundledRepository.resolve(mine, "absent", null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("model 'absent' not found in " + mine)
          .hasMessageContaining("[colour-stats]")
          .hasMessageContaining("bundled models [nsfw-inception-v3, nsfw-mobilenet-v2, ");
    } finally {
      if (previous == null) {
        System.clearProperty(BundledRepository.CACHE_PROPERTY);
      } else {
        System.setProperty(BundledRepository.CACHE_PROPERTY, previous);
      }
    }
  }
}
