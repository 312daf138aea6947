package dev.streammod.cli.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The temporary folders of the demo, the bench and the local MiniCluster's checkpoints. */
public final class TemporaryFolders {
  private TemporaryFolders() {}

  /**
   * Deletes {@code dir} and everything in it, as far as it can, and never throws: it runs in
   * {@code finally} blocks and shutdown hooks, where a failed clean-up of temporary files must not
   * hide the run's own outcome.
   */
  public static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // already gone, or unreadable: nothing more to do for temporary files
    }
  }
}
