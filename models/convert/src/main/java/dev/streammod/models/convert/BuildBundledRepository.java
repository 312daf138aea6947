package dev.streammod.models.convert;

import dev.streammod.models.BundledRepository;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The build step that makes the bundled model repository (Maven runs it at {@code process-classes}
 * through exec-maven-plugin): obtains the pinned nsfwjs tarball (a local file, the cache, or {@code
 * npm pack}), verifies its integrity, converts its MobileNetV2 to ONNX and writes {@code
 * <output>/nsfw-mobilenet-v2/1/{model.onnx,config.yaml}} and the index.
 *
 * <pre>
 * BuildBundledRepository --output=DIR [--npm-cache=DIR] [--tarball=FILE] [--npm=COMMAND]
 * </pre>
 *
 * An empty {@code --tarball=} means none. Errors are thrown, never {@code System.exit}: this runs
 * inside the Maven JVM.
 */
public final class BuildBundledRepository {
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
        NsfwjsMobileNetV2.PACKAGE.obtain(
            tarball.isBlank() ? null : Path.of(tarball), cacheDir, a.get("npm"));
    Path root = Path.of(output);
    NsfwjsMobileNetV2.writeTo(root, tgz);
    BundledRepository.writeIndex(root);
    System.out.printf(
        "[streammod] %s %s (%s) -> %s in %d ms%n",
        NsfwjsMobileNetV2.PACKAGE.spec(),
        NsfwjsMobileNetV2.PACKAGE.integrity().substring(0, 20) + "...",
        tgz,
        root.resolve(NsfwjsMobileNetV2.NAME).resolve(NsfwjsMobileNetV2.VERSION),
        (System.nanoTime() - start) / 1_000_000);
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException(
            "arguments are --name=value (output, npm-cache, tarball, npm), got '" + arg + "'");
      }
      String key = arg.substring(2, eq);
      if (!key.equals("output")
          && !key.equals("npm-cache")
          && !key.equals("tarball")
          && !key.equals("npm")) {
        throw new IllegalArgumentException(
            "unknown argument --" + key + "; known: --output, --npm-cache, --tarball, --npm");
      }
      m.put(key, arg.substring(eq + 1).trim());
    }
    return m;
  }
}
