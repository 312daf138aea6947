package dev.streammod.pipeline.cli;

import dev.streammod.models.ModelArtifact;
import dev.streammod.models.ModelRepository;
import java.nio.file.Path;

/** Finds a model by name in a repository given on the command line. */
final class ModelLocator {
  static final String DEFAULT_MODEL = "colour-stats";

  private ModelLocator() {}

  static ModelArtifact resolve(Path repository, String name, String version) {
    if (repository == null) {
      throw new IllegalArgumentException("--model-repository is required");
    }
    ModelRepository repo = new ModelRepository(repository);
    return version == null ? repo.resolve(name) : repo.resolve(name, version);
  }
}
