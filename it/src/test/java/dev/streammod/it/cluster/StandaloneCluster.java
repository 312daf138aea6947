package dev.streammod.it.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streammod.cli.submit.FlinkRest;
import dev.streammod.connectors.TopicAdmin;
import dev.streammod.pipeline.ModerationJobMain;
import dev.streammod.connectors.TopicSpec;
import dev.streammod.connectors.Topics;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The standalone cluster of {@code deploy/standalone/cluster.sh} for a test: a Kafka broker
 * process, a JobManager process and TaskManager processes, on free ports, with everything under
 * one folder. The test drives the script exactly as a user would.
 */
final class StandaloneCluster implements AutoCloseable {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path SCRIPT = ROOT.resolve("deploy/standalone/cluster.sh");
  static final Path JOB_JAR = ROOT.resolve("pipeline/target/moderation-job.jar");
  static final Path FLINK_LIB = ROOT.resolve("deploy/standalone/flink/target/lib");

  private final Path dir;
  private final int restPort;
  private final int kafkaPort;
  private final int prometheusPort;
  private final int taskManagers;

  /** What a command printed, and its exit status. */
  record Result(int exit, String output) {}

  private StandaloneCluster(Path dir, int restPort, int kafkaPort, int prometheusPort, int taskManagers) {
    this.dir = dir;
    this.restPort = restPort;
    this.kafkaPort = kafkaPort;
    this.prometheusPort = prometheusPort;
    this.taskManagers = taskManagers;
  }

  static StandaloneCluster start(Path dir, int taskManagers, int slots) throws Exception {
    return start(dir, taskManagers, slots, true);
  }

  /** With {@code kafka} false, Flink alone ({@code --no-kafka}): the test runs a broker of its own. */
  static StandaloneCluster start(Path dir, int taskManagers, int slots, boolean kafka) throws Exception {
    int kafkaPort = kafka ? freePortPair() : -1;
    int prometheus = freePortRun(taskManagers + 1);
    StandaloneCluster cluster = new StandaloneCluster(dir, freePort(), kafkaPort, prometheus, taskManagers);
    List<String> args =
        new ArrayList<>(
            List.of(
                "start", "--dir", dir.toString(),
                "--taskmanagers", String.valueOf(taskManagers), "--slots", String.valueOf(slots),
                "--rest-port", String.valueOf(cluster.restPort), "--rpc-port", String.valueOf(freePort()),
                "--prometheus-port", String.valueOf(prometheus)));
    args.addAll(kafka ? List.of("--kafka-port", String.valueOf(kafkaPort)) : List.of("--no-kafka"));
    Result r = script(dir.resolveSibling("cluster-start.out"), 240, args.toArray(String[]::new));
    if (r.exit() != 0) {
      cluster.close();
      throw new IllegalStateException("cluster.sh start failed (" + r.exit() + "):\n" + r.output() + logs(dir));
    }
    return cluster;
  }

  /** What a test does with a running cluster. */
  interface Body {
    void run(StandaloneCluster cluster) throws Exception;
  }

  /**
   * Starts a cluster, runs {@code body} against it and stops it; a failure carries the last lines
   * of every process's log.
   */
  static void with(Path dir, int taskManagers, int slots, Body body) throws Exception {
    with(dir, taskManagers, slots, true, body);
  }

  /** The same, with a broker process ({@code kafka}) or without. */
  static void with(Path dir, int taskManagers, int slots, boolean kafka, Body body) throws Exception {
    try (StandaloneCluster cluster = start(dir, taskManagers, slots, kafka)) {
      try {
        body.run(cluster);
      } catch (AssertionError | Exception e) {
        throw new AssertionError(e.getMessage() + cluster.logs(), e);
      }
    }
  }

  /** The job's topics: segments and verdicts with {@code partitions} each, dead letters with one. */
  void createJobTopics(int partitions) {
    TopicAdmin.ensureTopics(
        bootstrapServers(),
        List.of(
            TopicSpec.segmentsTopic(Topics.SEGMENTS, partitions),
            TopicSpec.verdictsTopic(Topics.VERDICTS, partitions),
            TopicSpec.deadLettersTopic(Topics.DEAD_LETTERS, 1)));
  }

  String restUrl() {
    return "http://localhost:" + restPort;
  }

  String bootstrapServers() {
    return "localhost:" + kafkaPort;
  }

  /** The Prometheus endpoint of TaskManager {@code i} (1-based). */
  String taskManagerMetricsUrl(int i) {
    return "http://localhost:" + (prometheusPort + i) + "/metrics";
  }

  int taskManagers() {
    return taskManagers;
  }

  /** Flink's own command line against this cluster ({@code flink run ...}). */
  Result flink(String... args) throws Exception {
    List<String> a = new ArrayList<>(List.of("flink", "--dir", dir.toString(), "--"));
    a.addAll(List.of(args));
    return script(dir.resolve("flink-cli.out"), 180, a.toArray(String[]::new));
  }

