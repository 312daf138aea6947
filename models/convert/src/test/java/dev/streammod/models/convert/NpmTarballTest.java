package dev.streammod.models.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Fetching, caching and verifying a pinned tarball, with a fake npm (a shell script). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NpmTarballTest {
  // sha512("abc"), from FIPS 180-2, base64
  private static final String ABC =
      "sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==";

  @TempDir Path dir;

  private final NpmTarball pinned = new NpmTarball("@scope/pkg", "1.2.3", ABC, "pkg.tarball");

  @Test
  void integrityIsSha512InBase64LikeNpm() throws IOException {
    Path f = dir.resolve("abc");
    Files.writeString(f, "abc");
    assertThat(NpmTarball.integrityOf(f)).isEqualTo(ABC);
    assertThat(pinned.fileName()).isEqualTo("scope-pkg-1.2.3.tgz");
  }

  @Test
  void aLocalTarballIsUsedAsItIsWhenItsHashMatches() throws IOException {
    Path local = dir.resolve("mine.tgz");
    Files.writeString(local, "abc");
    assertThat(pinned.obtain(local, dir.resolve("cache"), "/nonexistent/npm")).isEqualTo(local);
    assertThat(dir.resolve("cache")).doesNotExist();
  }

  @Test
  void aWrongLocalTarballSaysWhatWasExpectedAndWhatWasFound() throws IOException {
    Path local = dir.resolve("mine.tgz");
    Files.writeString(local, "abd");
    assertThatThrownBy(() -> pinned.obtain(local, dir.resolve("cache"), "/nonexistent/npm"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("integrity check failed for the local tarball of @scope/pkg@1.2.3")
        .hasMessageContaining("expected " + ABC)
        .hasMessageContaining("but found sha512-")
        .hasMessageContaining("-Dpkg.tarball=");
    assertThatThrownBy(() -> pinned.obtain(dir.resolve("absent.tgz"), dir, null))
        .hasMessageContaining("does not exist");
  }

  @Test
  void missingNpmIsAClearError() {
    assertThatThrownBy(() -> pinned.obtain(null, dir.resolve("cache"), "/nonexistent/npm"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot run '/nonexistent/npm' to fetch @scope/pkg@1.2.3")
        .hasMessageContaining("needs npm")
        .hasMessageContaining("-Dpkg.tarball=/path/to/scope-pkg-1.2.3.tgz");
  }

  @Test
  void fetchesOnceWithNpmPackThenUsesTheCache() throws IOException {
    Path npm = fakeNpm("abc");
    Path cache = dir.resolve("cache");

    Path first = pinned.obtain(null, cache, npm.toString());
    Path second = pinned.obtain(null, cache, npm.toString());

    assertThat(first).isEqualTo(cache.resolve("scope-pkg-1.2.3.tgz")).isEqualTo(second);
    assertThat(Files.readString(first)).isEqualTo("abc");
    assertThat(Files.readAllLines(dir.resolve("calls")))
        .containsExactly("pack @scope/pkg@1.2.3 --pack-destination");
    try (var s = Files.list(cache)) {
      assertThat(s).containsExactly(first); // no temp folder left behind
    }
  }

  @Test
  void aDamagedCacheEntryIsFetchedAgain() throws IOException {
    Path npm = fakeNpm("abc");
    Path cache = Files.createDirectories(dir.resolve("cache"));
    Files.writeString(cache.resolve("scope-pkg-1.2.3.tgz"), "ab");

    assertThat(Files.readString(pinned.obtain(null, cache, npm.toString()))).isEqualTo("abc");
    assertThat(Files.readAllLines(dir.resolve("calls"))).hasSize(1);
  }

  @Test
  void aFetchedTarballWithTheWrongHashIsRefusedAndNotCached() throws IOException {
    Path npm = fakeNpm("not the release");
    Path cache = dir.resolve("cache");
    assertThatThrownBy(() -> pinned.obtain(null, cache, npm.toString()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("integrity check failed for the tarball npm fetched")
        .hasMessageContaining("expected " + ABC);
    try (var s = Files.list(cache)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void aFailingNpmShowsItsOutput() throws IOException {
    Path npm = script("echo 'npm error 404 Not Found - GET https://registry/x' >&2\nexit 1\n");
    assertThatThrownBy(() -> pinned.obtain(null, dir.resolve("cache"), npm.toString()))
        .hasMessageContaining("failed (exit 1")
        .hasMessageContaining("404 Not Found");
  }

  /** An "npm" that logs its first arguments and writes {@code content} as the packed tarball. */
  private Path fakeNpm(String content) throws IOException {
    Path payload = dir.resolve("payload");
    Files.writeString(payload, content);
    return script(
        "echo \"$1 $2 $3\" >> '"
            + dir.resolve("calls")
            + "'\ncp '"
            + payload
            + "' \"$4/scope-pkg-1.2.3.tgz\"\n");
  }

  private Path script(String body) throws IOException {
    Path s = dir.resolve("npm-" + System.nanoTime());
    Files.writeString(s, "#!/bin/sh\n" + body, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwx------"));
    return s;
  }
}
