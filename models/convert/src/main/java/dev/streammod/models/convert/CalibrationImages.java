package dev.streammod.models.convert;

import dev.streammod.models.io.AtomicFiles;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The public-domain and CC0 images that calibrate the INT8 model and check it on images it was not
 * calibrated on: files of pinned Debian packages (photographs and textures of scikit-image's sample
 * data, drawings of the Open Clip Art Library), each pinned by sha256 in {@code
 * calibration-images.tsv} with its licence. None of them is a parity image.
 *
 * <p>Obtained from a folder given by the caller ({@code <dir>/<package>/<path>}, for offline
 * builds), else from the cache, else with {@code apt-get download <package>=<version>} and {@code
 * dpkg-deb --fsys-tarfile | tar -x} of the listed files only (no root needed); the downloaded
 * packages are deleted, the listed files are kept in the cache.
 */
public final class CalibrationImages {
  static final String LIST = "calibration-images.tsv";

  /** What an image is used for. */
  public enum Role {
    CALIBRATION("calibration"),
    HELD_OUT("held-out");

    private final String label;

    Role(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    static Role of(String label) {
      for (Role r : values()) {
        if (r.label.equals(label)) {
          return r;
        }
      }
      throw new IllegalArgumentException("role '" + label + "'; expected calibration or held-out");
    }
  }

  /** One pinned file of a Debian package. */
  public record Entry(
      Role role, String pkg, String version, String path, String sha256, String licence) {
    /** Where the file lies under a folder of obtained images. */
    public Path under(Path dir) {
      return dir.resolve(pkg).resolve(path);
    }

    /** A short unique name: the package and the file name. */
    public String id() {
      return pkg + "/" + path.substring(path.lastIndexOf('/') + 1);
    }
  }

  /** An obtained image: its entry and file. */
  public record Image(Entry entry, Path file) {}

  private CalibrationImages() {}

  /** The pinned list. */
  public static List<Entry> entries() {
    String text;
    try (InputStream in = CalibrationImages.class.getResourceAsStream(LIST)) {
      if (in == null) {
        throw new IllegalStateException(LIST + " is missing from the converter's class path");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + LIST, e);
    }
    List<Entry> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t");
      if (f.length != 6) {
        throw new IllegalStateException(LIST + ": expected 6 tab-separated fields in '" + line + "'");
      }
      out.add(new Entry(Role.of(f[0]), f[1], f[2], f[3], f[4], f[5]));
    }
    return out;
  }

  /** The cache folder of this list of images: its name changes with the list. */
  public static Path cacheDir(Path cacheRoot) {
    return cacheRoot.resolve(sha256(entries().toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16));
  }

  /**
   * The images, verified: from {@code localDir} if given (every file must be there and match),
   * else the cache under {@code cacheRoot}, else fetched with {@code aptGet} into that cache.
   */
  public static List<Image> obtain(Path localDir, Path cacheRoot, String aptGet) {
    List<Entry> entries = entries();
    if (localDir != null) {
      List<String> bad = mismatches(entries, localDir);
      if (!bad.isEmpty()) {
        throw new IllegalArgumentException(
            "the calibration images in "
                + localDir
                + " are incomplete or differ from the pinned ones ("
                + bad.size()
                + " files, first "
                + bad.get(0)
                + "); expected <dir>/<package>/<path> as listed in "
                + LIST);
      }
      return images(entries, localDir);
    }
    Path cache = cacheDir(cacheRoot);
    if (Files.isDirectory(cache) && mismatches(entries, cache).isEmpty()) {
      return images(entries, cache);
    }
    fetch(entries, cache, aptGet == null || aptGet.isBlank() ? "apt-get" : aptGet);
    return images(entries, cache);
  }

  /** The manifest written beside the INT8 model: role, package, version, file, sha256, licence. */
  public static String manifest(List<Image> images) {
    StringBuilder b = new StringBuilder("role\tpackage\tversion\tpath\tsha256\tlicence\n");
    for (Image i : images) {
      Entry e = i.entry();
      b.append(String.join("\t", e.role().label(), e.pkg(), e.version(), e.path(), e.sha256(), e.licence()))
          .append('\n');
    }
    return b.toString();
  }

  /**
   * Packed RGB24 at {@code size} x {@code size}, as a picture is classified: bilinear resize of the
   * whole image (no crop). Transparent pixels are composited on white, as drawings are seen.
   */
  public static byte[] rgb(Path file, int size) {
    BufferedImage image;
    try {
      image = ImageIO.read(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the image " + file, e);
    }
    if (image == null) {
      throw new IllegalArgumentException(file + " is not an image ImageIO reads");
    }
    BufferedImage scaled = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scaled.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, size, size);
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(image, 0, 0, size, size, null);
    g.dispose();
    int[] argb = scaled.getRGB(0, 0, size, size, null, 0, size);
    byte[] rgb = new byte[size * size * 3];
    for (int i = 0; i < argb.length; i++) {
      int p = argb[i];
      rgb[3 * i] = (byte) (p >> 16);
      rgb[3 * i + 1] = (byte) (p >> 8);
      rgb[3 * i + 2] = (byte) p;
    }
    return rgb;
  }

