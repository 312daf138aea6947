package dev.streammod.cli.command;

import dev.streammod.connectors.KafkaReachability;
import dev.streammod.connectors.Topics;
import dev.streammod.cli.dashboard.Dashboard;
import dev.streammod.cli.dashboard.DashboardHttp;
import dev.streammod.cli.dashboard.DashboardOptions;
import dev.streammod.pipeline.config.JobSettings;
import dev.streammod.pipeline.config.KafkaSettings;
import dev.streammod.pipeline.config.SettingsLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Serves the ops dashboard from the stream-stats topic until stopped. */
@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the ops dashboard, fed by the job's stream-stats topic.",
      "A web page with a live table of streams (throughput, latency, verdicts, stalls) and a"
          + " JSON API (/api/streams, /api/summary)."
    })
final class DashboardCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "The job's YAML configuration: Kafka address, security (kafka.security), topics and group id come from it.")
  Path config;

  @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (default: kafka.bootstrap-servers of --config, else localhost:9092).")
  String bootstrapServers;

  @Option(names = "--topic", description = "Stream-stats topic (default: stats.topic, " + Topics.STREAM_STATS + ").")
  String topic;

  @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for all).")
  String bind;

  @Option(names = "--port", defaultValue = "8088", description = "Port (default ${DEFAULT-VALUE}; 0 for a free one).")
  int port;

  @Option(
      names = "--token",
      description = "Require this token on the page and the API (Authorization: Bearer, X-Dashboard-Token, or ?token=). Also read from STREAMMOD_DASHBOARD_TOKEN.")
  String token;

  @Option(names = "--group-id", description = "The job's consumer group, for its lag (default: kafka.group-id, streammod).")
  String groupId;

  @Option(names = "--segments-topic", description = "The job's input topic, for its lag (default: kafka.segments-topic, " + Topics.SEGMENTS + ").")
  String segmentsTopic;

  @Option(names = "--history", defaultValue = "5m", description = "Throughput history per stream (default ${DEFAULT-VALUE}).")
  Duration history;

  @Option(names = "--flink-rest-url", paramLabel = "URL", description = "Flink REST address (http://jobmanager:8081) for back pressure; none by default.")
  String flinkRestUrl;

  @Option(names = "--kafka-property", paramLabel = "KEY=VALUE", description = "Extra Kafka client setting, applied after kafka.security of --config.")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  @Option(
      names = "--startup-timeout",
      defaultValue = "30s",
      description = "Stop with one clear error when Kafka does not answer within this time at start (default ${DEFAULT-VALUE}).")
  Duration startupTimeout;

  @Override
  public Integer call() throws Exception {
    JobSettings job = SettingsLoader.load(config, Map.of());
    KafkaSettings kafka = job.kafka();
    String bootstrap = bootstrapServers != null ? bootstrapServers : kafka.bootstrapServers();
    String statsTopic = topic != null ? topic : job.stats().topic();
    // Passwords are read here, into the clients' settings, and shown nowhere.
    Map<String, String> client = new LinkedHashMap<>(kafka.consumerProperties());
    client.putAll(kafkaProperties);
    KafkaReachability.check(bootstrap, client, startupTimeout, "--startup-timeout");
    String t = token != null ? token : System.getenv("STREAMMOD_DASHBOARD_TOKEN");
    DashboardOptions options =
        new DashboardOptions(
            bootstrap,
            statsTopic,
            segmentsTopic != null ? segmentsTopic : kafka.segmentsTopic(),
            groupId != null ? groupId : kafka.groupId(),
            new DashboardHttp.Options(bind, port, t),
            history,
            flinkRestUrl,
            client);
    CountDownLatch stopped = new CountDownLatch(1);
    try (Dashboard dashboard = Dashboard.start(options)) {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    dashboard.close();
                    stopped.countDown();
                  },
                  "dashboard-shutdown"));
      System.out.printf("dashboard: %s%s%n", dashboard.url(), t == null ? "" : " (token required)");
      System.out.printf(
          "reading  : %s on %s (%s); Ctrl-C to stop%n", statsTopic, bootstrap, kafka.security().protocol());
      stopped.await();
    }
    return 0;
  }
}