  /** The process ids the script started, from its pid files. */
  List<Long> pids() throws IOException {
    Path pids = dir.resolve("pids");
    if (!Files.isDirectory(pids)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(pids)) {
      List<Long> out = new ArrayList<>();
      for (Path f : files.toList()) {
        out.add(Long.parseLong(Files.readString(f).strip()));
      }
      return out;
    }
  }

  /**
   * Uploads the job jar, runs it with {@code configYaml} as {@code --config-yaml} at {@code
   * parallelism}, as {@code moderation submit} does, and waits until it runs; returns its id.
   */
  String runJob(String configYaml, int parallelism) throws Exception {
    FlinkRest rest = new FlinkRest(restUrl());
    String jobId =
        rest.run(
            rest.upload(JOB_JAR),
            new FlinkRest.RunRequest(
                ModerationJobMain.class.getName(), List.of("--config-yaml", configYaml), parallelism, null, false));
    awaitRunning(rest, jobId);
    return jobId;
  }

  /** Waits until the job and all its vertices run. */
  static void awaitRunning(FlinkRest rest, String jobId) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      JsonNode job = rest.job(jobId);
      boolean all = job.path("state").asText().equals("RUNNING");
      for (JsonNode v : job.path("vertices")) {
        all &= v.path("status").asText().equals("RUNNING");
      }
      if (all) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("job " + jobId + " did not reach RUNNING: " + rest.job(jobId));
  }

  /** Kills TaskManager {@code i} (1-based) with SIGKILL, as a crash would; returns once it is gone. */
  void killTaskManager(int i) throws Exception {
    long pid = Long.parseLong(Files.readString(dir.resolve("pids/taskmanager-" + i + ".pid")).strip());
    ProcessHandle p = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("TaskManager " + i + " is not running"));
    Process kill = new ProcessBuilder("kill", "-9", String.valueOf(pid)).start();
    kill.waitFor(10, TimeUnit.SECONDS);
    p.onExit().get(30, TimeUnit.SECONDS);
  }

  /** Starts TaskManager {@code i} again, as a supervisor would. */
  void startTaskManager(int i) throws Exception {
    Result r = script(dir.resolve("tm-start.out"), 60, "start-taskmanager", "--dir", dir.toString(), "--", String.valueOf(i));
    if (r.exit() != 0) {
      throw new IllegalStateException("start-taskmanager " + i + " failed: " + r.output());
    }
  }

  /** Stops the broker process and starts it again on its data; returns once it listens. */
  void restartBroker() throws Exception {
    Result stop = script(dir.resolve("kafka-stop.out"), 60, "stop-kafka", "--dir", dir.toString());
    if (stop.exit() != 0) {
      throw new IllegalStateException("stop-kafka failed: " + stop.output());
    }
    Result start = script(dir.resolve("kafka-start.out"), 120, "start-kafka", "--dir", dir.toString());
    if (start.exit() != 0) {
      throw new IllegalStateException("start-kafka failed: " + start.output());
    }
  }

  boolean jobManagerAlive() throws IOException {
    Path f = dir.resolve("pids/jobmanager.pid");
    return Files.exists(f)
        && ProcessHandle.of(Long.parseLong(Files.readString(f).strip())).map(ProcessHandle::isAlive).orElse(false);
  }

  /** The last lines of every process log, for a failure message. */
  static String logs(Path dir) {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> files = Files.list(dir.resolve("log"))) {
      for (Path f : files.sorted().toList()) {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        sb.append("\n--- ").append(f.getFileName()).append(" (last 30 lines)\n");
        lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(l -> sb.append(l).append('\n'));
      }
    } catch (IOException | RuntimeException e) {
      sb.append("\n(no logs: ").append(e).append(")");
    }
    return sb.toString();
  }

  String logs() {
    return logs(dir);
  }

  @Override
  public void close() throws Exception {
    script(dir.resolveSibling("cluster-stop.out"), 120, "stop", "--dir", dir.toString());
  }

  private static Result script(Path output, long timeoutSeconds, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(List.of(args));
    Files.createDirectories(output.getParent());
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("cluster.sh " + String.join(" ", args) + " did not finish in " + timeoutSeconds + " s");
    }
    return new Result(p.exitValue(), Files.readString(output));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A port p with p + 1 free too (the broker's listener and its controller). */
  private static int freePortPair() throws IOException {
    return freePortRun(2);
  }

  private static int freePortRun(int n) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int p = freePort();
      if (p + n >= 65535) {
        continue;
      }
      boolean all = true;
      for (int i = 1; i < n && all; i++) {
        try (ServerSocket s = new ServerSocket(p + i)) {
          // free
        } catch (IOException taken) {
          all = false;
        }
      }
      if (all) {
        return p;
      }
    }
    throw new IOException("no run of " + n + " free ports found");
  }
}
