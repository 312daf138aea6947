package dev.streammod.decoders.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** file: URIs in a temporary directory, and an HTTP server on 127.0.0.1 in this JVM. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PayloadFetcherTest {

  private static final byte[] SEGMENT = bytes(100_000, 1);
  private static final byte[] BIG = bytes(300_000, 2);

  private static HttpServer server;
  private static ExecutorService serverThreads;
  private static String base;
  private static final List<String> REQUESTS = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    serverThreads = Executors.newFixedThreadPool(4);
    server.setExecutor(serverThreads);
    server.createContext("/", PayloadFetcherTest::handle);
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterAll
  static void stopServer() {
    server.stop(0);
    serverThreads.shutdownNow();
  }

  private static void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    REQUESTS.add(path);
    try (exchange) {
      switch (path) {
        case "/live/seg.ts" -> send(exchange, 200, SEGMENT, true);
        case "/live/big.ts" -> send(exchange, 200, BIG, true);
        case "/live/big-chunked.ts" -> send(exchange, 200, BIG, false);
        case "/live/slow-headers.ts" -> {
          sleep(3_000);
          send(exchange, 200, SEGMENT, true);
        }
        case "/live/slow-body.ts" -> {
          exchange.sendResponseHeaders(200, SEGMENT.length);
          OutputStream out = exchange.getResponseBody();
          for (int i = 0; i < SEGMENT.length; i += 1000) {
            out.write(SEGMENT, i, 1000);
            out.flush();
            sleep(50);
          }
        }
        case "/live/error.ts" -> send(exchange, 503, new byte[0], true);
        case "/live/redirect-inside.ts" -> redirect(exchange, "/live/seg.ts");
        case "/live/redirect-outside.ts" -> redirect(exchange, "/private/keys");
        case "/live/redirect-other-host.ts" ->
            redirect(exchange, "http://localhost:" + server.getAddress().getPort() + "/live/seg.ts");
        default -> send(exchange, 404, new byte[0], true);
      }
    } catch (IOException e) {
      // The client hung up (timeouts, size limits): expected in these tests.
    }
  }

  private static void send(HttpExchange exchange, int status, byte[] body, boolean length)
      throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : length ? body.length : 0);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static void redirect(HttpExchange exchange, String location) throws IOException {
    exchange.getResponseHeaders().add("Location", location);
    exchange.sendResponseHeaders(302, -1);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** http to 127.0.0.1 under /live/, 200 kB at most, 10 s (generous: CI machines are busy). */
  private static PayloadFetcher http(UnaryOperator<FetchSettings.Builder> customize) {
    return new PayloadFetcher(
        customize
            .apply(
                FetchSettings.builder()
                    .allowSchemes("http")
                    .allowHosts("127.0.0.1")
                    .allowPathPrefixes("/live/")
                    .maxBytes(200_000)
                    .timeout(Duration.ofSeconds(10)))
            .build());
  }

  @Test
  void httpFetchesAnAllowedUri() {
    try (PayloadFetcher f = http(b -> b)) {
      FetchResult r = f.fetch(base + "/live/seg.ts?token=secret");
      assertThat(r).isInstanceOf(FetchedPayload.class);
      FetchedPayload p = (FetchedPayload) r;
      assertThat(p.bytes()).isEqualTo(SEGMENT);
      assertThat(p.uri()).doesNotContain("secret").contains("/live/seg.ts");
    }
  }

  @Test
  void refusalsHappenBeforeAnyRequest() {
    try (PayloadFetcher f = http(b -> b)) {
      int before = REQUESTS.size();
      assertFailure(
          f.fetch("https://127.0.0.1/live/seg.ts"),
          FetchErrorCode.SCHEME_NOT_ALLOWED,
          "\"https\"",
          "allowedSchemes=[http]");
      assertFailure(
          f.fetch("ftp://127.0.0.1/live/seg.ts"), FetchErrorCode.SCHEME_NOT_ALLOWED, "ftp");
      assertFailure(
          f.fetch(base.replace("127.0.0.1", "localhost") + "/live/seg.ts"),
          FetchErrorCode.HOST_NOT_ALLOWED,
          "\"localhost\"",
          "allowedHosts=[127.0.0.1]");
      assertFailure(
          f.fetch(base + "/private/keys?sig=secret"),
          FetchErrorCode.PATH_NOT_ALLOWED,
          "\"/private/keys\"",
          "allowedPathPrefixes=[/live/]");
      assertFailure(
          f.fetch(base + "/live/../private/keys"), FetchErrorCode.PATH_NOT_ALLOWED, "dot segments");
      assertFailure(
          f.fetch(base + "/live/%2e%2e/private/keys"),
          FetchErrorCode.PATH_NOT_ALLOWED,
          "dot segments");
      assertFailure(f.fetch(base + "/live-old/seg.ts"), FetchErrorCode.PATH_NOT_ALLOWED);
      assertFailure(
          f.fetch("http://user:pw@127.0.0.1/live/seg.ts"),
          FetchErrorCode.INVALID_URI,
          "user info");
      assertFailure(f.fetch("not a uri"), FetchErrorCode.INVALID_URI);
      assertFailure(f.fetch(null), FetchErrorCode.INVALID_URI, "null");
      assertThat(REQUESTS.size()).isEqualTo(before);
    }
  }

  @Test
  void messagesNeverShowTheQuery() {
    try (PayloadFetcher f = http(b -> b)) {
      FetchResult r = f.fetch(base + "/private/x?X-Amz-Signature=abc123");
      assertThat(((FetchFailure) r).message()).doesNotContain("abc123").contains("redacted");
    }
  }

  @Test
  void redactedShowsReferencesWithoutSecrets() {
    assertThat(PayloadFetcher.redacted("https://cdn.example.com/live/a.ts?X-Amz-Signature=abc123"))
        .isEqualTo("https://cdn.example.com/live/a.ts?<query redacted>");
    assertThat(PayloadFetcher.redacted("http://user:hunter2@cdn.example.com:8080/a.ts#t=1"))
        .isEqualTo("http://cdn.example.com:8080/a.ts");
    assertThat(PayloadFetcher.redacted("file:///segments/a.ts")).isEqualTo("file:///segments/a.ts");
    assertThat(PayloadFetcher.redacted("http://user:hunter2@cdn example/a b?sig=abc123"))
        .doesNotContain("hunter2")
        .doesNotContain("abc123")
        .contains("cdn example");
    assertThat(PayloadFetcher.redacted(null)).isEqualTo("null");
  }

  @Test
  void httpNotFoundAndError() {
    try (PayloadFetcher f = http(b -> b)) {
      assertFailure(f.fetch(base + "/live/missing.ts"), FetchErrorCode.NOT_FOUND, "HTTP 404");
      assertFailure(f.fetch(base + "/live/error.ts"), FetchErrorCode.HTTP_ERROR, "HTTP 503");
    }
  }

  @Test
  void slowResponsesTimeOut() {
    // The server waits 3 s before its headers, or trickles the body over 5 s.
    try (PayloadFetcher f = http(b -> b.timeout(Duration.ofMillis(700)))) {
      long start = System.nanoTime();
      assertFailure(
          f.fetch(base + "/live/slow-headers.ts"), FetchErrorCode.TIMEOUT, "timeout=700 ms");
      assertFailure(f.fetch(base + "/live/slow-body.ts"), FetchErrorCode.TIMEOUT);
      assertThat((System.nanoTime() - start) / 1e9).isLessThan(2.9);
    }
  }

  @Test
  void oversizedResponsesAreCutOff() {
    try (PayloadFetcher f = http(b -> b)) {
      assertFailure(
          f.fetch(base + "/live/big.ts"),
          FetchErrorCode.TOO_LARGE,
          "300000 bytes (Content-Length)",
          "maxBytes=200000");
      assertFailure(
          f.fetch(base + "/live/big-chunked.ts"),
          FetchErrorCode.TOO_LARGE,
          "while downloading");
    }
  }

  @Test
  void redirectsAreRecheckedOrRefused() {
    try (PayloadFetcher none = http(b -> b)) {
      assertFailure(
          none.fetch(base + "/live/redirect-inside.ts"),
          FetchErrorCode.HTTP_ERROR,
          "not followed (maxRedirects=0)");
    }
    try (PayloadFetcher one = http(b -> b.maxRedirects(1))) {
      assertThat(one.fetch(base + "/live/redirect-inside.ts")).isInstanceOf(FetchedPayload.class);
      int before = REQUESTS.size();
      assertFailure(
          one.fetch(base + "/live/redirect-outside.ts"),
          FetchErrorCode.PATH_NOT_ALLOWED,
          "redirect from",
          "/private/keys");
      assertFailure(
          one.fetch(base + "/live/redirect-other-host.ts"), FetchErrorCode.HOST_NOT_ALLOWED);
      assertThat(REQUESTS.subList(before, REQUESTS.size())).doesNotContain("/private/keys");
    }
  }

  @Test
  void connectionRefusedIsAnIoError() throws IOException {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (PayloadFetcher f = http(b -> b)) {
      assertFailure(
          f.fetch("http://127.0.0.1:" + port + "/live/seg.ts"), FetchErrorCode.IO_ERROR);
    }
  }

  @Test
  void fileUrisInsideTheAllowedDirectory(@TempDir Path dir) throws IOException {
    Path segments = Files.createDirectories(dir.resolve("segments"));
    Path secret = Files.write(dir.resolve("secret.key"), new byte[] {1, 2, 3});
    Path seg = Files.write(segments.resolve("a.ts"), SEGMENT);
    Files.write(segments.resolve("big.ts"), BIG);
    Files.createSymbolicLink(segments.resolve("escape.ts"), secret);
    Files.createDirectories(segments.resolve("sub.ts"));
    try (PayloadFetcher f =
        new PayloadFetcher(
            FetchSettings.builder()
                .allowSchemes("file")
                .allowPathPrefixes(segments.toString())
                .maxBytes(200_000)
                .build())) {
      FetchResult ok = f.fetch(seg.toUri().toString());
      assertThat(ok).isInstanceOf(FetchedPayload.class);
      assertThat(((FetchedPayload) ok).bytes()).isEqualTo(SEGMENT);
      assertFailure(
          f.fetch(secret.toUri().toString()),
          FetchErrorCode.PATH_NOT_ALLOWED,
          "allowedPathPrefixes");
      assertFailure(
          f.fetch("file://" + segments + "/../secret.key"),
          FetchErrorCode.PATH_NOT_ALLOWED,
          "dot segments");
      assertFailure(
          f.fetch(segments.resolve("escape.ts").toUri().toString()),
          FetchErrorCode.PATH_NOT_ALLOWED,
          "symbolic link");
      assertFailure(
          f.fetch(segments.resolve("missing.ts").toUri().toString()), FetchErrorCode.NOT_FOUND);
      assertFailure(
          f.fetch(segments.resolve("big.ts").toUri().toString()),
          FetchErrorCode.TOO_LARGE,
          "300000 bytes on disk");
      assertFailure(
          f.fetch(segments.resolve("sub.ts").toUri().toString()),
          FetchErrorCode.IO_ERROR,
          "not a regular file");
      assertFailure(
          f.fetch("file://otherhost" + seg), FetchErrorCode.INVALID_URI, "remote file host");
      assertFailure(f.fetch(base + "/live/seg.ts"), FetchErrorCode.SCHEME_NOT_ALLOWED);
    }
  }

  @Test
  void settingsAreValidatedAndImmutable() {
    assertRejected(FetchSettings.builder(), "allowedSchemes", "empty");
    assertRejected(FetchSettings.builder().allowSchemes("ftp"), "allowedSchemes", "ftp");
    assertRejected(FetchSettings.builder().allowSchemes("https"), "allowedHosts", "empty");
    assertRejected(FetchSettings.builder().allowSchemes("file"), "allowedPathPrefixes", "empty");
    assertRejected(
        FetchSettings.builder().allowSchemes("file").allowPathPrefixes("relative/dir"),
        "allowedPathPrefixes",
        "relative/dir");
    assertRejected(
        FetchSettings.builder().allowSchemes("https").allowHosts("bad host"),
        "allowedHosts",
        "bad host");
    FetchSettings.Builder ok = FetchSettings.builder().allowSchemes("https").allowHosts("a.b");
    assertRejected(copy(ok).maxBytes(0), "maxBytes", "0");
    assertRejected(copy(ok).timeout(Duration.ZERO), "timeout", "PT0S");
    assertRejected(copy(ok).connectTimeout(null), "connectTimeout", "null");
    assertRejected(copy(ok).maxRedirects(11), "maxRedirects", "11");

    FetchSettings s = ok.allowHosts("*.cdn.example.com", "10.0.0.7:8080").build();
    assertThat(s.toBuilder().build()).isEqualTo(s).hasSameHashCodeAs(s);
    assertThatThrownBy(() -> s.allowedHosts().add("evil.com"))
        .isInstanceOf(UnsupportedOperationException.class);
    try (PayloadFetcher f = new PayloadFetcher(s)) {
      assertFailure(f.fetch("https://cdn.example.com/x"), FetchErrorCode.HOST_NOT_ALLOWED);
      assertFailure(f.fetch("https://10.0.0.7/x"), FetchErrorCode.HOST_NOT_ALLOWED, "port 443");
    }
  }

  @Test
  void closeIsIdempotentAndUseAfterCloseIsLoud() {
    PayloadFetcher f = http(b -> b);
    f.close();
    f.close();
    assertThatThrownBy(() -> f.fetch(base + "/live/seg.ts"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("after close()");
  }

  private static FetchSettings.Builder copy(FetchSettings.Builder b) {
    return b.build().toBuilder();
  }

  private static void assertRejected(FetchSettings.Builder b, String field, String value) {
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(field)
        .hasMessageContaining(value);
  }

  private static void assertFailure(FetchResult r, FetchErrorCode code, String... inMessage) {
    assertThat(r).isInstanceOf(FetchFailure.class);
    FetchFailure f = (FetchFailure) r;
    assertThat(f.code()).as(f.message()).isEqualTo(code);
    if (inMessage.length > 0) {
      assertThat(f.message()).contains(inMessage);
    }
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }
}
