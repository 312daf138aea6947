package dev.streammod.models.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Files that readers see whole or not at all: the content goes to a temporary file beside the
 * target (a dot file, which the bundled index skips), which is then moved over the target. Readers
 * in other threads or JVMs, such as two task managers filling one cache, see the old file or the
 * new one, never a part of it.
 */
public final class AtomicFiles {
  /** Writes a file's content; whatever it throws leaves the target as it was. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private AtomicFiles() {}

  /** Replaces {@code file} with {@code bytes}, creating parent folders. */
  public static void write(Path file, byte[] bytes) throws IOException {
    write(file, out -> out.write(bytes));
  }

  /**
   * Replaces {@code file} with what {@code content} writes, creating parent folders. When {@code
   * content} throws (a checksum that does not match, say), the temporary file is removed and
   * {@code file} is not touched.
   */
  public static void write(Path file, Content content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        content.writeTo(out);
      }
      move(tmp, file);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Moves {@code source} over {@code target} (both on one file system, best in one folder):
   * atomically where the file system can; where it cannot, a plain replace, so that a reader may
   * briefly find no file but never a partial one.
   */
  public static void move(Path source, Path target) throws IOException {
    try {
      Files.move(
          source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
