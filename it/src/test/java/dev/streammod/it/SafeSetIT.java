package dev.streammod.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.cli.classify.Classifier;
import dev.streammod.connectors.avro.Decision;
import dev.streammod.decoders.SamplingPolicy;
import dev.streammod.models.BundledRepository;
import dev.streammod.models.EngineOptions;
import dev.streammod.models.ExecutionDevice;
import dev.streammod.models.InferenceEngine;
import dev.streammod.pipeline.moderation.Cascade;
import dev.streammod.pipeline.policy.Policy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bundled models on the safe set: the public-domain and CC0 photos and drawings of two Debian
 * packages that the build assembles (`models/bundle/target/calibration-images`, sources and licences
 * in `models/convert/.../calibration-images.tsv`; none is a parity image). Nothing in it should be
 * blocked: the default cascade (MobileNetV2, then InceptionV3 in confirm mode) blocks none, and
 * every file MobileNetV2 alone flags stays at least REVIEW. Prints the counts of each.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SafeSetIT {
  private static final Path IMAGES = Path.of("..", "models", "bundle", "target", "calibration-images");

  private static List<Path> images() throws IOException {
    assertThat(IMAGES)
        .as("the safe set is assembled by the models/bundle build (calibration images); build it first")
        .isDirectory();
    try (Stream<Path> s = Files.walk(IMAGES)) {
      return s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
    }
  }

  @Test
  void theDefaultCascadeBlocksNoSafeImage() throws Exception {
    List<Path> files = images();
    assertThat(files).hasSizeGreaterThanOrEqualTo(60);
    EngineOptions cpu = EngineOptions.builder().device(ExecutionDevice.CPU).build();
    try (InferenceEngine first = InferenceEngine.open(BundledRepository.resolve(null, "nsfw-mobilenet-v2", null), cpu);
        InferenceEngine second = InferenceEngine.open(BundledRepository.resolve(null, "nsfw-inception-v3", null), cpu)) {
      Policy policy = Policy.defaultFor("nsfw-mobilenet-v2");
      Classifier alone = new Classifier(first, policy, SamplingPolicy.keyframes(), 1);
      Classifier cascade =
          new Classifier(
              first,
              policy,
              SamplingPolicy.keyframes(),
              1,
              new Classifier.SecondModel(second, Cascade.Mode.CONFIRM, Policy.defaultFor("nsfw-inception-v3")),
              null);
      Map<Decision, Integer> byAlone = new EnumMap<>(Decision.class);
      Map<Decision, Integer> byCascade = new EnumMap<>(Decision.class);
      int asked = 0;
      for (Path f : files) {
        Classifier.Result a = alone.classify(f);
        Classifier.Result c = cascade.classify(f);
        assertThat(a.failed()).as("%s: %s", f, a.errorMessage()).isFalse();
        byAlone.merge(a.decision(), 1, Integer::sum);
        byCascade.merge(c.decision(), 1, Integer::sum);
        if (c.second() != null) {
          asked++;
        }
        assertThat(c.decision()).as("%s: the cascade blocks no safe image", f).isNotEqualTo(Decision.BLOCK);
        if (a.decision() != Decision.ALLOW) {
          assertThat(c.decision()).as("%s: confirm never lets a flagged image through", f).isEqualTo(Decision.REVIEW);
        }
      }
      System.out.printf(
          "safe set: %d images; nsfw-mobilenet-v2 alone %s; with nsfw-inception-v3 (confirm) %s; second model asked for %d%n",
          files.size(), byAlone, byCascade, asked);
    }
  }
}
