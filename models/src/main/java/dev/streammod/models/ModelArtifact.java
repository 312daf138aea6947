package dev.streammod.models;

import java.nio.file.Path;
import java.util.Objects;

/** A model file and the configuration that says how to feed it and read it. */
public record ModelArtifact(Path modelFile, ModelConfig config) {
  public ModelArtifact {
    Objects.requireNonNull(modelFile, "modelFile");
    Objects.requireNonNull(config, "config");
  }

  /** The model file and the {@code config.yaml} beside it, as a repository version folder holds. */
  public static ModelArtifact load(Path modelFile) {
    return new ModelArtifact(
        modelFile, ModelConfig.read(modelFile.resolveSibling(ModelRepository.CONFIG_FILE)));
  }
}
