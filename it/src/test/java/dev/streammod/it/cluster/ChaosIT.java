package dev.streammod.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streammod.cli.demo.SegmentKind;
import dev.streammod.cli.demo.SyntheticStreams;
import dev.streammod.cli.demo.VerdictTally;
import dev.streammod.connectors.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing lost when parts fail: the job jar on the standalone cluster (broker, JobManager and two
 * TaskManagers, each its own process) while TaskManagers are killed with SIGKILL and started again
 * as a supervisor would, and the broker process is restarted once. A {@code read_committed} reader
 * must then see exactly one verdict per segment and one dead letter per corrupt segment.
 *
 * <p>In {@code mvn verify} a short run (2 kills, 240 segments); the full run is the same test with
 * {@code -Dchaos.streams=200 -Dchaos.rounds=50 -Dchaos.kills=5} (see the README), and {@code
 * -Dchaos.delivery=at-least-once} counts the duplicates that delivery allows instead of failing on
 * them. It prints the time from each kill to the next verdict and the failovers Flink recorded.
 */
@Timeout(value = 40, unit = TimeUnit.MINUTES)
class ChaosIT {
  private static final int STREAMS = Integer.getInteger("chaos.streams", 20);
  private static final int ROUNDS = Integer.getInteger("chaos.rounds", 12);
  private static final int KILLS = Integer.getInteger("chaos.kills", 2);
  private static final long ROUND_MS = Long.getLong("chaos.round-ms", 1500);
  private static final String DELIVERY = System.getProperty("chaos.delivery", "exactly-once");

  @TempDir Path work;

  @Test
  void everySegmentGetsExactlyOneVerdictAcrossTaskManagerKillsAndABrokerRestart() throws Exception {
    StandaloneCluster.with(work.resolve("cluster"), 2, 2, this::run);
  }

  private void run(StandaloneCluster cluster) throws Exception {
    String bootstrap = cluster.bootstrapServers();
    cluster.createJobTopics(4);
    Path config = work.resolve("moderation.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "kafka:",
            "  bootstrap-servers: " + bootstrap,
            "  starting-offsets: earliest",
            "  delivery: " + DELIVERY,
            "model:",
            "  device: cpu",
            "job:",
            "  parallelism: 2",
            "  checkpoint-interval-ms: 1000",
            "stats:",
            "  enabled: false",
            ""));
    String jobId = cluster.runJob(Files.readString(config), 2);

    long expected = (long) STREAMS * ROUNDS;
    long publishMs = ROUNDS * ROUND_MS;
    // Kills spread over the publishing, the broker restart between the first two.
    List<Long> killAt = new ArrayList<>();
    for (int k = 0; k < KILLS; k++) {
      killAt.add((k + 1) * publishMs / (KILLS + 1));
    }
    long brokerAt = KILLS >= 2 ? (killAt.get(0) + killAt.get(1)) / 2 : publishMs / 2;

