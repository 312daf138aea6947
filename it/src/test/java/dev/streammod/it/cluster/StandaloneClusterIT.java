package dev.streammod.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streammod.cli.command.ModerationCli;
import dev.streammod.cli.dashboard.JobProbe;
import dev.streammod.cli.demo.SegmentKind;
import dev.streammod.cli.demo.SyntheticStreams;
import dev.streammod.cli.demo.VerdictTally;
import dev.streammod.cli.submit.FlinkRest;
import dev.streammod.cli.submit.FlinkRestException;
import dev.streammod.connectors.Topics;
import dev.streammod.pipeline.ModerationJobMain;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar as operators run it: a Kafka broker, a JobManager and two TaskManagers, each its own
 * process, started by {@code deploy/standalone/cluster.sh}; the jar submitted through the REST API
 * ({@code bin/moderation submit}), stopped with a savepoint, resumed from it at parallelism 4
 * through Flink's own command line ({@code flink run -s}); every segment published before, during
 * and after gets exactly one committed verdict. The shipped model, real H.264 segments.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class StandaloneClusterIT {
  private static final int STREAMS = 12;
  // Packages Flink loads parent-first: a copy of any of these in the job jar clashes with the
  // cluster's own (classloader.parent-first-patterns.default).
  private static final List<String> PARENT_FIRST =
      List.of("org/apache/flink/", "org/slf4j/", "org/apache/log4j/", "org/apache/logging/", "com/esotericsoftware/kryo/", "scala/");

  @TempDir Path work;

  @Test
  void jobJarRunsOnAStandaloneClusterAcrossASavepointAndARescale() throws Exception {
    assertJobJarBundlesNothingTheClusterHas(StandaloneCluster.JOB_JAR);
    List<Long> pids;
    try (StandaloneCluster cluster = StandaloneCluster.start(work.resolve("cluster"), 2, 2)) {
      pids = cluster.pids();
      assertThat(pids).hasSize(4); // broker, JobManager, two TaskManagers
      try {
        runJobAcrossSavepointAndRescale(cluster);
      } catch (AssertionError | Exception e) {
        throw new AssertionError(e.getMessage() + cluster.logs(), e);
      }
    }
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("process %d is gone after cluster.sh stop", pid)
          .isFalse();
    }
  }

  private void runJobAcrossSavepointAndRescale(StandaloneCluster cluster) throws Exception {
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
            "model:",
            "  device: cpu",
            "job:",
            "  checkpoint-interval-ms: 1000",
            "stats:",
            "  enabled: false",
            ""));
    FlinkRest rest = new FlinkRest(cluster.restUrl());

    // A submission whose main fails (a bad setting) is refused with the key named, and the
    // JobManager that ran that main is still there.
    String jarId = rest.upload(StandaloneCluster.JOB_JAR);
    assertThatThrownBy(
            () ->
                rest.run(
                    jarId,
                    new FlinkRest.RunRequest(
                        ModerationJobMain.class.getName(), List.of("--set", "job.parallelism=zero"), null, null, false)))
        .isInstanceOf(FlinkRestException.class)
        .hasMessageContaining("job.parallelism");
    // So is a jar that is not the job jar (a jar, but without the job's entry class).
    Path otherJar;
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(StandaloneCluster.FLINK_LIB, "flink-connector-datagen-*.jar")) {
      otherJar = jars.iterator().next();
    }
    String otherId = rest.upload(otherJar);
    assertThatThrownBy(
            () -> rest.run(otherId, new FlinkRest.RunRequest(ModerationJobMain.class.getName(), List.of(), null, null, false)))
        .isInstanceOf(FlinkRestException.class)
        .hasMessageContaining(ModerationJobMain.class.getName());
    assertThat(cluster.jobManagerAlive()).isTrue();
    assertThat(rest.overview().path("taskmanagers").asInt()).isEqualTo(2);

    // bin/moderation submit: REST upload and run, job id and web UI link printed.
    long submittedAt = System.nanoTime();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc =
        ModerationCli.commandLine()
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(
                "submit", "--rest-url", cluster.restUrl(), "--jar", StandaloneCluster.JOB_JAR.toString(),
                "--config", config.toString(), "--parallelism", "2");
    assertThat(rc).as("submit: %s %s", out, err).isZero();
    String firstJob = group(Pattern.compile("job id: ([0-9a-f]{32})"), out.toString());
    assertThat(out.toString()).contains(cluster.restUrl() + "/#/job/running/" + firstJob);
    awaitState(rest, firstJob, "RUNNING");
    assertThat(parallelisms(rest.job(firstJob))).containsOnly(2);

    try (SyntheticStreams streams =
            new SyntheticStreams(bootstrap, Topics.SEGMENTS, STREAMS, SyntheticStreams.Shape.standard());
        VerdictTally tally = new VerdictTally(bootstrap, Topics.VERDICTS, Topics.DEAD_LETTERS, streams.sent())) {
      publishRounds(streams, 3);
      awaitVerdicts(tally, 1, Duration.ofMinutes(4));
      double firstVerdictS = (System.nanoTime() - submittedAt) / 1e9;
      awaitVerdicts(tally, 3L * STREAMS, Duration.ofMinutes(4));
      long beforeStop = tally.verdicts();

      // Segments published while the job stops with a savepoint: some are moderated before it,
      // the rest after the resume, none twice.
      publishRounds(streams, 2);
      String savepoint = rest.stopWithSavepoint(firstJob, null, Duration.ofMinutes(3));
      awaitState(rest, firstJob, "FINISHED");
      tally.poll(Duration.ofSeconds(2));
      long atSavepoint = tally.verdicts();

      // Resumed from the savepoint with Flink's own command line, at parallelism 4 over the two
      // TaskManagers' four slots.
      StandaloneCluster.Result run =
          cluster.flink(
              "run", "-d", "-s", savepoint, "-p", "4", StandaloneCluster.JOB_JAR.toString(),
              "--config", config.toString(), "--set", "job.parallelism=4");
      assertThat(run.exit()).as("flink run -s: %s", run.output()).isZero();
      String secondJob = group(Pattern.compile("JobID ([0-9a-f]{32})"), run.output());
      awaitState(rest, secondJob, "RUNNING");
      assertThat(parallelisms(rest.job(secondJob))).containsOnly(4);

      publishRounds(streams, 2);
      long expected = 7L * STREAMS;
      awaitVerdicts(tally, expected, Duration.ofMinutes(4));
      // A few checkpoints more: a duplicate, were there one, would be committed by then.
      long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (System.nanoTime() < settle) {
        tally.poll(Duration.ofMillis(200));
      }
      assertThat(streams.failedSends()).isZero();
      assertThat(tally.missing()).isZero();
      assertThat(tally.duplicated()).isZero();
      assertThat(tally.verdicts()).isEqualTo(expected);
      long corrupt = streams.sent().values().stream().filter(s -> s.kind() == SegmentKind.CORRUPT).count();
      assertThat(tally.deadLetters()).isEqualTo(corrupt);

      // Each TaskManager's Prometheus reporter serves the job's moderation metrics.
      double segmentsIn = 0;
      for (int i = 1; i <= cluster.taskManagers(); i++) {
        String metrics = get(cluster.taskManagerMetricsUrl(i));
        assertThat(metrics).contains("flink_taskmanager_job_task_operator_moderation_segments_in");
        segmentsIn += sum(metrics, "flink_taskmanager_job_task_operator_moderation_segments_in");
      }
      assertThat(segmentsIn).as("segments counted by the resumed job").isPositive();

      // The dashboard's probe reads the job's back pressure from this cluster's REST API.
      String backpressure;
      try (JobProbe probe =
          new JobProbe(bootstrap, "streammod", Topics.SEGMENTS, cluster.restUrl(), Map.of()).start(Duration.ofMillis(500))) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ("unknown".equals(probe.state().backpressure()) && System.nanoTime() < deadline) {
          Thread.sleep(200);
        }
        backpressure = probe.state().backpressure() + " (" + probe.state().backpressureNote() + ")";
        assertThat(probe.state().backpressure()).isIn("ok", "low", "high");
      }
      System.out.printf(
          "standalone cluster: job jar %.1f MB; submission to first verdict %.1f s; verdicts %d before"
              + " the stop, %d at the savepoint, %d after the resume at parallelism 4 (of %d published);"
              + " %d dead letters; TaskManagers counted %.0f segments in; back pressure %s%n",
          Files.size(StandaloneCluster.JOB_JAR) / 1e6, firstVerdictS, beforeStop, atSavepoint,
          tally.verdicts(), expected, tally.deadLetters(), segmentsIn, backpressure);
    }
  }

  /** No class the cluster loads parent-first (Flink, logging) is also in the job jar. */
  static void assertJobJarBundlesNothingTheClusterHas(Path jobJar) throws IOException {
    assertThat(jobJar).as("build the job jar first: mvn -B -DskipTests package").isRegularFile();
    Set<String> cluster = new HashSet<>();
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(StandaloneCluster.FLINK_LIB, "*.jar")) {
      for (Path jar : jars) {
        cluster.addAll(classes(jar));
      }
    }
    assertThat(cluster).as("the cluster's lib/ holds Flink").contains("org/apache/flink/runtime/taskexecutor/TaskExecutor.class");
    List<String> clashes = new ArrayList<>();
    for (String c : classes(jobJar)) {
      if (cluster.contains(c) && PARENT_FIRST.stream().anyMatch(c::startsWith)) {
        clashes.add(c);
      }
    }
    assertThat(clashes).as("classes in the job jar that the cluster already has").isEmpty();
    assertThat(classes(jobJar))
        .as("the job jar has the Kafka connector and the job")
        .contains(
            "org/apache/flink/connector/kafka/source/KafkaSource.class",
            "dev/streammod/pipeline/ModerationJobMain.class")
        .noneMatch(c -> c.startsWith("kafka/server/") || c.startsWith("io/javalin/") || c.startsWith("dev/streammod/cli/")
            || c.startsWith("dev/streammod/decoders/synthetic/") || c.startsWith("dev/streammod/models/testing/"));
  }

  private static Set<String> classes(Path jar) throws IOException {
    Set<String> out = new HashSet<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        String name = e.nextElement().getName();
        if (name.endsWith(".class")) {
          out.add(name);
        }
      }
    }
    return out;
  }

  private static void publishRounds(SyntheticStreams streams, int rounds) {
    for (int r = 0; r < rounds; r++) {
      for (int s = 0; s < STREAMS; s++) {
        streams.publish(s);
      }
    }
    streams.stop(); // flushes
  }

  private static void awaitVerdicts(VerdictTally tally, long expected, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (tally.verdicts() < expected && System.nanoTime() < deadline) {
      tally.poll(Duration.ofMillis(200));
    }
    assertThat(tally.verdicts()).as("verdicts within %s", timeout).isGreaterThanOrEqualTo(expected);
  }

  private static void awaitState(FlinkRest rest, String jobId, String state) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    String now = "";
    while (System.nanoTime() < deadline) {
      JsonNode job = rest.job(jobId);
      now = job.path("state").asText();
      boolean tasksUp = !"RUNNING".equals(state) || allVerticesRunning(job);
      if (state.equals(now) && tasksUp) {
        return;
      }
      if ("FAILED".equals(now)) {
        break;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("job " + jobId + " is " + now + ", not " + state);
  }

  private static boolean allVerticesRunning(JsonNode job) {
    for (JsonNode v : job.path("vertices")) {
      if (!"RUNNING".equals(v.path("status").asText())) {
        return false;
      }
    }
    return job.path("vertices").size() > 0;
  }

  private static List<Integer> parallelisms(JsonNode job) {
    List<Integer> out = new ArrayList<>();
    job.path("vertices").forEach(v -> out.add(v.path("parallelism").asInt()));
    return out;
  }

  private static String group(Pattern p, String text) {
    Matcher m = p.matcher(text);
    assertThat(m.find()).as("'%s' in: %s", p, text).isTrue();
    return m.group(1);
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url).isEqualTo(200);
    return r.body();
  }

  /** The sum of a Prometheus metric's samples over all its label sets. */
  private static double sum(String exposition, String metric) {
    double total = 0;
    for (String line : exposition.split("\n")) {
      if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }
}
