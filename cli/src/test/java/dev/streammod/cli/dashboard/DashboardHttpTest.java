package dev.streammod.cli.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The dashboard's HTTP server on a free localhost port, fed by a store the test fills. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DashboardHttpTest {
  private static final String TOKEN = "s3cret-token";
  private static final String NASTY_ID =
      "<img src=x onerror=alert(1)>\"'&<script>alert(2)</script>";
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();
  private final AtomicLong clock = new AtomicLong(StatsStoreTest.NOW);
  private StatsStore store;
  private DashboardHttp http;

  @BeforeEach
  void start() {
    store = new StatsStore(60_000, clock::get);
    store.update(StatsStoreTest.live("cam-1", 1.0));
    store.update(StatsStoreTest.live("cam-2", 2.0));
    store.update(StatsStoreTest.live(NASTY_ID, 0.5));
    http =
        DashboardHttp.start(
            new DashboardHttp.Options(null, 0, TOKEN),
            store,
            () -> Map.of("feed", Map.of("status", "test")));
  }

  @AfterEach
  void stop() {
    http.close();
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A JPEG the JDK writes, as evidence arrives in a stream's stats record. */
  static byte[] jpeg() throws Exception {
    java.awt.image.BufferedImage img =
        new java.awt.image.BufferedImage(32, 24, java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(img, "jpg", out);
    return out.toByteArray();
  }

  @Test
  void theNewestFlaggedThumbnailIsServedAsAJpegOnlyAndKeptAfterLaterWindows() throws Exception {
    byte[] thumb = jpeg();
    var flagged =
        dev.streammod.connectors.avro.StreamStats.newBuilder(StatsStoreTest.live(NASTY_ID, 0.5))
            .setLastFlagSequence(41)
            .setLastFlagDecision("BLOCK")
            .setLastFlagAtMs(StatsStoreTest.NOW - 100)
            .setLastFlagJpeg(java.nio.ByteBuffer.wrap(thumb))
            .build();
    store.update(flagged);
    var later =
        dev.streammod.connectors.avro.StreamStats.newBuilder(flagged)
            .setWindowStartMs(flagged.getWindowEndMs())
            .setWindowEndMs(flagged.getWindowEndMs() + 5000)
            .setLastFlagJpeg(null)
            .build();
    store.update(later);
    String id = java.net.URLEncoder.encode(NASTY_ID, StandardCharsets.UTF_8);

    HttpResponse<byte[]> r =
        client.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + http.port()
                            + "/api/evidence?stream="
                            + id
                            + "&token="
                            + TOKEN))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("image/jpeg");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.body()).isEqualTo(thumb);
    assertThat(get("/api/evidence?stream=" + id).statusCode())
        .as("the token is needed")
        .isEqualTo(401);
    assertThat(get("/api/evidence?stream=cam-1&token=" + TOKEN).statusCode()).isEqualTo(404);

    JsonNode row = null;
    for (JsonNode n : json.readTree(get("/api/streams?token=" + TOKEN).body()).path("rows")) {
      if (n.path("id").asText().equals(NASTY_ID)) {
        row = n;
      }
    }
    assertThat(row.path("last_flag").path("sequence").asLong()).isEqualTo(41);
    assertThat(row.path("last_flag").path("decision").asText()).isEqualTo("BLOCK");
    assertThat(row.path("last_flag").path("thumbnail").asBoolean()).isTrue();

    var notJpeg =
        dev.streammod.connectors.avro.StreamStats.newBuilder(later)
            .setWindowEndMs(later.getWindowEndMs() + 5000)
            .setLastFlagSequence(42)
            .setLastFlagJpeg(java.nio.ByteBuffer.wrap("<html>".getBytes(StandardCharsets.UTF_8)))
            .build();
    store.update(notJpeg);
    assertThat(get("/api/evidence?stream=" + id + "&token=" + TOKEN).statusCode())
        .as("bytes that are not a JPEG are never served")
        .isEqualTo(404);
  }

  @Test
  void bindsToLoopbackByDefault() {
    assertThat(http.url()).startsWith("http://127.0.0.1:" + http.port());
  }

  @Test
  void pageAndApiNeedTheTokenAssetsDoNot() throws Exception {
    for (String path : new String[] {"/", "/api/streams", "/api/summary"}) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
      assertThat(r.body()).doesNotContain("cam-1");
      assertThat(get(path, "Authorization", "Bearer wrong").statusCode()).as(path).isEqualTo(401);
      assertThat(get(path, "Authorization", "Bearer " + TOKEN).statusCode())
          .as(path)
          .isEqualTo(200);
      assertThat(get(path, "X-Dashboard-Token", TOKEN).statusCode()).as(path).isEqualTo(200);
      assertThat(get(path + "?token=" + TOKEN).statusCode()).as(path).isEqualTo(200);
    }
    assertThat(get("/assets/dashboard.js").statusCode()).isEqualTo(200);
    assertThat(get("/assets/dashboard.css").statusCode()).isEqualTo(200);
  }

  @Test
  void streamsApiSortsFiltersAndPages() throws Exception {
    JsonNode page =
        json.readTree(
            get("/api/streams?sort=segments_per_s&order=desc&size=2&token=" + TOKEN).body());
    assertThat(page.path("total").asInt()).isEqualTo(3);
    assertThat(page.path("pages").asInt()).isEqualTo(2);
    assertThat(page.path("rows").get(0).path("id").asText()).isEqualTo("cam-2");
    assertThat(page.path("rows").get(0).path("status").asText()).isEqualTo("ok");
    assertThat(page.path("rows").get(0).path("history").isArray()).isTrue();

    JsonNode filtered = json.readTree(get("/api/streams?q=CAM-1&token=" + TOKEN).body());
    assertThat(filtered.path("matched").asInt()).isEqualTo(1);
    assertThat(filtered.path("rows").get(0).path("id").asText()).isEqualTo("cam-1");

    JsonNode nasty = json.readTree(get("/api/streams?q=%3Cimg&token=" + TOKEN).body());
    assertThat(nasty.path("rows").get(0).path("id").asText())
        .as("ids are data, returned as is")
        .isEqualTo(NASTY_ID);
  }

  @Test
  void badParametersAre400WithTheReason() throws Exception {
    HttpResponse<String> r = get("/api/streams?sort=colour&token=" + TOKEN);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json.readTree(r.body()).path("error").asText()).contains("sort").contains("colour");
  }

  @Test
  void summaryCarriesTotalsAndStatus() throws Exception {
    JsonNode s = json.readTree(get("/api/summary", "Authorization", "Bearer " + TOKEN).body());
    assertThat(s.path("totals").path("streams").asInt()).isEqualTo(3);
    assertThat(s.path("totals").path("segments_per_s").asDouble()).isEqualTo(3.5);
    assertThat(s.path("feed").path("status").asText()).isEqualTo("test");
  }

  @Test
  void responsesForbidInlineScriptAndFraming() throws Exception {
    HttpResponse<String> r = get("/?token=" + TOKEN);
    assertThat(r.headers().firstValue("Content-Security-Policy")).hasValue(DashboardHttp.CSP);
    assertThat(DashboardHttp.CSP).contains("script-src 'self'").doesNotContain("unsafe-inline");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
    // Every script of the page is a file of ours; none inline.
    assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)").matcher(r.body()).find()).isFalse();
    assertThat(r.body()).doesNotContain("http://").doesNotContain("https://");
  }

  @Test
  void pageScriptWritesDataAsTextOnly() throws Exception {
    String js = get("/assets/dashboard.js").body();
    assertThat(js)
        .doesNotContain("innerHTML")
        .doesNotContain("outerHTML")
        .doesNotContain("insertAdjacentHTML")
        .doesNotContain("document.write")
        .doesNotContain("eval(");
    assertThat(js).contains("textContent");
  }

  @Test
  void loopbackServerRefusesOtherHostNames() throws Exception {
    assertThat(rawStatus("evil.example.com")).isEqualTo(403);
    assertThat(rawStatus("localhost:" + http.port())).isEqualTo(200);
    assertThat(rawStatus("127.0.0.1:" + http.port())).isEqualTo(200);
  }

  @Test
  void hostNameDropsThePort() {
    assertThat(DashboardHttp.hostName("localhost:8088")).isEqualTo("localhost");
    assertThat(DashboardHttp.hostName("[::1]:8088")).isEqualTo("[::1]");
    assertThat(DashboardHttp.hostName("Example.COM")).isEqualTo("example.com");
  }

  @Test
  void closeIsIdempotentEnough() {
    http.close();
    http.close();
  }

  /** HttpClient will not set Host: write the request by hand. */
  private int rawStatus(String host) throws Exception {
    try (Socket s = new Socket("127.0.0.1", http.port())) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET /api/summary?token="
                  + TOKEN
                  + " HTTP/1.1\r\nHost: "
                  + host
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      return Integer.parseInt(status.split(" ")[1]);
    }
  }
}
