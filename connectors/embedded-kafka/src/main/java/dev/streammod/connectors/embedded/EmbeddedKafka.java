package dev.streammod.connectors.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker (KRaft, one combined broker+controller node) running in this JVM on a
 * free localhost port, for the demo and the tests. Its data lives in a fresh temporary directory
 * that {@link #close()} deletes.
 *
 * <p>Formatted like a production install of this Kafka version (latest production metadata version
 * and feature levels, unstable APIs off), and configured for one node with 16 MiB records and quick
 * transaction handling: see {@link #defaultBrokerConfigs()}.
 */
public final class EmbeddedKafka implements AutoCloseable {
  /**
   * The broker's {@code message.max.bytes} and {@code replica.fetch.max.bytes}: room for large
   * video segments; at least the connectors' {@code KafkaLimits.MAX_REQUEST_BYTES} (a connectors
   * test checks it, since this kit cannot depend on the module it tests).
   */
  public static final int MAX_MESSAGE_BYTES = 18 * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  /** The broker's {@code transaction.max.timeout.ms}: above the sinks' transaction timeout. */
  public static final int TRANSACTION_MAX_TIMEOUT_MS = 60 * 60 * 1000;

  private final KafkaClusterTestKit cluster;
  private final Path baseDir;
  private final String bootstrapServers;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKafka(KafkaClusterTestKit cluster, Path baseDir, String bootstrapServers) {
    this.cluster = cluster;
    this.baseDir = baseDir;
    this.bootstrapServers = bootstrapServers;
  }

  /** Starts a broker with {@link #defaultBrokerConfigs()}. */
  public static EmbeddedKafka start() {
    return start(Map.of());
  }

  /**
   * Starts a broker with {@link #defaultBrokerConfigs()} overridden by {@code brokerConfigs}.
   * Returns once the broker is registered, unfenced and serving requests.
   *
   * @throws IllegalStateException when the broker does not start; nothing is left running
   */
  public static EmbeddedKafka start(Map<String, String> brokerConfigs) {
    Objects.requireNonNull(brokerConfigs, "brokerConfigs");
    Map<String, String> configs = new LinkedHashMap<>(defaultBrokerConfigs());
    configs.putAll(brokerConfigs);
    long startNanos = System.nanoTime();
    Path baseDir;
    try {
      baseDir = Files.createTempDirectory("streammod-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a directory for the embedded Kafka broker", e);
    }
    KafkaClusterTestKit cluster = null;
    try {
      TestKitNodes nodes =
          new TestKitNodes.Builder(productionBootstrapMetadata())
              .setCombined(true)
              .setNumBrokerNodes(1)
              .setNumControllerNodes(1)
              .setBaseDirectory(baseDir)
              .build();
      KafkaClusterTestKit.Builder builder =
          new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(true);
      configs.forEach(builder::setConfigProp);
      cluster = builder.build();
      formatQuietly(cluster);
      cluster.startup();
      cluster.waitForReadyBrokers();
      String bootstrap = cluster.bootstrapServers();
      LOG.info(
          "Embedded Kafka {} started at {} in {} ms (data in {})",
          MetadataVersion.latestProduction(),
          bootstrap,
          (System.nanoTime() - startNanos) / 1_000_000,
          baseDir);
      return new EmbeddedKafka(cluster, baseDir, bootstrap);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      closeQuietly(cluster);
      deleteRecursively(baseDir);
      throw new IllegalStateException("Embedded Kafka broker did not start: " + e, e);
    }
  }

  /**
   * Kafka's storage formatter prints its bootstrap metadata to standard output, which belongs to
   * the command line's own output here; it goes to the debug log instead.
   */
  private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
    java.io.PrintStream original = System.out;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      cluster.format();
    } finally {
      System.setOut(original);
      LOG.debug("Kafka storage format: {}", captured.toString(java.nio.charset.StandardCharsets.UTF_8).trim());
    }
  }

  /**
   * What {@link #start()} configures: one node (replication 1 everywhere, min ISR 1), records up to
   * {@link KafkaLimits#MAX_REQUEST_BYTES}, a transaction timeout ceiling of one hour, no initial
   * rebalance delay, and timed-out transactions aborted within a second or two.
   */
  public static Map<String, String> defaultBrokerConfigs() {
    Map<String, String> c = new LinkedHashMap<>();
    // A single node: every internal topic with replication 1, and few partitions so the first
    // consumer group or transaction does not wait for 50 partitions to be created.
    c.put("offsets.topic.replication.factor", "1");
    c.put("offsets.topic.num.partitions", "4");
    c.put("transaction.state.log.replication.factor", "1");
    c.put("transaction.state.log.min.isr", "1");
    c.put("transaction.state.log.num.partitions", "4");
    c.put("share.coordinator.state.topic.replication.factor", "1");
    c.put("share.coordinator.state.topic.min.isr", "1");
    c.put("default.replication.factor", "1");
    c.put("min.insync.replicas", "1");
    // Large video segments.
    c.put("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
    c.put("replica.fetch.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
    // Transactions: room for the sinks' timeout; abort timed-out ones quickly.
    c.put("transaction.max.timeout.ms", Integer.toString(TRANSACTION_MAX_TIMEOUT_MS));
    c.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    c.put("transaction.remove.expired.transaction.cleanup.interval.ms", "10000");
    // Consumer groups start at once.
    c.put("group.initial.rebalance.delay.ms", "0");
    // Behave like a production broker, not like Kafka's own test harness.
    c.put("unstable.api.versions.enable", "false");
    c.put("unstable.feature.versions.enable", "false");
    // Small footprint on a shared machine.
    c.put("num.network.threads", "2");
    c.put("num.io.threads", "4");
    c.put("num.recovery.threads.per.data.dir", "1");
    c.put("log.cleaner.threads", "1");
    return c;
  }

  private static BootstrapMetadata productionBootstrapMetadata() {
    MetadataVersion version = MetadataVersion.latestProduction();
    Map<String, Short> features =
        Feature.PRODUCTION_FEATURES.stream()
            .collect(
                Collectors.toMap(Feature::featureName, f -> f.defaultLevel(version), (a, b) -> a));
    return BootstrapMetadata.fromVersions(version, features, "streammod embedded Kafka");
  }

  /** {@code host:port} of the broker's plaintext listener. */
  public String bootstrapServers() {
    if (closed.get()) {
      throw new IllegalStateException("Embedded Kafka broker is closed");
    }
    return bootstrapServers;
  }

  /** The broker's data directory (deleted on close). */
  public Path dataDirectory() {
    return baseDir;
  }

  public boolean isClosed() {
    return closed.get();
  }

  /** Stops the broker and deletes its data. Idempotent; never throws. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long startNanos = System.nanoTime();
    closeQuietly(cluster);
    deleteRecursively(baseDir);
    LOG.info(
        "Embedded Kafka at {} stopped in {} ms",
        bootstrapServers,
        (System.nanoTime() - startNanos) / 1_000_000);
  }

  private static void closeQuietly(KafkaClusterTestKit cluster) {
    if (cluster == null) {
      return;
    }
    try {
      cluster.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("Interrupted stopping the embedded Kafka broker", e);
    } catch (Exception e) {
      // The test kit rethrows faults the broker recorded while running; report, don't fail close.
      LOG.warn("Embedded Kafka broker reported a problem on close: {}", e.toString(), e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("Could not delete {}: {}", dir, e.toString());
    }
  }

  @Override
  public String toString() {
    return "EmbeddedKafka[" + bootstrapServers + (closed.get() ? ", closed" : "") + "]";
  }
}
