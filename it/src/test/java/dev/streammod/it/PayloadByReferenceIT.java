package dev.streammod.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.streammod.connectors.AvroCodec;
import dev.streammod.connectors.Topics;
import dev.streammod.connectors.avro.DeadLetter;
import dev.streammod.connectors.avro.Decision;
import dev.streammod.connectors.avro.ModerationVerdict;
import dev.streammod.connectors.avro.StreamStats;
import dev.streammod.connectors.avro.VideoSegment;
import dev.streammod.decoders.synthetic.SceneKind;
import dev.streammod.decoders.synthetic.SyntheticSegments;
import dev.streammod.cli.demo.SegmentKind;
import dev.streammod.cli.demo.SyntheticStreams;
import dev.streammod.cli.demo.VerdictTally;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segments published with a {@code payload_uri} instead of inline bytes, through the broker and the
 * job on a MiniCluster: allowed {@code file:} and {@code http:} references are fetched and
 * moderated as the colour model dictates; refused, missing and corrupt ones get one ERROR verdict
 * each and a dead letter holding the original record, and the job keeps going.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PayloadByReferenceIT {
  private static final AvroCodec<VideoSegment> SEGMENTS = AvroCodec.videoSegments();

  @TempDir Path work;

  private HttpServer server;
  private ExecutorService serverThreads;
  private final Map<String, byte[]> served = new ConcurrentHashMap<>();
  private final Map<String, Integer> requests = new ConcurrentHashMap<>();

  /** One segment to publish and what its verdict must be. */
  private record Case(
      String streamId, String uri, byte[] inline, Decision decision, String errorCode) {
    static Case ok(String streamId, String uri, Decision decision) {
      return new Case(streamId, uri, null, decision, null);
    }

    static Case error(String streamId, String uri, String errorCode) {
      return new Case(streamId, uri, null, Decision.ERROR, errorCode);
    }

    SegmentKind kind() {
      return switch (decision) {
        case BLOCK -> SegmentKind.RED;
        case ERROR -> SegmentKind.CORRUPT;
        default -> SegmentKind.NEUTRAL;
      };
    }
  }

  @BeforeEach
  void startServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    serverThreads = Executors.newFixedThreadPool(2);
    server.setExecutor(serverThreads);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            String path = exchange.getRequestURI().getPath();
            requests.merge(path, 1, Integer::sum);
            byte[] body = served.get(path);
            if (body == null) {
              exchange.sendResponseHeaders(404, -1);
              return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
    serverThreads.shutdownNow();
  }

  @Test
  void referencesAreFetchedOrRefusedWithOneVerdictEach() throws Exception {
    byte[] red = SyntheticSegments.h264TransportStream(SceneKind.RED, 320, 240, 15, 2.0, 1, 0);
    byte[] neutral =
        SyntheticSegments.h264TransportStream(SceneKind.NEUTRAL, 320, 240, 15, 2.0, 2, 0);
    Path segments = Files.createDirectories(work.resolve("segments"));
    Files.write(segments.resolve("red.ts"), red);
    Files.write(segments.resolve("neutral.ts"), neutral);
    Files.write(segments.resolve("corrupt.ts"), SyntheticSegments.corrupt(neutral, 11));
    Path outside = Files.write(work.resolve("outside.ts"), neutral);
    served.put("/live/red.ts", red);
    served.put("/live/neutral.ts", neutral);
    int port = server.getAddress().getPort();
    String http = "http://127.0.0.1:" + port;

    List<Case> cases =
        List.of(
            Case.ok("file-red", uri(segments.resolve("red.ts")), Decision.BLOCK),
            Case.ok("file-neutral", uri(segments.resolve("neutral.ts")), Decision.ALLOW),
            Case.ok("http-red", http + "/live/red.ts?token=abc", Decision.BLOCK),
            Case.ok("http-neutral", http + "/live/neutral.ts", Decision.ALLOW),
            new Case("inline", null, neutral, Decision.ALLOW, null),
            Case.error(
                "refused-host",
                "http://localhost:" + port + "/live/red.ts?sig=secret123",
                "FETCH/HOST_NOT_ALLOWED"),
            Case.error(
                "refused-scheme",
                "https://cdn.example.com/live/red.ts",
                "FETCH/SCHEME_NOT_ALLOWED"),
            Case.error("refused-path", uri(outside), "FETCH/PATH_NOT_ALLOWED"),
            Case.error("missing-file", uri(segments.resolve("gone.ts")), "FETCH/NOT_FOUND"),
            Case.error("missing-http", http + "/live/gone.ts", "FETCH/NOT_FOUND"),
            Case.error("corrupt", uri(segments.resolve("corrupt.ts")), "DECODE/"));

    Map<String, SyntheticStreams.Sent> sent = new ConcurrentHashMap<>();
    Map<String, byte[]> published = new LinkedHashMap<>();
    try (RunningPipeline pipeline =
            RunningPipeline.builder()
                .partitions(2)
                .colourStatsModel(work)
                .set("fetch.allowed-schemes", "[file, http]")
                .set("fetch.allowed-hosts", "[\"127.0.0.1:" + port + "\"]")
                .set("fetch.allowed-path-prefixes", "[\"" + segments + "\", /live/]")
                .set("stats.interval-ms", "1000")
                .start();
        VerdictTally tally = pipeline.tally(sent)) {
      publish(pipeline.bootstrapServers(), cases, sent, published);
      RunningPipeline.awaitVerdicts(tally, cases.size(), Duration.ofSeconds(90));

      assertThat(tally.unreadable()).isZero();
      assertThat(tally.missing()).as("segments without a verdict").isZero();
      assertThat(tally.duplicated()).as("segments with more than one verdict").isZero();
      assertThat(tally.verdicts()).isEqualTo(cases.size());
      for (Case c : cases) {
        ModerationVerdict v = tally.verdictOf(c.streamId(), 0);
        assertThat(v.getDecision()).as("%s: %s", c.streamId(), v).isEqualTo(c.decision());
        if (c.errorCode() == null) {
          assertThat(v.getFramesSampled()).as("keyframes of a 2 s segment").isEqualTo(2);
          assertThat(v.getTopLabel()).isEqualTo(c.decision() == Decision.BLOCK ? "red" : "neutral");
        } else {
          assertThat(v.getErrorCode()).startsWith(c.errorCode());
          assertThat(v.getErrorMessage()).isNotBlank().doesNotContain("secret123");
          assertThat(v.getFramesSampled()).isZero();
        }
      }
      assertThat(tally.verdictOf("refused-host", 0).getErrorMessage())
          .contains("http://localhost:" + port + "/live/red.ts?<query redacted>")
          .contains("allowedHosts");
      assertThat(tally.verdictOf("missing-file", 0).getErrorMessage()).contains("gone.ts");

      List<DeadLetter> dead = tally.deadLetterRecords();
      assertThat(dead).hasSize((int) cases.stream().filter(c -> c.errorCode() != null).count());
      for (DeadLetter d : dead) {
        String stream = d.getStreamId();
        Case c = cases.stream().filter(k -> k.streamId().equals(stream)).findFirst().orElseThrow();
        String[] reason = c.errorCode().split("/");
        assertThat(d.getStage()).as(stream).isEqualTo(reason[0]);
        if (reason.length > 1) {
          assertThat(d.getErrorCode()).as(stream).isEqualTo(reason[1]);
        }
        assertThat(d.getErrorMessage()).as(stream).isNotBlank().doesNotContain("secret123");
        assertThat(d.getSequence()).isEqualTo(0L);
        assertThat(d.getValue())
            .as("%s: the original record, for replay", stream)
            .isEqualTo(ByteBuffer.wrap(published.get(stream)));
      }

      assertThat(requests)
          .as("allowed http references were fetched; refused ones never reached the server")
          .containsEntry("/live/red.ts", 1)
          .containsEntry("/live/neutral.ts", 1)
          .containsEntry("/live/gone.ts", 1)
          .hasSize(3);

      assertThat(bytesInSeen(pipeline.bootstrapServers(), "http-red", red.length))
          .as("stream stats count the fetched payload in bytes_in")
          .isGreaterThanOrEqualTo(red.length);
    }
  }

  private static String uri(Path file) {
    return file.toUri().toString();
  }

  private static void publish(
      String bootstrap,
      List<Case> cases,
      Map<String, SyntheticStreams.Sent> sent,
      Map<String, byte[]> published)
      throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = Producers.bytes(bootstrap)) {
      for (Case c : cases) {
        byte[] value =
            SEGMENTS.encode(
                VideoSegment.newBuilder()
                    .setStreamId(c.streamId())
                    .setSequence(0)
                    .setDurationMs(2000)
                    .setContainer(SyntheticSegments.MPEGTS)
                    .setPayload(c.inline() == null ? null : ByteBuffer.wrap(c.inline()))
                    .setPayloadUri(c.uri())
                    .build());
        published.put(c.streamId(), value);
        sent.put(
            SyntheticStreams.key(c.streamId(), 0),
            new SyntheticStreams.Sent(c.kind(), System.currentTimeMillis()));
        producer
            .send(
                new ProducerRecord<>(
                    Topics.SEGMENTS, c.streamId().getBytes(StandardCharsets.UTF_8), value))
            .get();
      }
    }
  }

  /** The bytes_in of {@code streamId}'s stats windows, read until they reach {@code atLeast}. */
  private static long bytesInSeen(String bootstrap, String streamId, long atLeast)
      throws Exception {
    AvroCodec<StreamStats> codec = AvroCodec.streamStats();
    byte[] key = streamId.getBytes(StandardCharsets.UTF_8);
    AtomicLong bytesIn = new AtomicLong();
    try (TopicReader reader =
        TopicReader.open(bootstrap, Topics.STREAM_STATS, IsolationLevel.READ_UNCOMMITTED)) {
      reader.readUntil(
          () -> bytesIn.get() >= atLeast,
          Duration.ofSeconds(20),
          r -> {
            if (Arrays.equals(key, r.key()) && r.value() != null) {
              bytesIn.addAndGet(codec.decode(r.value()).getBytesIn());
            }
          });
    }
    return bytesIn.get();
  }
}
