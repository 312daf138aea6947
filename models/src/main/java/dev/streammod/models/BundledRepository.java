package dev.streammod.models;

import dev.streammod.models.io.AtomicFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The model repository the build packs into the models jar, under the class-path folder {@value
 * #RESOURCE_ROOT}, with an index of its files ({@value #INDEX}: one {@code <sha256> <size> <path>}
 * line each). ONNX Runtime needs a file, so {@link #materialise(Path)} copies the files into a
 * cache folder named after the index's hash (verifying every file on the way) and returns a
 * repository over it. Copies already there and intact are reused; concurrent JVMs agree because
 * each file is written to a temporary name and moved into place.
 */
public final class BundledRepository {
  /** Class-path folder of the bundled repository. */
  public static final String RESOURCE_ROOT = "model-repository";

  /** The index file inside {@link #RESOURCE_ROOT}. */
  public static final String INDEX = "index.txt";

  /** System property that overrides the cache folder; default {@code ~/.cache/streammod}. */
  public static final String CACHE_PROPERTY = "streammod.cache.dir";

  private record Entry(String sha256, long size, String path) {}

  private BundledRepository() {}

  /** {@code -Dstreammod.cache.dir}, else {@code ~/.cache/streammod}, else the temp folder. */
  public static Path defaultCacheDir() {
    String configured = System.getProperty(CACHE_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    String home = System.getProperty("user.home");
    if (home != null && !home.isBlank() && Files.isWritable(Path.of(home))) {
      return Path.of(home, ".cache", "streammod");
    }
    return Path.of(System.getProperty("java.io.tmpdir"), "streammod-cache");
  }

  /**
   * Copies the bundled repository into {@code <cacheDir>/model-repository/<index hash>/} unless an
   * intact copy is there, and returns a repository over that folder.
   *
   * @throws IllegalStateException when the class path holds no bundled repository
   */
  public static ModelRepository materialise(Path cacheDir) {
    byte[] index = resource(RESOURCE_ROOT + "/" + INDEX);
    if (index == null) {
      throw new IllegalStateException(
          "no bundled model repository on the class path (resource "
              + RESOURCE_ROOT
              + "/"
              + INDEX
              + " is missing): the streammod-models jar was built without its model conversion"
              + " step; build it with 'mvn -pl models install'");
    }
    List<Entry> entries = parse(new String(index, StandardCharsets.UTF_8));
    Path root =
        cacheDir.resolve(RESOURCE_ROOT).resolve(sha256Hex(index).substring(0, 16)).normalize();
    for (Entry e : entries) {
      Path target = root.resolve(e.path()).normalize();
      if (!target.startsWith(root)) {
        throw new IllegalStateException("bundled repository index names a path outside it: " + e);
      }
      if (!intact(target, e)) {
        copy(e, target);
      }
    }
    return new ModelRepository(root);
  }

  /**
   * A model by name from {@code repository} when it holds that model, otherwise from the bundled
   * repository: what a command line needs so that {@code --model nsfw-mobilenet-v2} works with no
   * repository folder at all. {@code repository} and {@code version} may be null (any folder / the
   * highest version).
   *
   * @throws IllegalArgumentException when neither has the model, naming both
   */
  public static ModelArtifact resolve(Path repository, String name, String version) {
    if (repository != null) {
      ModelRepository given = new ModelRepository(repository);
      if (given.models().contains(name)) {
        return version == null ? given.resolve(name) : given.resolve(name, version);
      }
    }
    ModelRepository bundled;
    try {
      bundled = materialise(defaultCacheDir());
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(
          "model '"
              + name
              + "' not found"
              + (repository == null ? "" : " in " + repository)
              + ", and "
              + e.getMessage(),
          e);
    }
    if (!bundled.models().contains(name)) {
      throw new IllegalArgumentException(
          "model '"
              + name
              + "' not found"
              + (repository == null
                  ? ""
                  : " in "
                      + repository
                      + " (models: "
                      + new ModelRepository(repository).models()
                      + ")")
              + " nor among the bundled models "
              + bundled.models());
    }
    return version == null ? bundled.resolve(name) : bundled.resolve(name, version);
  }

  /**
   * Writes the index of every file under {@code root} (the build calls this after it has written
   * the repository), and returns it.
   */
  public static String writeIndex(Path root) {
    List<Path> files;
    try (Stream<Path> s = Files.walk(root)) {
      files =
          s.filter(Files::isRegularFile)
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .filter(p -> !root.relativize(p).toString().equals(INDEX))
              .sorted()
              .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
    StringBuilder b = new StringBuilder();
    for (Path f : files) {
      String rel = root.relativize(f).toString().replace('\\', '/');
      try (InputStream in = Files.newInputStream(f)) {
        b.append(sha256Hex(in)).append(' ').append(Files.size(f)).append(' ').append(rel);
        b.append('\n');
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + f, e);
      }
    }
    String text = b.toString();
    try {
      Path index = root.resolve(INDEX);
      if (!Files.isRegularFile(index) || !Files.readString(index).equals(text)) {
        Files.writeString(index, text, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the index of " + root, e);
    }
    return text;
  }

  private static List<Entry> parse(String index) {
    List<Entry> entries = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new java.io.StringReader(index))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(" ", 3);
        if (f.length != 3 || f[0].length() != 64) {
          throw new IllegalStateException(
              "bundled repository index has a bad line: '" + line + "'");
        }
        entries.add(new Entry(f[0], Long.parseLong(f[1]), f[2]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return entries;
  }

  private static boolean intact(Path file, Entry e) {
    try {
      if (!Files.isRegularFile(file) || Files.size(file) != e.size()) {
        return false;
      }
      try (InputStream in = Files.newInputStream(file)) {
        return sha256Hex(in).equals(e.sha256());
      }
    } catch (IOException ex) {
      return false;
    }
  }

  private static void copy(Entry e, Path target) {
    String resource = RESOURCE_ROOT + "/" + e.path();
    try {
      AtomicFiles.write(
          target,
          out -> {
            MessageDigest md = sha256();
            try (InputStream in = new DigestInputStream(open(resource), md)) {
              in.transferTo(out);
            }
            String found = HexFormat.of().formatHex(md.digest());
            if (!found.equals(e.sha256())) {
              throw new IllegalStateException(
                  "bundled resource "
                      + resource
                      + " has sha256 "
                      + found
                      + " but the index says "
                      + e.sha256()
                      + " (a damaged jar?)");
            }
          });
    } catch (IOException ex) {
      throw new UncheckedIOException(
          "cannot copy the bundled "
              + resource
              + " to "
              + target
              + " (set -D"
              + CACHE_PROPERTY
              + " to a writable folder?)",
          ex);
    }
  }

  private static InputStream open(String resource) throws IOException {
    InputStream in = BundledRepository.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new IOException("resource " + resource + " named in the index is missing");
    }
    return in;
  }

  private static byte[] resource(String name) {
    try (InputStream in = BundledRepository.class.getClassLoader().getResourceAsStream(name)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource " + name, e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM lacks SHA-256", e);
    }
  }

  private static String sha256Hex(byte[] data) {
    return HexFormat.of().formatHex(sha256().digest(data));
  }

  private static String sha256Hex(InputStream in) throws IOException {
    MessageDigest md = sha256();
    byte[] buf = new byte[1 << 16];
    int n;
    while ((n = in.read(buf)) > 0) {
      md.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
