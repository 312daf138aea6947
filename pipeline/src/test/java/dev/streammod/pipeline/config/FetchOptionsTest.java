package dev.streammod.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streammod.decoders.fetch.FetchSettings;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FetchOptionsTest {
  @TempDir Path dir;

  @Test
  void fetchingIsOffByDefaultAndMaxBytesFollowsTheDecoder() {
    FetchOptions f = SettingsLoader.load(null, Map.of()).fetch();
    assertThat(f.enabled()).isFalse();
    assertThat(f.allowedSchemes()).isEmpty();
    assertThat(f.allowedHosts()).isEmpty();
    assertThat(f.allowedPathPrefixes()).isEmpty();
    assertThat(f.maxBytes()).isEqualTo(64L << 20);
    assertThat(f.timeoutMs()).isEqualTo(FetchSettings.DEFAULT_TIMEOUT.toMillis());
    assertThat(f.connectTimeoutMs()).isEqualTo(FetchSettings.DEFAULT_CONNECT_TIMEOUT.toMillis());
    assertThat(f.maxRedirects()).isZero();
    assertThat(f.threads()).isEqualTo(FetchOptions.DEFAULT_THREADS);
    assertThat(JobSettings.defaults().fetch()).isEqualTo(f);
    assertThatThrownBy(f::toFetchSettings)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("fetch.allowed-schemes");

    FetchOptions smaller =
        SettingsLoader.load(null, Map.of("decoder.max-payload-bytes", "1000000")).fetch();
    assertThat(smaller.maxBytes()).isEqualTo(1_000_000);
  }

  @Test
  void yamlSectionBecomesFetchSettings() throws Exception {
    Path f = dir.resolve("job.yaml");
    Files.writeString(
        f,
        """
        fetch:
          allowed-schemes: [https, file]
          allowed-hosts: [cdn.example.com, "*.segments.example.net", "10.0.0.7:8080"]
          allowed-path-prefixes: [/live/, /srv/segments]
          max-bytes: 8388608
          timeout-ms: 5000
          connect-timeout-ms: 500
          max-redirects: 2
        """);
    FetchOptions o = SettingsLoader.load(f, Map.of()).fetch();
    assertThat(o.enabled()).isTrue();
    FetchSettings s = o.toFetchSettings();
    assertThat(s.allowedSchemes()).isEqualTo(Set.of("https", "file"));
    assertThat(s.allowedHosts())
        .isEqualTo(Set.of("cdn.example.com", "*.segments.example.net", "10.0.0.7:8080"));
    assertThat(s.allowedPathPrefixes()).containsExactly("/live/", "/srv/segments");
    assertThat(s.maxBytes()).isEqualTo(8L << 20);
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.maxRedirects()).isEqualTo(2);
  }

  @Test
  void overridesTakeListsOrCommaSeparatedStrings() {
    FetchOptions o =
        SettingsLoader.load(
                null,
                Map.of(
                    "fetch.allowed-schemes", "file,http",
                    "fetch.allowed-hosts", "[127.0.0.1:8080, cdn.example.com]",
                    "fetch.allowed-path-prefixes", "/srv/segments"))
            .fetch();
    assertThat(o.allowedSchemes()).containsExactly("file", "http");
    assertThat(o.allowedHosts()).containsExactly("127.0.0.1:8080", "cdn.example.com");
    assertThat(o.allowedPathPrefixes()).containsExactly("/srv/segments");
    assertThat(SettingsLoader.load(null, Map.of("fetch.allowed-schemes", "")).fetch().enabled())
        .isFalse();
  }

  @Test
  void optionsSurviveJavaSerialization() throws Exception {
    FetchOptions o =
        SettingsLoader.load(
                null,
                Map.of("fetch.allowed-schemes", "file", "fetch.allowed-path-prefixes", "/srv"))
            .fetch();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(in.readObject()).isEqualTo(o);
    }
  }

  @Test
  void badValuesAreRefusedWithKeyAndValue() {
    assertRefused(Map.of("fetch.allowed-schemes", "ftp"), "fetch.allowed-schemes", "\"ftp\"");
    assertRefused(
        Map.of("fetch.allowed-schemes", "https"), "fetch.allowed-hosts", "must name at least one");
    assertRefused(
        Map.of("fetch.allowed-schemes", "file"),
        "fetch.allowed-path-prefixes",
        "must name at least one");
    assertRefused(
        Map.of(
            "fetch.allowed-schemes", "file",
            "fetch.allowed-path-prefixes", "segments/"),
        "fetch.allowed-path-prefixes",
        "\"segments/\"");
    assertRefused(
        Map.of(
            "fetch.allowed-schemes", "https",
            "fetch.allowed-hosts", "cdn.example.com/live"),
        "fetch.allowed-hosts",
        "\"cdn.example.com/live\"");
    assertRefused(Map.of("fetch.max-bytes", "0"), "fetch.max-bytes", "got 0");
    assertRefused(Map.of("fetch.timeout-ms", "-5"), "fetch.timeout-ms", "got -5");
    assertRefused(
        Map.of("fetch.connect-timeout-ms", "7200000"), "fetch.connect-timeout-ms", "7200000");
    assertRefused(Map.of("fetch.max-redirects", "11"), "fetch.max-redirects", "got 11");
    assertRefused(Map.of("fetch.threads", "-1"), "fetch.threads", "got -1");
    assertRefused(Map.of("fetch.threads", "257"), "fetch.threads", "got 257");
    assertThat(SettingsLoader.load(null, Map.of("fetch.threads", "0")).fetch().threads())
        .as("0: fetch on the decode threads")
        .isZero();
    assertRefused(Map.of("fetch.allowed-host", "x"), "allowed-host", "allowed-hosts");
  }

  @Test
  void allowlistWithoutSchemesIsRefusedRatherThanIgnored() {
    assertRefused(
        Map.of("fetch.allowed-hosts", "cdn.example.com"),
        "fetch.allowed-schemes is empty",
        "cdn.example.com");
  }

  @Test
  void limitsAreCheckedAgainstTheDecoderAndTheSegmentTimeout() {
    assertRefused(
        Map.of("decoder.max-payload-bytes", "1000", "fetch.max-bytes", "2000"),
        "fetch.max-bytes must be <= decoder.max-payload-bytes (1000)",
        "got 2000");
    Map<String, String> enabled =
        Map.of(
            "fetch.allowed-schemes", "file",
            "fetch.allowed-path-prefixes", "/srv",
            "job.segment-timeout-ms", "5000");
    assertRefused(
        enabled,
        "fetch.timeout-ms must be < job.segment-timeout-ms (5000)",
        "got " + FetchSettings.DEFAULT_TIMEOUT.toMillis());
    assertThat(
            SettingsLoader.load(
                    null,
                    Map.of(
                        "fetch.allowed-schemes", "file",
                        "fetch.allowed-path-prefixes", "/srv",
                        "job.segment-timeout-ms", "5000",
                        "fetch.timeout-ms", "4000"))
                .fetch()
                .timeoutMs())
        .isEqualTo(4000);
    assertThat(
            SettingsLoader.load(null, Map.of("job.segment-timeout-ms", "5000")).fetch().enabled())
        .as("disabled fetching does not constrain the segment timeout")
        .isFalse();
  }

  @Test
  void exampleConfigurationListsTheFetchSection() throws Exception {
    Path example = Path.of("..", "deploy", "config", "moderation.yaml");
    assertThat(Files.readString(example)).contains("fetch:").contains("allowed-schemes:");
    FetchOptions f = SettingsLoader.load(example, Map.of()).fetch();
    assertThat(f).isEqualTo(SettingsLoader.load(null, Map.of()).fetch());
    assertThat(f.allowedSchemes()).isEqualTo(List.of());
  }

  private static void assertRefused(Map<String, String> overrides, String... inMessage) {
    assertThatThrownBy(() -> SettingsLoader.load(null, overrides))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(
            e -> {
              for (String s : inMessage) {
                assertThat(e.getMessage()).contains(s);
              }
            });
  }
}
