package dev.streammod.cli.bench;

import dev.streammod.cli.demo.TemporaryFolders;
import dev.streammod.connectors.embedded.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka broker in a JVM of its own ({@code kafka.Kafka}, one KRaft node that is broker and
 * controller, with {@link EmbeddedKafka#defaultBrokerConfigs()}), so that the bench's process holds
 * the job alone and the broker's CPU is counted apart. Optionally pinned to some cores with {@code
 * taskset}. Its data and log live in a temporary directory that {@link #close()} deletes.
 */
final class BrokerProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Process process;
  private final Path dir;
  private final String bootstrapServers;

  private BrokerProcess(Process process, Path dir, String bootstrapServers) {
    this.process = process;
    this.dir = dir;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Formats the broker's storage and starts it; returns once it answers an admin request.
   *
   * @param cpus a {@code taskset} CPU list (e.g. {@code "2-3"}) to pin the broker to, or null
   * @throws IllegalStateException naming the cause (and the tail of the broker's log) when it does
   *     not start; nothing is left running
   */
  static BrokerProcess start(String cpus) throws InterruptedException {
    Path dir;
    try {
      dir = Files.createTempDirectory("streammod-broker-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for the broker process", e);
    }
    Process process = null;
    try {
      int port = freePort();
      int controllerPort = freePort();
      Path config = writeConfig(dir, port, controllerPort);
      Process format =
          run(dir, "format", cpus, List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()));
      if (!format.waitFor(60, TimeUnit.SECONDS)) {
        format.destroyForcibly();
        throw new IllegalStateException("formatting its storage took more than 60 s");
      }
      if (format.exitValue() != 0) {
        throw new IllegalStateException("formatting its storage failed with status " + format.exitValue());
      }
      process = run(dir, "broker", cpus, List.of("kafka.Kafka", config.toString()));
      String bootstrap = "localhost:" + port;
      awaitReady(process, bootstrap, dir);
      return new BrokerProcess(process, dir, bootstrap);
    } catch (IOException | RuntimeException e) {
      stop(process);
      String log = logTail(dir);
      TemporaryFolders.deleteQuietly(dir);
      throw new IllegalStateException("the broker process did not start: " + e.getMessage() + log, e);
    }
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  long pid() {
    return process.pid();
  }

  /** CPU the broker process has used so far, in seconds; 0 once it is gone. */
  double cpuSeconds() {
    return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
  }

  @Override
  public void close() {
    stop(process);
    TemporaryFolders.deleteQuietly(dir);
  }

  private static void stop(Process p) {
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static Path writeConfig(Path dir, int port, int controllerPort) throws IOException {
    Properties p = new Properties();
    p.putAll(EmbeddedKafka.defaultBrokerConfigs());
    p.putAll(
        Map.of(
            "process.roles", "broker,controller",
            "node.id", "1",
            "controller.quorum.voters", "1@localhost:" + controllerPort,
            "listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort,
            "advertised.listeners", "PLAINTEXT://localhost:" + port,
            "controller.listener.names", "CONTROLLER",
            "inter.broker.listener.name", "PLAINTEXT",
            "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs", dir.resolve("data").toString()));
    Path file = dir.resolve("server.properties");
    try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(out, "broker process of streammod bench");
    }
    Files.writeString(
        dir.resolve("log4j2.properties"),
        String.join(
            "\n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = File",
            "appender.file.name = File",
            "appender.file.type = File",
            "appender.file.fileName = " + dir.resolve("broker.log"),
            "appender.file.layout.type = PatternLayout",
            "appender.file.layout.pattern = [%d] %p %m (%c)%n",
            ""));
    return file;
  }

  /** A JVM on this process's class path (which holds the broker), output to {@code name}.out. */
  private static Process run(Path dir, String name, String cpus, List<String> mainAndArgs) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (cpus != null) {
      cmd.addAll(List.of("taskset", "-c", cpus));
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        List.of(
            "-Xms512m",
            "-Xmx1g",
            "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"),
            "-cp",
            System.getProperty("java.class.path")));
    cmd.addAll(mainAndArgs);
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".out").toFile())
        .start();
  }

  private static void awaitReady(Process process, String bootstrap, Path dir) throws InterruptedException {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    try (Admin admin = Admin.create(p)) {
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException("it exited with status " + process.exitValue());
        }
        try {
          if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
          // not up yet
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("no answer at " + bootstrap + " within " + START_TIMEOUT.toSeconds() + " s");
        }
        Thread.sleep(250);
      }
    }
  }

  private static String logTail(Path dir) {
    StringBuilder b = new StringBuilder();
    for (String name : List.of("format.out", "broker.out", "broker.log")) {
      Path f = dir.resolve(name);
      try {
        if (Files.isRegularFile(f)) {
          List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
          b.append("\n--- ").append(name).append(" (last lines)\n")
              .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
        }
      } catch (IOException | UncheckedIOException e) {
        // best effort
      }
    }
    return b.toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
