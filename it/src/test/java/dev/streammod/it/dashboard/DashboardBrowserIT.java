package dev.streammod.it.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.cli.dashboard.Dashboard;
import dev.streammod.cli.dashboard.DashboardHttp;
import dev.streammod.cli.dashboard.DashboardOptions;
import dev.streammod.connectors.AvroCodec;
import dev.streammod.connectors.TopicAdmin;
import dev.streammod.connectors.avro.StreamStats;
import dev.streammod.connectors.embedded.EmbeddedKafka;
import dev.streammod.pipeline.stats.StatsTopic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The ops dashboard in headless Chromium, fed through a real broker: StreamStats records are
 * published to the stats topic as the job would, the dashboard's consumer reads them, and the page
 * shows them. Skipped, with the reason, only where no Chromium is installed.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DashboardBrowserIT {
  private static final String TOKEN = "it-token-42";

  /** Would run script if the page ever parsed a stream id as HTML. */
  private static final String NASTY_ID =
      "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>&amp;";

  private static final Path TARGET = Path.of("target");

  @TempDir static Path work;
  private static EmbeddedKafka kafka;
  private static KafkaProducer<String, byte[]> producer;
  private static ChromeDriver driver;
  private static final AvroCodec<StreamStats> CODEC = AvroCodec.streamStats();

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(
        Chromium.missing().isEmpty(),
        () -> "dashboard browser test skipped: " + Chromium.missing().orElse(""));
    kafka = EmbeddedKafka.start();
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    driver = Chromium.start(work.resolve("chromium-profile"));
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void tableShowsLiveStreamsThatChangeFilterAndShowHostileIdsAsText() throws Exception {
    String topic = "stats-browser";
    TopicAdmin.ensureTopics(kafka.bootstrapServers(), List.of(StatsTopic.spec(topic, 2)));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      ids.add(String.format(Locale.ROOT, "cam-%03d", i));
    }
    ids.add(NASTY_ID);
    AtomicInteger round = new AtomicInteger();
    ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
    try (Dashboard dashboard = startDashboard(topic)) {
      publisher.scheduleAtFixedRate(
          () -> publishRound(topic, ids, round.getAndIncrement()), 0, 400, TimeUnit.MILLISECONDS);
      long now = System.currentTimeMillis();
      send(topic, stats("stalled-cam", now - 1000, now, 1.0, now - 60_000, 2000));
      // The hostile stream's newest flag, with its thumbnail: later records carry the flag without
      // it.
      send(
          topic,
          StreamStats.newBuilder(stats(NASTY_ID, now - 1000, now, 1.0, now - 200, 2000))
              .setLastFlagSequence(41)
              .setLastFlagDecision("BLOCK")
              .setLastFlagAtMs(now)
              .setLastFlagJpeg(java.nio.ByteBuffer.wrap(redJpeg()))
              .build());
      producer.flush();

      driver.get(dashboard.url() + "?token=" + TOKEN);
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
      wait.ignoring(StaleElementReferenceException.class);
      try {
        wait.until(d -> rowIds(d).size() == ids.size() + 1);
      } catch (org.openqa.selenium.TimeoutException e) {
        screenshot("dashboard-rows-missing.png");
        throw new AssertionError(
            "expected "
                + (ids.size() + 1)
                + " rows (the cams and stalled-cam); the page shows "
                + rowIds(driver)
                + ", the dashboard's store holds "
                + dashboard.store().size()
                + " streams",
            e);
      }

      // Numbers change over time: the total rate and a stream's own rate.
      String total = text("t-segments");
      String cam5 = cellOf("cam-005", "seg");
      try {
        new WebDriverWait(driver, Duration.ofSeconds(90))
            .ignoring(StaleElementReferenceException.class)
            .until(
                d -> !text("t-segments").equals(total) && !cellOf("cam-005", "seg").equals(cam5));
      } catch (org.openqa.selenium.TimeoutException e) {
        screenshot("dashboard-not-changing.png");
        throw new AssertionError(
            "dashboard numbers did not change: total "
                + total
                + " -> "
                + text("t-segments")
                + ", cam-005 "
                + cam5
                + " -> "
                + cellOf("cam-005", "seg")
                + ", rounds published "
                + round.get()
                + ", updated '"
                + text("updated")
                + "'",
            e);
      }
      wait.until(
          d ->
              d.findElements(By.cssSelector("#rows tr:first-child svg.spark polyline")).size()
                  == 1);

      // The hostile id is shown as text, as is, and nothing of it ran or became an element; its
      // flag's thumbnail is the one image, loaded from the dashboard's own origin.
      assertThat(rowIds(driver)).contains(NASTY_ID);
      assertThat(driver.findElements(By.cssSelector("#rows script, #rows img:not(.thumb)")))
          .isEmpty();
      wait.until(
          d ->
              Boolean.TRUE.equals(
                  ((JavascriptExecutor) d)
                      .executeScript(
                          "const i = document.querySelectorAll('#rows img.thumb'); return i.length"
                              + " === 1 && i[0].complete && i[0].naturalWidth === 48;")));
      String src =
          (String)
              ((JavascriptExecutor) driver)
                  .executeScript("return document.querySelector('#rows img.thumb').src");
      assertThat(src)
          .startsWith(dashboard.url() + "api/evidence?stream=")
          .contains(
              java.net.URLEncoder.encode(NASTY_ID, java.nio.charset.StandardCharsets.UTF_8)
                  .replace("+", "%20")
                  .substring(0, 6))
          .doesNotContain("<");
      assertThat(
              ((JavascriptExecutor) driver)
                  .executeScript(
                      "return document.querySelector('#rows"
                          + " img.thumb').closest('tr').dataset.streamId"))
          .isEqualTo(NASTY_ID);
      assertThat(((JavascriptExecutor) driver).executeScript("return window.__xss === undefined"))
          .isEqualTo(true);
      assertNoAlert(driver);

      // The stalled stream is flagged and sorted first (status order).
      assertThat(
              ((JavascriptExecutor) driver)
                  .executeScript("return document.querySelector('#rows tr:first-child').className"))
          .isEqualTo("status-stalled");
      assertThat(rowIds(driver).get(0)).isEqualTo("stalled-cam");
      assertThat(text("t-stalled")).isEqualTo("1");

      screenshot("dashboard-screenshot.png");

      // Filtering by id substring.
      driver.findElement(By.id("filter")).sendKeys("cam-01");
      wait.until(
          d -> rowIds(d).size() == 10 && rowIds(d).stream().allMatch(id -> id.contains("cam-01")));
      assertThat(text("pageinfo")).contains("10 of " + (ids.size() + 1));

      // Filtering by status.
      driver.findElement(By.id("filter")).clear();
      driver.findElement(By.id("filter")).sendKeys(" ");
      new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("status")))
          .selectByValue("stalled");
      wait.until(d -> rowIds(d).equals(List.of("stalled-cam")));
      screenshot("dashboard-filtered.png");
    } finally {
      publisher.shutdownNow();
      publisher.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void fiveThousandStreamsLoadSortAndPage() throws Exception {
    String topic = "stats-5k";
    int n = 5000;
    TopicAdmin.ensureTopics(kafka.bootstrapServers(), List.of(StatsTopic.spec(topic, 4)));
    try (Dashboard dashboard = startDashboard(topic)) {
      long now = System.currentTimeMillis();
      for (int i = 0; i < n; i++) {
        // A 20 s period keeps them live (not stalled) for a minute.
        send(
            topic,
            stats(
                String.format(Locale.ROOT, "stream-%05d", i),
                now - 5000,
                now,
                (i % 97) / 10.0,
                now - 300,
                20_000));
      }
      producer.flush();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (dashboard.store().size() < n && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(dashboard.store().size()).isEqualTo(n);

      driver.get("about:blank");
      long t0 = System.nanoTime();
      driver.get(dashboard.url() + "?token=" + TOKEN);
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
      wait.ignoring(StaleElementReferenceException.class);
      wait.until(
          d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-rendered")));
      double wallMs = (System.nanoTime() - t0) / 1e6;
      Number firstRender =
          (Number)
              ((JavascriptExecutor) driver).executeScript("return window.dashboardFirstRenderMs");
      String report =
          String.format(
              Locale.ROOT,
              "dashboard with %d streams: first table render %.0f ms after navigation start"
                  + " (performance.now); %.0f ms from driver.get to rendered, as seen by the"
                  + " test%n",
              n,
              firstRender.doubleValue(),
              wallMs);
      System.out.print(report);
      Files.writeString(TARGET.resolve("dashboard-load-5000.txt"), report);

      assertThat(rowIds(driver)).hasSize(50);
      assertThat(text("pageinfo")).contains("page 1 of 100").contains("5000 of 5000");
      assertThat(firstRender.doubleValue()).as("first render (ms)").isLessThan(15_000);

      // Sort by throughput, highest first, then page on.
      driver.findElement(By.cssSelector("th[data-sort=segments_per_s]")).click();
      wait.until(d -> cellText(d, 0, "seg").equals("9.60"));
      driver.findElement(By.id("next")).click();
      wait.until(d -> text("pageinfo").startsWith("page 2 of 100"));
      assertThat(rowIds(driver)).hasSize(50);
      screenshot("dashboard-5000.png");
    }
  }

  private static Dashboard startDashboard(String topic) {
    return Dashboard.start(
        DashboardOptions.forBroker(kafka.bootstrapServers())
            .withHttp(new DashboardHttp.Options("127.0.0.1", 0, TOKEN))
            .withTopic(topic));
  }

  /** A 48x32 red JPEG, as the job's evidence would be. */
  private static byte[] redJpeg() {
    java.awt.image.BufferedImage img =
        new java.awt.image.BufferedImage(48, 32, java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
    java.awt.Graphics2D g = img.createGraphics();
    g.setColor(java.awt.Color.RED);
    g.fillRect(0, 0, 48, 32);
    g.dispose();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      javax.imageio.ImageIO.write(img, "jpg", out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void publishRound(String topic, List<String> ids, int round) {
    long now = System.currentTimeMillis();
    for (int i = 0; i < ids.size(); i++) {
      // Each stream's rate and the total both grow from one round to the next, so two samples of
      // the page taken any number of rounds apart always differ (a cyclic pattern can alias with
      // the page's polling period on a loaded machine).
      double rate = 0.5 + ((i + round) % 5) * 0.25 + round * 0.01;
      send(topic, stats(ids.get(i), now - 1000, now, rate, now - 200, 2000));
    }
    producer.flush();
  }

  static StreamStats stats(
      String id, long start, long end, double segmentsPerS, long lastSeen, long period) {
    double seconds = (end - start) / 1000.0;
    long segments = Math.round(segmentsPerS * seconds);
    return StreamStats.newBuilder()
        .setStreamId(id)
        .setWindowStartMs(start)
        .setWindowEndMs(end)
        .setSegments(segments)
        .setSegmentsArrived(segments)
        .setFrames(segments * 2)
        .setBytesIn(segments * 60_000)
        .setSegmentsPerS(segmentsPerS)
        .setFramesPerS(segmentsPerS * 2)
        .setDecodeMsMean(3.5)
        .setInferMsMean(0.8)
        .setIngestToVerdictP50Ms(180)
        .setIngestToVerdictP99Ms(420)
        .setDecisions(Map.of("ALLOW", segments, "REVIEW", 0L, "BLOCK", 0L, "ERROR", 0L))
        .setLastSeenMs(lastSeen)
        .setSegmentPeriodMs(period)
        .setEmittedAtMs(end)
        .build();
  }

  private static void send(String topic, StreamStats s) {
    producer.send(new ProducerRecord<>(topic, s.getStreamId(), CODEC.encode(s)));
  }

  /**
   * The table is rebuilt on every poll, so elements found one call earlier may be gone: read it in
   * one script call instead.
   */
  @SuppressWarnings("unchecked")
  private static List<String> rowIds(WebDriver d) {
    return (List<String>)
        ((JavascriptExecutor) d)
            .executeScript(
                "return Array.from(document.querySelectorAll('#rows td.id'), td =>"
                    + " td.textContent)");
  }

  private static String cellOf(String streamId, String cls) {
    Object v =
        ((JavascriptExecutor) driver)
            .executeScript(
                "for (const tr of document.querySelectorAll('#rows tr')) { if (tr.dataset.streamId"
                    + " === arguments[0]) return tr.querySelector('td.' +"
                    + " arguments[1]).textContent; } return '';",
                streamId,
                cls);
    return String.valueOf(v);
  }

  private static String cellText(WebDriver d, int row, String cls) {
    Object v =
        ((JavascriptExecutor) d)
            .executeScript(
                "const tr = document.querySelectorAll('#rows tr')[arguments[0]];"
                    + " return tr ? tr.querySelector('td.' + arguments[1]).textContent : '';",
                row,
                cls);
    return String.valueOf(v);
  }

  private static void assertNoAlert(WebDriver d) {
    try {
      d.switchTo().alert();
      throw new AssertionError("the page opened an alert: a stream id ran as script");
    } catch (NoAlertPresentException expected) {
      // good
    }
  }

  private static String text(String id) {
    return String.valueOf(
        ((JavascriptExecutor) driver)
            .executeScript("return document.getElementById(arguments[0]).textContent", id));
  }

  private static void screenshot(String name) throws Exception {
    Files.createDirectories(TARGET);
    Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, TARGET.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }
}