  private static List<Image> images(List<Entry> entries, Path dir) {
    List<Image> out = new ArrayList<>();
    for (Entry e : entries) {
      out.add(new Image(e, e.under(dir)));
    }
    return out;
  }

  private static List<String> mismatches(List<Entry> entries, Path dir) {
    List<String> bad = new ArrayList<>();
    for (Entry e : entries) {
      Path f = e.under(dir);
      try {
        if (!Files.isRegularFile(f)) {
          bad.add(f + " (missing)");
        } else if (!sha256(Files.readAllBytes(f)).equals(e.sha256())) {
          bad.add(f + " (sha256 differs)");
        }
      } catch (IOException ex) {
        bad.add(f + " (" + ex.getMessage() + ")");
      }
    }
    return bad;
  }

  private static void fetch(List<Entry> entries, Path cache, String aptGet) {
    Map<String, List<Entry>> byPackage = new LinkedHashMap<>();
    for (Entry e : entries) {
      byPackage.computeIfAbsent(e.pkg() + "=" + e.version(), k -> new ArrayList<>()).add(e);
    }
    Path work;
    try {
      Files.createDirectories(cache.getParent());
      work = Files.createTempDirectory(cache.getParent(), ".fetch");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a folder beside " + cache, e);
    }
    try {
      Path debs = Files.createDirectories(work.resolve("debs"));
      Path images = Files.createDirectories(work.resolve("images"));
      for (Map.Entry<String, List<Entry>> p : byPackage.entrySet()) {
        run(List.of(aptGet, "download", p.getKey()), debs, "download the Debian package " + p.getKey());
        String pkg = p.getValue().get(0).pkg();
        Path deb;
        try (Stream<Path> s = Files.list(debs)) {
          deb =
              s.filter(f -> f.getFileName().toString().startsWith(pkg + "_"))
                  .findFirst()
                  .orElseThrow(
                      () ->
                          new IllegalStateException(
                              aptGet + " download " + p.getKey() + " left no " + pkg + "_*.deb"));
        }
        Path target = Files.createDirectories(images.resolve(pkg));
        List<String> tar = new ArrayList<>(List.of("tar", "-x", "-C", target.toString()));
        p.getValue().forEach(e -> tar.add("./" + e.path()));
        extract(deb, tar);
        Files.delete(deb);
      }
      List<String> bad = mismatches(entries, images);
      if (!bad.isEmpty()) {
        throw new IllegalStateException(
            "the fetched calibration images differ from the pinned ones: " + bad);
      }
      if (Files.isDirectory(cache)) {
        deleteTree(cache);
      }
      Files.move(images, cache, StandardCopyOption.ATOMIC_MOVE);
      AtomicFiles.write(cache.resolve("MANIFEST.tsv"), manifest(images(entries, cache)).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot fetch the calibration images into " + cache, e);
    } finally {
      deleteTree(work);
    }
  }

  private static void run(List<String> command, Path dir, String what) {
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException(
            "cannot " + what + ": '" + String.join(" ", command) + "' failed: " + out.strip() + hint());
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot " + what + ": '" + String.join(" ", command) + "' did not start (" + e.getMessage() + ")" + hint(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while trying to " + what, e);
    }
  }

  private static void extract(Path deb, List<String> tar) {
    try {
      List<Process> ps =
          ProcessBuilder.startPipeline(
              List.of(
                  new ProcessBuilder("dpkg-deb", "--fsys-tarfile", deb.toString())
                      .redirectError(ProcessBuilder.Redirect.INHERIT),
                  new ProcessBuilder(tar).redirectErrorStream(true)));
      String out = new String(ps.get(1).getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      for (Process p : ps) {
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
          throw new IllegalStateException(
              "cannot extract the calibration images from " + deb + " with dpkg-deb | tar: " + out.strip() + hint());
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run dpkg-deb | tar on " + deb + " (" + e.getMessage() + ")" + hint(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while extracting " + deb, e);
    }
  }

  private static String hint() {
    return ". The INT8 model needs its calibration images: on a machine without apt, fetch the"
        + " packages named in "
        + LIST
        + " elsewhere, extract them as <dir>/<package>/<path> and pass"
        + " -Dstreammod.calibration.images=<dir>; or build without the INT8 model:"
        + " -Dstreammod.int8=false";
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<Image> of(Role role, List<Image> images) {
    Objects.requireNonNull(role, "role");
    return images.stream().filter(i -> i.entry().role() == role).toList();
  }
}
