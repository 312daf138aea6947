package dev.streammod.pipeline.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.streammod.connectors.RawRecord;
import dev.streammod.connectors.avro.DeadLetter;
import dev.streammod.connectors.avro.Decision;
import dev.streammod.connectors.avro.ModerationVerdict;
import dev.streammod.decoders.SegmentDecoder;
import dev.streammod.decoders.fetch.FetchSettings;
import dev.streammod.decoders.fetch.PayloadFetcher;
import dev.streammod.decoders.synthetic.SceneKind;
import dev.streammod.decoders.synthetic.SyntheticSegments;
import dev.streammod.models.batching.SharedBatchers;
import dev.streammod.pipeline.moderation.SegmentResult.Failed;
import dev.streammod.pipeline.moderation.SegmentResult.Scored;
import dev.streammod.pipeline.policy.Policy;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segments whose payload is given by reference ({@code payload_uri}): fetched from real files and a
 * local HTTP server, decoded by FFmpeg and scored by a real ONNX model, no Flink.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SegmentModeratorFetchTest {

  @TempDir static Path work;
  private static Path segments;
  private static SharedBatchers.Lease lease;
  private static SegmentDecoder decoder;
  private static ExecutorService pool;
  private static PayloadFetcher fetcher;
  private static SegmentModerator moderator;
  private static byte[] red;
  private static byte[] neutral;

  @BeforeAll
  static void setUp() throws Exception {
    lease = TestSegments.colourStatsLease(work.resolve("models"));
    decoder = TestSegments.keyframeDecoder();
    pool = Executors.newFixedThreadPool(2);
    segments = Files.createDirectories(work.resolve("segments"));
    red = SyntheticSegments.h264TransportStream(SceneKind.RED, 320, 240, 15, 2.0, 1, 0);
    neutral = SyntheticSegments.h264TransportStream(SceneKind.NEUTRAL, 320, 240, 15, 2.0, 2, 0);
    Files.write(segments.resolve("red.ts"), red);
    Files.write(segments.resolve("neutral.ts"), neutral);
    Files.write(segments.resolve("corrupt.ts"), SyntheticSegments.corrupt(neutral, 11));
    Files.write(work.resolve("outside.ts"), neutral);
    fetcher =
        new PayloadFetcher(
            FetchSettings.builder()
                .allowSchemes("file")
                .allowPathPrefixes(segments.toString())
                .timeout(Duration.ofSeconds(10))
                .build());
    moderator = moderator(fetcher, SegmentModerator.Admission.unlimited());
  }

  @AfterAll
  static void tearDown() {
    pool.shutdownNow();
    fetcher.close();
    lease.close();
  }

  private static SegmentModerator moderator(
      PayloadFetcher f, SegmentModerator.Admission admission) {
    return moderator(f, admission, null);
  }

  private static SegmentModerator moderator(
      PayloadFetcher f, SegmentModerator.Admission admission, ExecutorService fetchThreads) {
    return SegmentModerator.builder(decoder, lease.batcher(), lease.config(), pool)
        .policy(Policy.colourStatsDefault())
        .admission(admission)
        .fetch(f, fetchThreads)
        .build();
  }

  /**
   * A local HTTP server that serves the red segment under {@code /live/}, each request counting
   * {@code requested} down and then waiting for {@code release}. Stopping it stops its threads.
   */
  private static final class HeldServer implements AutoCloseable {
    final HttpServer server;
    final ExecutorService threads;
    final String base;

    HeldServer(int threadCount, CountDownLatch requested, CountDownLatch release) throws Exception {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      threads = Executors.newFixedThreadPool(threadCount);
      server.setExecutor(threads);
      server.createContext(
          "/live/",
          exchange -> {
            try (exchange) {
              requested.countDown();
              release.await(30, TimeUnit.SECONDS);
              exchange.sendResponseHeaders(200, red.length);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(red);
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      server.start();
      base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
      threads.shutdownNow();
    }
  }

  /** A fetcher for the held server's {@code /live/} paths. */
  private static PayloadFetcher httpFetcher() {
    return new PayloadFetcher(
        FetchSettings.builder()
            .allowSchemes("http")
            .allowHosts("127.0.0.1")
            .allowPathPrefixes("/live/")
            .timeout(Duration.ofSeconds(20))
            .build());
  }

  private static RawRecord byReference(String stream, long seq, String uri) {
    return record(stream, seq, null, uri);
  }

  private static RawRecord record(String stream, long seq, byte[] payload, String uri) {
    return TestSegments.record(stream, seq, payload, uri, System.currentTimeMillis());
  }

  private static SegmentResult moderate(SegmentModerator m, RawRecord r) throws Exception {
    return m.moderate(r).result().get(30, TimeUnit.SECONDS);
  }

  private static Failed failure(SegmentResult r) {
    assertThat(r).as("%s", r).isInstanceOf(Failed.class);
    return (Failed) r;
  }

  private static Scored scored(SegmentResult r) {
    assertThat(r).as("%s", r).isInstanceOf(Scored.class);
    return (Scored) r;
  }

  private static String uri(Path file) {
    return file.toUri().toString();
  }

  @Test
  void fetchedSegmentsAreScoredAsTheModelDictates() throws Exception {
    SegmentResult r = moderate(moderator, byReference("a", 1, uri(segments.resolve("red.ts"))));
    SegmentResult n = moderate(moderator, byReference("b", 2, uri(segments.resolve("neutral.ts"))));

    assertThat(r.failed()).as("%s", r).isFalse();
    assertThat(r.streamId()).isEqualTo("a");
    assertThat(r.id().sequence()).isEqualTo(1);
    assertThat(scored(r).scores().topLabel()).isEqualTo("red");
    assertThat(scored(r).scores().frames()).as("both key frames of a 2 s segment").isEqualTo(2);
    assertThat(r.fetchedBytes()).isEqualTo(red.length);
    assertThat(r.timings().fetchMs()).isPositive();
    assertThat(r.timings().waitMs()).as("the fetch is not counted as waiting").isGreaterThanOrEqualTo(0);
    assertThat(r.timings().totalMs()).isGreaterThanOrEqualTo(r.timings().fetchMs() + r.timings().decodeMs());
    assertThat(r).as("bytes are kept only for failures: a scored result has none").isInstanceOf(Scored.class);
    assertThat(
            Verdicts.verdict(r, System.currentTimeMillis())
                .getDecision())
        .isEqualTo(Decision.BLOCK);

    assertThat(n.failed()).as("%s", n).isFalse();
    assertThat(scored(n).scores().topLabel()).isEqualTo("neutral");
    assertThat(n.fetchedBytes()).isEqualTo(neutral.length);
    assertThat(
            Verdicts.verdict(n, System.currentTimeMillis())
                .getDecision())
        .isEqualTo(Decision.ALLOW);
  }

  @Test
  void missingFileIsAFetchErrorWithADeadLetterKeepingTheRecord() throws Exception {
    RawRecord record = byReference("c", 7, uri(segments.resolve("gone.ts")));
    SegmentResult s = moderate(moderator, record);

    assertThat(failure(s).stage().name()).isEqualTo("FETCH");
    assertThat(failure(s).code().name()).isEqualTo("NOT_FOUND");
    assertThat(failure(s).message()).contains("gone.ts").contains("no such file");
    assertThat(s.streamId()).isEqualTo("c");
    assertThat(s.id().sequence()).isEqualTo(7);
    assertThat(s.fetchedBytes()).isZero();
    assertThat(Verdicts.verdict(s, 0).getFramesSampled()).isZero();

    ModerationVerdict v = Verdicts.verdict(s, 0);
    assertThat(v.getDecision()).isEqualTo(Decision.ERROR);
    assertThat(v.getErrorCode()).isEqualTo("FETCH/NOT_FOUND");
    DeadLetter d = Verdicts.deadLetter(failure(s), 0);
    assertThat(d.getStage()).isEqualTo("FETCH");
    assertThat(d.getErrorCode()).isEqualTo("NOT_FOUND");
    assertThat(d.getErrorMessage()).contains("gone.ts");
    assertThat(d.getSequence()).isEqualTo(7L);
    assertThat(d.getValue()).isEqualTo(ByteBuffer.wrap(record.value));
  }

  @Test
  void refusedReferencesNameTheRuleAndNeverTheSecrets() throws Exception {
    SegmentResult outside =
        moderate(moderator, byReference("d", 1, uri(work.resolve("outside.ts"))));
    assertThat(failure(outside).stage().name()).isEqualTo("FETCH");
    assertThat(failure(outside).code().name()).isEqualTo("PATH_NOT_ALLOWED");
    assertThat(failure(outside).message()).contains("outside.ts").contains("allowedPathPrefixes");

    SegmentResult dots =
        moderate(moderator, byReference("d", 2, "file://" + segments + "/../outside.ts"));
    assertThat(failure(dots).code().name()).isEqualTo("PATH_NOT_ALLOWED");

    SegmentResult http =
        moderate(
            moderator,
            byReference("d", 3, "https://user:hunter2@cdn.example.com/live/a.ts?sig=abc123"));
    assertThat(failure(http).stage().name()).isEqualTo("FETCH");
    assertThat(failure(http).code().name()).isEqualTo("SCHEME_NOT_ALLOWED");
    assertThat(failure(http).message())
        .contains("https://cdn.example.com/live/a.ts")
        .doesNotContain("hunter2")
        .doesNotContain("abc123");

    SegmentResult notAUri = moderate(moderator, byReference("d", 4, "not a uri"));
    assertThat(failure(notAUri).code().name()).isEqualTo("INVALID_URI");
  }

  @Test
  void corruptPayloadFetchedIsADecodeError() throws Exception {
    RawRecord record = byReference("e", 3, uri(segments.resolve("corrupt.ts")));
    SegmentResult s = moderate(moderator, record);
    assertThat(failure(s).stage().name()).isEqualTo("DECODE");
    assertThat(failure(s).code().name()).isNotBlank();
    assertThat(s.fetchedBytes()).isEqualTo(Files.size(segments.resolve("corrupt.ts")));
    assertThat(failure(s).value()).as("the dead letter carries the reference record").isEqualTo(record.value);
  }

  @Test
  void payloadOverTheFetchLimitIsTooLarge() throws Exception {
    try (PayloadFetcher small =
        new PayloadFetcher(fetcher.settings().toBuilder().maxBytes(1000).build())) {
      SegmentResult s =
          moderate(
              moderator(small, SegmentModerator.Admission.unlimited()),
              byReference("f", 1, uri(segments.resolve("red.ts"))));
      assertThat(failure(s).stage().name()).isEqualTo("FETCH");
      assertThat(failure(s).code().name()).isEqualTo("TOO_LARGE");
      assertThat(failure(s).message()).contains("maxBytes=1000");
    }
  }

  @Test
  void withoutAFetcherAReferenceIsRefusedNamingTheKeyThatEnablesFetching() throws Exception {
    SegmentModerator disabled = moderator(null, SegmentModerator.Admission.unlimited());
    SegmentResult s =
        moderate(disabled, byReference("g", 1, "https://cdn.example.com/a.ts?token=abc123"));
    assertThat(failure(s).stage().name()).isEqualTo("FETCH");
    assertThat(failure(s).code().name()).isEqualTo("SCHEME_NOT_ALLOWED");
    assertThat(failure(s).message())
        .contains("disabled")
        .contains("fetch.allowed-schemes")
        .contains("https://cdn.example.com/a.ts")
        .doesNotContain("abc123");

    SegmentResult none = moderate(disabled, record("g", 2, null, null));
    assertThat(failure(none).code().name()).isEqualTo("NO_PAYLOAD");
  }

  @Test
  void inlinePayloadWinsOverAReference() throws Exception {
    SegmentResult s = moderate(moderator, record("h", 1, red, uri(segments.resolve("neutral.ts"))));
    assertThat(s.failed()).as("%s", s).isFalse();
    assertThat(scored(s).scores().topLabel()).isEqualTo("red");
    assertThat(s.fetchedBytes()).isZero();
    assertThat(s.timings().fetchMs()).isZero();
  }

  @Test
  void httpFetchRunsOnTheDecodePoolWithinTheSameAdmissionBounds() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch requested = new CountDownLatch(1);
    try (HeldServer server = new HeldServer(2, requested, release);
        PayloadFetcher http = httpFetcher()) {
      String base = server.base;
      // One decode thread, two segments admitted in all.
      SegmentModerator m = moderator(http, new SegmentModerator.Admission(1, 1, 2));
      CompletableFuture<SegmentResult> slow =
          m.moderate(byReference("slow", 1, base + "/live/slow.ts?token=abc")).result();
      assertThat(requested.await(20, TimeUnit.SECONDS)).isTrue();
      assertThat(slow).as("the caller's thread does not wait for the fetch").isNotDone();

      CompletableFuture<SegmentResult> next = m.moderate(record("other", 1, neutral, null)).result();
      SegmentResult refused =
          m.moderate(record("third", 1, neutral, null)).result().get(10, TimeUnit.SECONDS);
      assertThat(m.waiting()).as("the fetch holds the only decode thread").isEqualTo(1);
      assertThat(next).isNotDone();
      assertThat(failure(refused).code().name()).as("admission is bounded while fetching").isEqualTo("REJECTED");

      release.countDown();
      SegmentResult s = slow.get(30, TimeUnit.SECONDS);
      assertThat(s.failed()).as("%s", s).isFalse();
      assertThat(scored(s).scores().topLabel()).isEqualTo("red");
      assertThat(s.fetchedBytes()).isEqualTo(red.length);
      assertThat(scored(next.get(30, TimeUnit.SECONDS)).scores().topLabel()).isEqualTo("neutral");
    } finally {
      release.countDown();
    }
  }

  @Test
  void withFetchThreadsASlowStoreHoldsNoDecodeThread() throws Exception {
    int fetches = 3;
    CountDownLatch allRequested = new CountDownLatch(fetches);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService fetchThreads = Executors.newFixedThreadPool(fetches);
    try (HeldServer server = new HeldServer(fetches + 1, allRequested, release);
        PayloadFetcher http = httpFetcher()) {
      String base = server.base;
      // One decode thread, as in the test above, but fetches on fetch threads of their own.
      SegmentModerator m =
          moderator(http, new SegmentModerator.Admission(1, 1, 8), fetchThreads);
      List<CompletableFuture<SegmentResult>> slow = new ArrayList<>();
      for (int i = 0; i < fetches; i++) {
        slow.add(m.moderate(byReference("slow-" + i, 1, base + "/live/s" + i + ".ts")).result());
      }
      assertThat(allRequested.await(20, TimeUnit.SECONDS))
          .as(
              "the fetches wait on the store side by side, with one decode thread: %d of %d"
                  + " requested",
              fetches - allRequested.getCount(),
              fetches)
          .isTrue();

      SegmentResult inline = m.moderate(record("other", 1, neutral, null)).result().get(30, TimeUnit.SECONDS);
      assertThat(inline.failed()).as("%s", inline).isFalse();
      assertThat(scored(inline).scores().topLabel()).as("decoded while every fetch still waits").isEqualTo("neutral");
      assertThat(slow).noneMatch(CompletableFuture::isDone);

      release.countDown();
      for (CompletableFuture<SegmentResult> f : slow) {
        SegmentResult s = f.get(30, TimeUnit.SECONDS);
        assertThat(s.failed()).as("%s", s).isFalse();
        assertThat(scored(s).scores().topLabel()).isEqualTo("red");
        assertThat(s.fetchedBytes()).isEqualTo(red.length);
        assertThat(s.timings().fetchMs()).isPositive();
      }
      SegmentResult missing =
          m.moderate(byReference("gone", 1, uri(segments.resolve("gone.ts")))).result().get(30, TimeUnit.SECONDS);
      assertThat(failure(missing).stage().name()).isEqualTo("FETCH");
      assertThat(failure(missing).code().name()).as("a refused scheme still fails at FETCH").isEqualTo("SCHEME_NOT_ALLOWED");
      assertThat(failure(missing).value()).as("the dead letter keeps the record").isNotNull();
    } finally {
      release.countDown();
      fetchThreads.shutdownNow();
    }
  }
}
