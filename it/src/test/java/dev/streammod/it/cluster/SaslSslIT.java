package dev.streammod.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.cli.command.ModerationCli;
import dev.streammod.cli.demo.SyntheticStreams;
import dev.streammod.cli.demo.VerdictTally;
import dev.streammod.connectors.Topics;
import dev.streammod.pipeline.config.SettingsLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka over SASL_SSL with SCRAM-SHA-512, end to end: a broker process that accepts clients only on
 * a TLS listener with SCRAM logins (certificates made here with keytool), the job jar submitted with
 * {@code moderation submit} to the standalone Flink cluster, the dashboard and the bench as
 * processes of their own. The password comes from a file (job, bench) or an environment variable
 * (dashboard) and must appear in no log, no command output and no dashboard answer; a wrong
 * password and an untrusted certificate stop the job at start with a message naming the cause.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class SaslSslIT {
  private static final int STREAMS = 6;
  private static final int ROUNDS = 3;
  private static final Path CLI_JAR = StandaloneCluster.ROOT.resolve("cli/target/moderation.jar");

  @TempDir Path work;

  private final List<String> outputs = new ArrayList<>();

  @Test
  void jobDashboardAndBenchConnectOverSaslSslAndBadCredentialsStopTheJobAtStart() throws Exception {
    String password = "pw-" + UUID.randomUUID();
    Path passwordFile = work.resolve("kafka-password");
    Files.writeString(passwordFile, password + "\n");
    try (SecureBroker broker = SecureBroker.start(work.resolve("broker"), password)) {
      try {
        StandaloneCluster.with(work.resolve("cluster"), 1, 2, false, cluster -> run(cluster, broker, password, passwordFile));
      } catch (AssertionError | Exception e) {
        throw new AssertionError(e.getMessage() + broker.log(), e);
      }
    }
  }

  private void run(StandaloneCluster cluster, SecureBroker broker, String password, Path passwordFile) throws Exception {
    String bootstrap = broker.bootstrapServers();
    Path good = config("good.yaml", bootstrap, passwordFile, broker.caPem());
    Map<String, String> client = SettingsLoader.load(good, Map.of()).kafka().consumerProperties();

    // A wrong password: the job's main stops at its start-up check, and submit says why.
    Path wrongFile = work.resolve("wrong-password");
    Files.writeString(wrongFile, "not-the-password\n");
    Submitted wrong = submit(cluster, config("wrong.yaml", bootstrap, wrongFile, broker.caPem()));
    assertThat(wrong.rc()).as("submit with a wrong password: %s", wrong.output()).isNotZero();
    assertThat(wrong.output())
        .contains("Kafka at '" + bootstrap + "' refused the credentials (SASL authentication failed; check kafka.security.username");

    // A broker certificate signed by an authority the truststore does not hold.
    Submitted untrusted = submit(cluster, config("untrusted.yaml", bootstrap, passwordFile, broker.otherCaPem()));
    assertThat(untrusted.rc()).as("submit trusting another authority: %s", untrusted.output()).isNotZero();
    assertThat(untrusted.output())
        .contains("Kafka at '" + bootstrap + "': the TLS handshake failed (is the broker's certificate trusted by kafka.security.truststore");
    assertThat(cluster.jobManagerAlive()).isTrue();
    System.out.println("sasl_ssl wrong password: " + wrong.output().strip());
    System.out.println("sasl_ssl untrusted certificate: " + untrusted.output().strip());

    // The right ones: the job creates its topics and moderates every segment, once.
    Submitted ok = submit(cluster, good, "--create-topics");
    assertThat(ok.rc()).as("submit: %s", ok.output()).isZero();
    Matcher id = Pattern.compile("job id: ([0-9a-f]{32})").matcher(ok.output());
    assertThat(id.find()).isTrue();
    StandaloneCluster.awaitRunning(new dev.streammod.cli.submit.FlinkRest(cluster.restUrl()), id.group(1));

    try (SyntheticStreams streams =
            new SyntheticStreams(bootstrap, client, Topics.SEGMENTS, STREAMS, SyntheticStreams.Shape.standard());
        VerdictTally tally = new VerdictTally(bootstrap, client, Topics.VERDICTS, Topics.DEAD_LETTERS, streams.sent())) {
      for (int r = 0; r < ROUNDS; r++) {
        for (int s = 0; s < STREAMS; s++) {
          streams.publish(s);
        }
      }
      streams.stop();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
      while (tally.segmentsWithVerdict() < (long) STREAMS * ROUNDS && System.nanoTime() < deadline) {
        tally.poll(Duration.ofMillis(500));
      }
      tally.poll(Duration.ofSeconds(3));
      assertThat(streams.failedSends()).isZero();
      assertThat(tally.missing()).as("segments without a verdict over SASL_SSL").isZero();
      assertThat(tally.duplicated()).isZero();
      assertThat(tally.verdicts()).isEqualTo((long) STREAMS * ROUNDS);
    }

    dashboardShowsTheStreams(bootstrap, broker, password);
    benchRunsAgainstTheBroker(bootstrap, good);

    // The password, whatever its source, is in no log and no output.
    List<String> texts = new ArrayList<>(outputs);
    try (Stream<Path> logs = Files.walk(work.resolve("cluster"))) {
      for (Path f : logs.filter(Files::isRegularFile).filter(f -> f.toString().contains("log")).toList()) {
        texts.add(f + "\n" + Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1));
      }
    }
    assertThat(texts).hasSizeGreaterThan(outputs.size());
    for (String t : texts) {
      assertThat(t).as("a log or output line carries the password").doesNotContain(password).doesNotContain("not-the-password");
    }
  }

  private void dashboardShowsTheStreams(String bootstrap, SecureBroker broker, String password) throws Exception {
    Path config = work.resolve("dashboard.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "kafka:",
            "  bootstrap-servers: " + bootstrap,
            "  security:",
            "    protocol: SASL_SSL",
            "    username: " + SecureBroker.USER,
            "    password-env: STREAMMOD_TEST_KAFKA_PASSWORD",
            "    truststore: " + broker.truststoreP12(),
            "    truststore-password-env: STREAMMOD_TEST_TRUSTSTORE_PASSWORD",
            ""));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path out = work.resolve("dashboard.out");
    ProcessBuilder pb =
        new ProcessBuilder(
                java(), "-Xmx512m", "-jar", CLI_JAR.toString(), "dashboard", "--config", config.toString(),
                "--port", String.valueOf(port), "--history", "1m")
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    pb.environment().put("STREAMMOD_TEST_KAFKA_PASSWORD", password);
    pb.environment().put("STREAMMOD_TEST_TRUSTSTORE_PASSWORD", SecureBroker.STORE_PASSWORD);
    Process p = pb.start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      String streams = "";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (System.nanoTime() < deadline && !streams.contains(SyntheticStreams.streamId(STREAMS - 1))) {
        assertThat(p.isAlive()).as("dashboard running: %s", Files.readString(out)).isTrue();
        streams = get(http, port, "/api/streams");
        Thread.sleep(500);
      }
      for (int s = 0; s < STREAMS; s++) {
        assertThat(streams).as("/api/streams").contains(SyntheticStreams.streamId(s));
      }
      outputs.add("/api/streams " + streams);
      outputs.add("/api/summary " + get(http, port, "/api/summary"));
      outputs.add("/ " + get(http, port, "/"));
    } finally {
      p.destroy();
      p.waitFor(20, TimeUnit.SECONDS);
      outputs.add("dashboard output\n" + Files.readString(out));
    }
    assertThat(Files.readString(out)).contains("on " + bootstrap + " (SASL_SSL)");
  }

  private static String get(HttpClient http, int port, String path) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (Exception e) {
      return "";
    }
  }

  private void benchRunsAgainstTheBroker(String bootstrap, Path config) throws Exception {
    Path out = work.resolve("bench.out");
    Process p =
        new ProcessBuilder(
                java(), "-Xmx2g", "-Dstreammod.home=" + StandaloneCluster.ROOT, "-jar", CLI_JAR.toString(), "bench",
                "--bootstrap-servers", bootstrap, "--config", config.toString(),
                "--streams", "4", "--duration", "8s", "--warmup", "2s", "--raw-duration", "1s",
                "--size", "320x240", "--fps", "15", "--pool", "2", "--set", "decoder.max-frames=1",
                "--out", work.resolve("bench").toString())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    boolean done = p.waitFor(5, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    String text = Files.readString(out);
    outputs.add("bench output\n" + text);
    assertThat(done && p.exitValue() == 0).as("bench over SASL_SSL:\n%s", text).isTrue();
    Matcher checks = Pattern.compile("checks  : (\\d+) produced, (\\d+) with a verdict, (\\d+) lost, (\\d+) duplicated").matcher(text);
    assertThat(checks.find()).as("bench checks line in:\n%s", text).isTrue();
    assertThat(Long.parseLong(checks.group(1))).isPositive();
    assertThat(checks.group(2)).isEqualTo(checks.group(1));
    assertThat(checks.group(3)).isEqualTo("0");
    System.out.println("sasl_ssl bench: " + checks.group());
  }

  private Path config(String name, String bootstrap, Path passwordFile, Path truststore) throws Exception {
    Path f = work.resolve(name);
    Files.writeString(
        f,
        String.join(
            "\n",
            "kafka:",
            "  bootstrap-servers: " + bootstrap,
            "  starting-offsets: earliest",
            "  startup-timeout-ms: 20000",
            "  security:",
            "    protocol: SASL_SSL",
            "    username: " + SecureBroker.USER,
            "    password-file: " + passwordFile,
            "    truststore: " + truststore,
            "model:",
            "  device: cpu",
            "job:",
            "  parallelism: 2",
            "  checkpoint-interval-ms: 1000",
            "stats:",
            "  interval-ms: 1000",
            ""));
    return f;
  }

  record Submitted(int rc, String output) {}

  private Submitted submit(StandaloneCluster cluster, Path config, String... extra) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args =
        new ArrayList<>(
            List.of("submit", "--rest-url", cluster.restUrl(), "--jar", StandaloneCluster.JOB_JAR.toString(), "--config", config.toString()));
    args.addAll(List.of(extra));
    int rc = ModerationCli.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args.toArray(String[]::new));
    String text = out + "\n" + err;
    outputs.add("submit " + config.getFileName() + "\n" + text);
    return new Submitted(rc, text);
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
