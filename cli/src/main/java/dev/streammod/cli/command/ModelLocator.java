package dev.streammod.cli.command;

import dev.streammod.models.BundledRepository;
import dev.streammod.models.ModelArtifact;
import java.nio.file.Path;

/** Finds a model by name: in the given repository when it has it, else among the bundled models. */
final class ModelLocator {
  /** The shipped moderation model (nsfwjs MobileNetV2 converted to ONNX at build time). */
  static final String DEFAULT_MODEL = "nsfw-mobilenet-v2";

  private ModelLocator() {}

  static ModelArtifact resolve(Path repository, String name, String version) {
    return BundledRepository.resolve(repository, name, version);
  }
}
