package dev.streammod.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Triton-like folder of models: {@code <root>/<name>/<version>/model.onnx} next to {@code
 * <root>/<name>/<version>/config.yaml}. Versions are folder names made of digits; the highest one
 * wins when no version is asked for. The config's name and version must match the folders.
 */
public final class ModelRepository {
  public static final String MODEL_FILE = "model.onnx";
  public static final String CONFIG_FILE = "config.yaml";

  private final Path root;

  public ModelRepository(Path root) {
    this.root = Objects.requireNonNull(root, "root");
  }

  /**
   * The repository packed into the models jar at build time (the shipped {@code nsfw-mobilenet-v2}
   * model), copied to {@link BundledRepository#defaultCacheDir()} on first use and verified; see
   * {@link BundledRepository}.
   *
   * @throws IllegalStateException when the class path holds no bundled repository
   */
  public static ModelRepository bundled() {
    return BundledRepository.materialise(BundledRepository.defaultCacheDir());
  }

  public Path root() {
    return root;
  }

  /** Where a model's version lives, whether or not it exists yet. */
  public Path versionDir(String name, String version) {
    return root.resolve(name).resolve(version);
  }

  /** The highest numeric version of the named model. */
  public ModelArtifact resolve(String name) {
    Objects.requireNonNull(name, "name");
    List<String> versions = versions(name);
    if (versions.isEmpty()) {
      if (Files.isDirectory(root.resolve(name))) {
        throw new IllegalArgumentException(
            "model '"
                + name
                + "' in repository "
                + root
                + " has no numeric version folder; it holds "
                + list(root.resolve(name)));
      }
      throw new IllegalArgumentException(missingModel(name));
    }
    return resolve(name, versions.get(versions.size() - 1));
  }

  public ModelArtifact resolve(String name, String version) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Path dir = versionDir(name, version);
    if (!Files.isDirectory(dir)) {
      if (!Files.isDirectory(root.resolve(name))) {
        throw new IllegalArgumentException(missingModel(name));
      }
      throw new IllegalArgumentException(
          "model '"
              + name
              + "' has no version '"
              + version
              + "' in "
              + root
              + "; versions: "
              + versions(name));
    }
    Path model = dir.resolve(MODEL_FILE);
    Path configFile = dir.resolve(CONFIG_FILE);
    for (Path p : List.of(model, configFile)) {
      if (!Files.isRegularFile(p)) {
        throw new IllegalArgumentException(
            "model '"
                + name
                + "' version "
                + version
                + " lacks "
                + p
                + "; the folder holds "
                + list(dir));
      }
    }
    ModelConfig config = ModelConfig.read(configFile);
    if (!config.name().equals(name) || !config.version().equals(version)) {
      throw new IllegalArgumentException(
          "model config "
              + configFile
              + " says name '"
              + config.name()
              + "' version '"
              + config.version()
              + "', but it lies in the folder of '"
              + name
              + "' version '"
              + version
              + "'");
    }
    return new ModelArtifact(model, config);
  }

  /** Model names (folders under the root), sorted. */
  public List<String> models() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list model repository " + root, e);
    }
  }

  /** Numeric version folders of a model, lowest first; empty when the model is absent. */
  public List<String> versions(String name) {
    Path dir = root.resolve(name);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(v -> v.matches("[0-9]+"))
          .sorted(Comparator.comparing(BigInteger::new))
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list versions of model '" + name + "' in " + root, e);
    }
  }

  private String missingModel(String name) {
    if (!Files.isDirectory(root)) {
      return "model '" + name + "' not found: repository root " + root + " is not a directory";
    }
    List<String> found = new ArrayList<>();
    for (String m : models()) {
      found.add(m + " (versions " + versions(m) + ")");
    }
    return "model '"
        + name
        + "' not found in repository "
        + root
        + "; available: "
        + (found.isEmpty() ? "none" : String.join(", ", found));
  }

  private static List<String> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      return List.of("<unreadable: " + e.getMessage() + ">");
    }
  }
}