    try (SyntheticStreams streams =
            new SyntheticStreams(bootstrap, Topics.SEGMENTS, STREAMS, SyntheticStreams.Shape.standard());
        VerdictTally tally = new VerdictTally(bootstrap, Topics.VERDICTS, Topics.DEAD_LETTERS, streams.sent())) {
      AtomicBoolean paused = new AtomicBoolean();
      AtomicBoolean idle = new AtomicBoolean();
      AtomicInteger rounds = new AtomicInteger();
      Thread publisher =
          new Thread(
              () -> {
                try {
                  for (int r = 0; r < ROUNDS; r++) {
                    while (paused.get()) {
                      idle.set(true);
                      Thread.sleep(50);
                    }
                    idle.set(false);
                    for (int s = 0; s < STREAMS; s++) {
                      streams.publish(s);
                    }
                    rounds.incrementAndGet();
                    Thread.sleep(ROUND_MS);
                  }
                  streams.stop();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "chaos-publisher");
      long start = System.currentTimeMillis();
      publisher.start();

      List<String> events = new ArrayList<>();
      List<Long> recoveryMs = new ArrayList<>();
      int nextKill = 0;
      boolean brokerDone = false;
      long pendingKillAt = -1;
      long verdictsAtKill = 0;
      while (publisher.isAlive() || pendingKillAt >= 0) {
        tally.poll(Duration.ofMillis(200));
        long now = System.currentTimeMillis() - start;
        if (pendingKillAt >= 0 && tally.verdicts() > verdictsAtKill) {
          recoveryMs.add(System.currentTimeMillis() - pendingKillAt);
          pendingKillAt = -1;
        }
        if (!brokerDone && now >= brokerAt && pendingKillAt < 0) {
          paused.set(true);
          while (!idle.get() && publisher.isAlive()) {
            Thread.sleep(20);
          }
          streams.stop(); // flush what was sent before the broker goes
          long t0 = System.currentTimeMillis();
          cluster.restartBroker();
          events.add(String.format(Locale.ROOT, "broker restarted at %.1f s in %.1f s", now / 1e3, (System.currentTimeMillis() - t0) / 1e3));
          paused.set(false);
          brokerDone = true;
        }
        if (nextKill < KILLS && now >= killAt.get(nextKill) && pendingKillAt < 0) {
          int tm = nextKill % 2 + 1;
          verdictsAtKill = tally.verdicts();
          pendingKillAt = System.currentTimeMillis();
          cluster.killTaskManager(tm);
          Thread.sleep(2_000); // a supervisor notices and starts it again
          cluster.startTaskManager(tm);
          events.add(String.format(Locale.ROOT, "TaskManager %d killed (SIGKILL) at %.1f s, started again 2 s later", tm, now / 1e3));
          nextKill++;
        }
        if (System.currentTimeMillis() - start > publishMs + TimeUnit.MINUTES.toMillis(10)) {
          break;
        }
      }
      publisher.join(TimeUnit.MINUTES.toMillis(1));
      assertThat(nextKill).as("kills done").isEqualTo(KILLS);
      assertThat(brokerDone).as("broker restarted").isTrue();
      assertThat(streams.failedSends()).as("segments the publisher could not send").isZero();
      assertThat(streams.sent()).hasSize((int) expected);

      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (tally.segmentsWithVerdict() < expected && System.nanoTime() < deadline) {
        tally.poll(Duration.ofMillis(200));
      }
      // A few checkpoints more: a duplicate, were there one, would be committed by then.
      long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (System.nanoTime() < settle) {
        tally.poll(Duration.ofMillis(200));
      }
      long corrupt = streams.sent().values().stream().filter(s -> s.kind() == SegmentKind.CORRUPT).count();
      List<String> failures = failures(cluster.restUrl() + "/jobs/" + jobId + "/exceptions?maxExceptions=50");
      System.out.printf(
          Locale.ROOT,
          "chaos (%s): %d streams, %d segments, %d corrupt; verdicts %d (segments with one %d, missing %d, duplicated %d);"
              + " dead letters %d; kills %d, time from kill to next verdict %s ms; failovers %d %s; %s%n",
          DELIVERY, STREAMS, expected, corrupt, tally.verdicts(), tally.segmentsWithVerdict(), tally.missing(),
          tally.duplicated(), tally.deadLetters(), KILLS, recoveryMs, failures.size(), failures, events);

      assertThat(tally.missing()).as("segments without a verdict").isZero();
      assertThat(tally.unreadable()).isZero();
      assertThat(failures).as("the job failed over after the kills").isNotEmpty();
      if (DELIVERY.equals("exactly-once")) {
        assertThat(tally.duplicated()).as("segments with more than one verdict").isZero();
        assertThat(tally.verdicts()).isEqualTo(expected);
        assertThat(tally.deadLetters()).isEqualTo(corrupt);
      } else {
        assertThat(tally.deadLetters()).isGreaterThanOrEqualTo(corrupt);
      }
    }
  }


  /** The job's failures, oldest first, as "time: exception" (Flink's exception history). */
  private static List<String> failures(String url) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    List<String> out = new ArrayList<>();
    for (JsonNode e : new ObjectMapper().readTree(r.body()).path("exceptionHistory").path("entries")) {
      String name = e.path("exceptionName").asText();
      out.add(0, e.path("timestamp").asLong() % 100_000 + ":" + name.substring(name.lastIndexOf('.') + 1));
    }
    return out;
  }
}
