package dev.streammod.models.convert;

import dev.streammod.models.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An npm package tarball pinned by exact version and Subresource-Integrity hash (the registry's
 * {@code dist.integrity}, {@code sha512-<base64>}). {@link #obtain} returns a verified copy: a
 * local tarball given by the user, else the cached one, else one fetched with the machine's {@code
 * npm pack} into the cache. Every path verifies the hash; a mismatch says what was expected and
 * what was found.
 */
public final class NpmTarball {
  private static final Pattern NAME = Pattern.compile("(@[a-z0-9._-]+/)?[a-z0-9._-]+");
  private static final Pattern VERSION = Pattern.compile("[0-9]+\\.[0-9]+\\.[0-9]+[A-Za-z0-9.+-]*");
  private static final long NPM_TIMEOUT_SECONDS = 300;

  private final String name;
  private final String version;
  private final String integrity;
  private final String localTarballProperty;

  /**
   * @param localTarballProperty the build property that points at a local tarball, named in error
   *     messages (e.g. {@code nsfwjs.tarball})
   */
  public NpmTarball(String name, String version, String integrity, String localTarballProperty) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("npm package name '" + name + "' is not valid");
    }
    if (version == null || !VERSION.matcher(version).matches()) {
      throw new IllegalArgumentException(
          "npm package version must be exact (x.y.z), got '" + version + "'");
    }
    if (integrity == null || !integrity.startsWith("sha512-")) {
      throw new IllegalArgumentException(
          "integrity must be a sha512-<base64> hash, got '" + integrity + "'");
    }
    this.name = name;
    this.version = version;
    this.integrity = integrity;
    this.localTarballProperty =
        Objects.requireNonNull(localTarballProperty, "localTarballProperty");
  }

  public String spec() {
    return name + "@" + version;
  }

  public String integrity() {
    return integrity;
  }

  /** The file name npm gives the tarball: {@code @scope/name} becomes {@code scope-name}. */
  public String fileName() {
    return name.replace("@", "").replace('/', '-') + "-" + version + ".tgz";
  }

  /**
   * A verified tarball. {@code localTarball} (may be null) is used as it is and never fetched;
   * otherwise {@code <cacheDir>/<fileName>} is used when its hash matches, and fetched with {@code
   * npmCommand pack} when it is missing or damaged.
   */
  public Path obtain(Path localTarball, Path cacheDir, String npmCommand) {
    if (localTarball != null) {
      if (!Files.isRegularFile(localTarball)) {
        throw new IllegalStateException(
            "the local tarball for " + spec() + " (" + localTarball + ") does not exist");
      }
      verify(localTarball, "the local tarball");
      return localTarball;
    }
    Objects.requireNonNull(cacheDir, "cacheDir");
    Path cached = cacheDir.resolve(fileName());
    if (Files.isRegularFile(cached)) {
      if (integrityOf(cached).equals(integrity)) {
        return cached;
      }
      // A damaged or partial cache entry: fetch again rather than fail.
    }
    Path fetched = fetch(cacheDir, npmCommand);
    try {
      verify(fetched, "the tarball npm fetched");
      AtomicFiles.move(fetched, cached); // fetched in a folder inside cacheDir: one file system
      return cached;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store " + fetched + " as " + cached, e);
    } finally {
      deleteTree(fetched.getParent());
    }
  }

  /** Throws IllegalStateException naming the expected and the found hash when they differ. */
  public void verify(Path tarball, String what) {
    String found = integrityOf(tarball);
    if (!found.equals(integrity)) {
      throw new IllegalStateException(
          "integrity check failed for "
              + what
              + " of "
              + spec()
              + " ("
              + tarball
              + "): expected "
              + integrity
              + " but found "
              + found
              + ". The file is damaged or is not the pinned release; delete it and build again"
              + " (or pass the right file with -D"
              + localTarballProperty
              + "=...).");
    }
  }

  /** {@code sha512-<base64>} of a file, as npm writes integrity. */
  public static String integrityOf(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-512");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return "sha512-" + Base64.getEncoder().encodeToString(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM lacks SHA-512", e);
    }
  }

  private Path fetch(Path cacheDir, String npmCommand) {
    String npm = npmCommand == null || npmCommand.isBlank() ? defaultNpm() : npmCommand;
    Path work;
    try {
      Files.createDirectories(cacheDir);
      work = Files.createTempDirectory(cacheDir, ".fetch-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the npm cache folder " + cacheDir, e);
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                npm, "pack", spec(), "--pack-destination", work.toString(), "--ignore-scripts"));
    String output;
    int exit;
    try {
      Process p =
          new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
      p.getOutputStream().close();
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      Thread pump =
          new Thread(
              () -> {
                try (InputStream in = p.getInputStream()) {
                  in.transferTo(buf);
                } catch (IOException ignored) {
                  // the exit status tells what went wrong
                }
              },
              "npm-pack-output");
      pump.setDaemon(true);
      pump.start();
      if (!p.waitFor(NPM_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        deleteTree(work);
        throw new IllegalStateException(
            "'" + String.join(" ", command) + "' did not finish in " + NPM_TIMEOUT_SECONDS + " s");
      }
      pump.join(10_000);
      exit = p.exitValue();
      output = buf.toString(StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      deleteTree(work);
      throw new IllegalStateException(
          "cannot run '"
              + npm
              + "' to fetch "
              + spec()
              + " ("
              + e.getMessage()
              + "). The build needs npm (Node.js) on the PATH to obtain the model, or a local"
              + " copy of the package: build with -D"
              + localTarballProperty
              + "=/path/to/"
              + fileName()
              + " (made by 'npm pack "
              + spec()
              + "' on a machine that has npm).",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      deleteTree(work);
      throw new IllegalStateException("interrupted while npm fetched " + spec(), e);
    }
    Path tgz = work.resolve(fileName());
    if (exit != 0 || !Files.isRegularFile(tgz)) {
      deleteTree(work);
      throw new IllegalStateException(
          "'"
              + String.join(" ", command)
              + "' failed (exit "
              + exit
              + (Files.isRegularFile(tgz) ? "" : ", no " + fileName() + " written")
              + "): "
              + tail(output)
              + ". Without registry access, build with -D"
              + localTarballProperty
              + "=/path/to/"
              + fileName()
              + ".");
    }
    return tgz;
  }

  private static String defaultNpm() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")
        ? "npm.cmd"
        : "npm";
  }

  private static String tail(String s) {
    return s.length() <= 2000 ? s : "..." + s.substring(s.length() - 2000);
  }

  private static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // best effort: a leftover temp folder in the cache is harmless
                }
              });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
