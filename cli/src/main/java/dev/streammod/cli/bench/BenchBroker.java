package dev.streammod.cli.bench;

import dev.streammod.connectors.embedded.EmbeddedKafka;
import java.util.UUID;

/**
 * The broker of one run, wherever {@link BenchOptions.Broker} puts it, and the CPU it used when
 * that is outside this JVM's threads.
 */
final class BenchBroker implements AutoCloseable {
  private final BenchOptions.BrokerMode mode;
  private final EmbeddedKafka embedded;
  private final BrokerProcess process;
  private final String bootstrapServers;
  private final String runSuffix;

  private BenchBroker(
      BenchOptions.BrokerMode mode, EmbeddedKafka embedded, BrokerProcess process, String bootstrapServers) {
    this.mode = mode;
    this.embedded = embedded;
    this.process = process;
    this.bootstrapServers = bootstrapServers;
    // A broker the bench did not start may hold earlier runs' topics: each run gets its own.
    this.runSuffix =
        mode == BenchOptions.BrokerMode.EXTERNAL ? "-" + UUID.randomUUID().toString().substring(0, 8) : "";
  }

  static BenchBroker start(BenchOptions.Broker broker) throws InterruptedException {
    return switch (broker.mode()) {
      case IN_JVM -> {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        yield new BenchBroker(broker.mode(), kafka, null, kafka.bootstrapServers());
      }
      case PROCESS -> {
        BrokerProcess p = BrokerProcess.start(broker.cpus());
        yield new BenchBroker(broker.mode(), null, p, p.bootstrapServers());
      }
      case EXTERNAL -> new BenchBroker(broker.mode(), null, null, broker.bootstrapServers());
    };
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  BenchOptions.BrokerMode mode() {
    return mode;
  }

  /** Appended to topic and group names: empty, or unique to this run on an external broker. */
  String runSuffix() {
    return runSuffix;
  }

  /** CPU seconds of a broker process the bench started; 0 otherwise (in-JVM: in the thread groups). */
  double processCpuSeconds() {
    return process == null ? 0 : process.cpuSeconds();
  }

  /** "in-jvm", "process (pid N)" or "external at HOST:PORT", for the printed summary. */
  String describe() {
    return switch (mode) {
      case IN_JVM -> "in this JVM at " + bootstrapServers;
      case PROCESS -> "own process (pid " + process.pid() + ") at " + bootstrapServers;
      case EXTERNAL -> "external at " + bootstrapServers;
    };
  }

  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    }
    if (process != null) {
      process.close();
    }
  }
}
