package dev.streammod.models.convert;

import dev.streammod.models.BundledRepository;
import dev.streammod.models.ModelArtifact;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The build step that makes the bundled model repository (Maven runs it at {@code process-classes}
 * through exec-maven-plugin): obtains the pinned nsfwjs tarball (a local file, the cache, or {@code
 * npm pack}), verifies its integrity, converts each of its models that we ship ({@link
 * NsfwjsModel}: MobileNetV2, InceptionV3) to ONNX and writes {@code
 * <output>/<name>/1/{model.onnx,config.yaml}}; obtains the calibration images (a local folder, the
 * cache, or {@code apt-get download}), calibrates and writes the INT8 model {@code
 * <output>/nsfw-mobilenet-v2-int8/1/}; then the index. With {@code --images-out=DIR} it also writes
 * every calibration and held-out image as the model sees it (224x224 PNG) under {@code
 * DIR/<role>/}, for the tests.
 *
 * <pre>
 * BuildBundledRepository --output=DIR [--npm-cache=DIR] [--tarball=FILE] [--npm=COMMAND]
 *     [--calibration-cache=DIR] [--calibration-images=DIR] [--apt-get=COMMAND] [--images-out=DIR]
 *     [--int8=true|false]
 * </pre>
 *
 * An empty value means none (the default). Without the calibration images the build fails: a bundle
 * without its INT8 model would pass for a complete one; {@code --int8=false} leaves it out on
 * purpose. Errors are thrown, never {@code System.exit}: this runs inside the Maven JVM.
 */
public final class BuildBundledRepository {
  private static final List<String> KNOWN =
      List.of(
          "output",
          "npm-cache",
          "tarball",
          "npm",
          "calibration-cache",
          "calibration-images",
          "apt-get",
          "images-out",
          "int8");

  private BuildBundledRepository() {}

  public static void main(String[] args) {
    Map<String, String> a = parse(args);
    String output = a.get("output");
    if (output == null || output.isBlank()) {
      throw new IllegalArgumentException("--output=DIR is required");
    }
    String tarball = a.getOrDefault("tarball", "");
    String cache = a.getOrDefault("npm-cache", "");
    Path cacheDir =
        cache.isBlank() ? BundledRepository.defaultCacheDir().resolve("npm") : Path.of(cache);
    long start = System.nanoTime();
    Path tgz =
        NsfwjsModel.PACKAGE.obtain(
            tarball.isBlank() ? null : Path.of(tarball), cacheDir, a.get("npm"));
    System.out.printf(
        "[streammod] %s (%s) from %s%n",
        NsfwjsModel.PACKAGE.spec(), NsfwjsModel.PACKAGE.integrity().substring(0, 20) + "...", tgz);
    Path root = Path.of(output);
    for (NsfwjsModel m : NsfwjsModel.values()) {
      long modelStart = System.nanoTime();
      ModelArtifact written = m.writeTo(root, tgz);
      System.out.printf(
          "[streammod] %s -> %s (%.1f MB) in %d ms%n",
          m.nsfwjsName(),
          written.modelFile(),
          sizeOf(written.modelFile()) / 1e6,
          (System.nanoTime() - modelStart) / 1_000_000);
    }
    if ("false".equalsIgnoreCase(a.getOrDefault("int8", "true"))) {
      BundledRepository.writeIndex(root);
      System.out.printf("[streammod] %s left out (--int8=false)%n", NsfwjsMobileNetV2Int8.NAME);
      return;
    }
    long int8Start = System.nanoTime();
    String calibrationCache = a.getOrDefault("calibration-cache", "");
    String localImages = a.getOrDefault("calibration-images", "");
    List<CalibrationImages.Image> images =
        CalibrationImages.obtain(
            localImages.isBlank() ? null : Path.of(localImages),
            calibrationCache.isBlank()
                ? BundledRepository.defaultCacheDir().resolve("calibration")
                : Path.of(calibrationCache),
            a.get("apt-get"));
    NsfwjsMobileNetV2Int8.writeTo(root, tgz, images);
    String imagesOut = a.getOrDefault("images-out", "");
    if (!imagesOut.isBlank()) {
      writeImages(images, Path.of(imagesOut));
    }
    BundledRepository.writeIndex(root);
    System.out.printf(
        "[streammod] %s: calibrated on %d images, %d held out -> %s in %d ms%n",
        NsfwjsMobileNetV2Int8.NAME,
        CalibrationImages.of(CalibrationImages.Role.CALIBRATION, images).size(),
        CalibrationImages.of(CalibrationImages.Role.HELD_OUT, images).size(),
        root.resolve(NsfwjsMobileNetV2Int8.NAME).resolve(NsfwjsMobileNetV2Int8.VERSION),
        (System.nanoTime() - int8Start) / 1_000_000);
    System.out.printf(
        "[streammod] bundled model repository %s in %d ms%n",
        root, (System.nanoTime() - start) / 1_000_000);
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the size of " + file, e);
    }
  }

  /** Each image at the model's size as a PNG, {@code <dir>/<role>/<package>-<file>.png}. */
  private static void writeImages(List<CalibrationImages.Image> images, Path dir) {
    for (CalibrationImages.Image i : images) {
      int size = NsfwjsModel.MOBILENET_V2.size();
      byte[] rgb = CalibrationImages.rgb(i.file(), size);
      BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
      for (int p = 0; p < size * size; p++) {
        int rgbPixel =
            (rgb[3 * p] & 0xff) << 16 | (rgb[3 * p + 1] & 0xff) << 8 | (rgb[3 * p + 2] & 0xff);
        img.setRGB(p % size, p / size, rgbPixel);
      }
      String name = i.entry().id().replace('/', '-').replaceAll("\\.[a-z]+$", "") + ".png";
      Path file = dir.resolve(i.entry().role().label()).resolve(name);
      try {
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
    }
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException(
            "arguments are --name=value (" + String.join(", ", KNOWN) + "), got '" + arg + "'");
      }
      String key = arg.substring(2, eq);
      if (!KNOWN.contains(key)) {
        throw new IllegalArgumentException(
            "unknown argument --" + key + "; known: --" + String.join(", --", KNOWN));
      }
      m.put(key, arg.substring(eq + 1).trim());
    }
    return m;
  }
}
