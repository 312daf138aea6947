package dev.streammod.models.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TarGzTest {
  @TempDir Path dir;

  @Test
  void readsTheWantedFilesIncludingPaxLongNames() throws IOException {
    String longPath = "package/" + "deep/".repeat(25) + "file.js";
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("package/package.json", "{}".getBytes(StandardCharsets.UTF_8));
    files.put("package/big.bin", new byte[1500]);
    files.put(longPath, "long".getBytes(StandardCharsets.UTF_8));
    files.put("package/empty.txt", new byte[0]);
    Path tgz = dir.resolve("p.tgz");
    Files.write(tgz, TestTarballs.tgz(files));

    Map<String, byte[]> read = TarGz.read(tgz, p -> !p.endsWith(".bin"));

    assertThat(read.keySet())
        .containsExactly("package/package.json", longPath, "package/empty.txt");
    assertThat(new String(read.get(longPath), StandardCharsets.UTF_8)).isEqualTo("long");
    assertThat(read.get("package/empty.txt")).isEmpty();
  }

  @Test
  void somethingElseIsNotATarArchive() throws IOException {
    Path notGzip = dir.resolve("a.tgz");
    Files.writeString(notGzip, "hello");
    assertThatThrownBy(() -> TarGz.read(notGzip, p -> true)).isInstanceOf(IOException.class);

    Path notTar = dir.resolve("b.tgz");
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(notTar))) {
      out.write(new byte[600]);
      out.write("x".repeat(600).getBytes(StandardCharsets.UTF_8));
    }
    // 512 zero bytes first: an empty archive
    assertThat(TarGz.read(notTar, p -> true)).isEmpty();

    Path garbage = dir.resolve("c.tgz");
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(garbage))) {
      out.write("y".repeat(1024).getBytes(StandardCharsets.UTF_8));
    }
    assertThatThrownBy(() -> TarGz.read(garbage, p -> true))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a tar archive");
  }
}
