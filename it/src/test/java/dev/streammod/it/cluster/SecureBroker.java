package dev.streammod.it.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka broker process (KRaft, one node, from the published artifacts the standalone cluster
 * uses) that clients reach only over SASL_SSL with SCRAM-SHA-512. Its certificate authority,
 * its key and certificate (for {@code localhost} and {@code 127.0.0.1}) and a second, unrelated
 * authority are made with the JDK's {@code keytool}; the users are created when the storage is
 * formatted ({@code --add-scram}), as an operator of a KRaft cluster would.
 */
final class SecureBroker implements AutoCloseable {
  static final String USER = "streammod";

  private static final Path KAFKA_LIBS = StandaloneCluster.ROOT.resolve("deploy/standalone/kafka/target/libs");
  private static final Path JAVA_BIN = Path.of(System.getProperty("java.home"), "bin");

  private final Path dir;
  private final int port;
  private final Process process;

  private SecureBroker(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /**
   * Makes the certificates under {@code dir} and starts the broker with user {@link #USER} and
   * {@code userPassword}; returns once it accepts connections.
   */
  static SecureBroker start(Path dir, String userPassword) throws Exception {
    Files.createDirectories(dir);
    makeCertificates(dir);
    int port = freePort();
    int controller = freePort();
    String interBrokerPassword = "broker-" + Long.toHexString(System.nanoTime());
    Path server = dir.resolve("server.properties");
    Files.writeString(
        server,
        String.join(
            "\n",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.voters=1@localhost:" + controller,
            "listeners=SASL_SSL://localhost:" + port + ",CONTROLLER://localhost:" + controller,
            "advertised.listeners=SASL_SSL://localhost:" + port,
            "listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT",
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=SASL_SSL",
            "sasl.enabled.mechanisms=SCRAM-SHA-512",
            "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512",
            "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule"
                + " required username=\"broker\" password=\"" + interBrokerPassword + "\";",
            "ssl.keystore.location=" + dir.resolve("broker.p12"),
            "ssl.keystore.password=" + STORE_PASSWORD,
            "ssl.keystore.type=PKCS12",
            "ssl.truststore.location=" + dir.resolve("ca.pem"),
            "ssl.truststore.type=PEM",
            "ssl.client.auth=none",
            "log.dirs=" + dir.resolve("data"),
            "num.partitions=4",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=4",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "transaction.state.log.num.partitions=4",
            "default.replication.factor=1",
            "min.insync.replicas=1",
            "group.initial.rebalance.delay.ms=0",
            "message.max.bytes=18874368",
            "replica.fetch.max.bytes=18874368",
            "transaction.max.timeout.ms=3600000",
            ""));
    Files.writeString(
        dir.resolve("log4j2.properties"),
        String.join(
            "\n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = File",
            "appender.file.name = File",
            "appender.file.type = File",
            "appender.file.fileName = " + dir.resolve("kafka.log"),
            "appender.file.layout.type = PatternLayout",
            "appender.file.layout.pattern = [%d] %p %m (%c)%n",
            ""));
    String classpath = KAFKA_LIBS + "/*";
    String java = JAVA_BIN.resolve("java").toString();
    String clusterId = run(dir.resolve("uuid.out"), java, "-cp", classpath, "kafka.tools.StorageTool", "random-uuid").strip();
    clusterId = clusterId.lines().reduce((a, b) -> b).orElse(clusterId);
    run(
        dir.resolve("format.out"),
        java, "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"),
        "-cp", classpath, "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", server.toString(),
        "--add-scram", "SCRAM-SHA-512=[name=broker,password=" + interBrokerPassword + "]",
        "--add-scram", "SCRAM-SHA-512=[name=" + USER + ",password=" + userPassword + "]");
    Process p =
        new ProcessBuilder(
                java, "-Xms256m", "-Xmx512m", "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"),
                "-cp", classpath, "kafka.Kafka", server.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("kafka.out").toFile())
            .start();
    SecureBroker broker = new SecureBroker(dir, port, p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!portOpen(port)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        broker.close();
        throw new IllegalStateException(
            "the SASL_SSL broker did not open port " + port + ":\n" + Files.readString(dir.resolve("kafka.out")) + tail(dir.resolve("kafka.log")));
      }
      Thread.sleep(200);
    }
    return broker;
  }

  static final String STORE_PASSWORD = "store-" + Long.toHexString(System.nanoTime());

  /**
   * ca.pem (the authority clients trust), broker.p12 (the broker's key and its certificate signed
   * by that authority, for localhost and 127.0.0.1), other-ca.pem (an authority that signed
   * nothing here: trusting it alone must fail), truststore.p12 (ca.pem in a PKCS12 store).
   */
  private static void makeCertificates(Path dir) throws Exception {
    String pw = STORE_PASSWORD;
    for (String ca : List.of("ca", "other-ca")) {
      keytool(dir, "-genkeypair", "-keystore", ca + ".p12", "-storepass", pw, "-alias", "ca", "-dname", "CN=streammod test " + ca,
          "-ext", "bc:c", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2");
      keytool(dir, "-exportcert", "-keystore", ca + ".p12", "-storepass", pw, "-alias", "ca", "-rfc", "-file", ca + ".pem");
    }
    keytool(dir, "-genkeypair", "-keystore", "broker.p12", "-storepass", pw, "-alias", "broker", "-dname", "CN=localhost",
        "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2");
    keytool(dir, "-certreq", "-keystore", "broker.p12", "-storepass", pw, "-alias", "broker", "-file", "broker.csr");
    keytool(dir, "-gencert", "-keystore", "ca.p12", "-storepass", pw, "-alias", "ca", "-infile", "broker.csr",
        "-outfile", "broker.pem", "-rfc", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2");
    keytool(dir, "-importcert", "-keystore", "broker.p12", "-storepass", pw, "-alias", "ca", "-file", "ca.pem", "-noprompt");
    keytool(dir, "-importcert", "-keystore", "broker.p12", "-storepass", pw, "-alias", "broker", "-file", "broker.pem");
    keytool(dir, "-importcert", "-keystore", "truststore.p12", "-storepass", pw, "-alias", "ca", "-file", "ca.pem", "-noprompt");
  }

  private static void keytool(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(JAVA_BIN.resolve("keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
    }
  }

  private static String run(Path output, String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + Files.readString(output));
    }
    return Files.readString(output);
  }

  String bootstrapServers() {
    return "localhost:" + port;
  }

  Path caPem() {
    return dir.resolve("ca.pem");
  }

  Path otherCaPem() {
    return dir.resolve("other-ca.pem");
  }

  Path truststoreP12() {
    return dir.resolve("truststore.p12");
  }

  /** The broker's own log, for a failure message. */
  String log() {
    return tail(dir.resolve("kafka.log"));
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return "\n--- " + file.getFileName() + "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "\n(no " + file.getFileName() + ")";
    }
  }

  private static boolean portOpen(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("localhost", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
