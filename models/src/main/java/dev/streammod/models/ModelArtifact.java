package dev.streammod.models;

import java.nio.file.Path;
import java.util.Objects;

/** A model file and the configuration that says how to feed it and read it. */
public record ModelArtifact(Path modelFile, ModelConfig config) {
  public ModelArtifact {
    Objects.requireNonNull(modelFile, "modelFile");
    Objects.requireNonNull(config, "config");
  }
}
