package dev.streammod.cli.command;

import dev.streammod.connectors.KafkaReachability;
import dev.streammod.connectors.Topics;
import dev.streammod.cli.dashboard.Dashboard;
import dev.streammod.cli.dashboard.DashboardHttp;
import dev.streammod.cli.dashboard.DashboardOptions;
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
  @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers.")
  String bootstrapServers;

  @Option(names = "--topic", defaultValue = Topics.STREAM_STATS, description = "Stream-stats topic (default ${DEFAULT-VALUE}).")
  String topic;

  @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for all).")
  String bind;

  @Option(names = "--port", defaultValue = "8088", description = "Port (default ${DEFAULT-VALUE}; 0 for a free one).")
  int port;

  @Option(
      names = "--token",
      description = "Require this token on the page and the API (Authorization: Bearer, X-Dashboard-Token, or ?token=). Also read from STREAMMOD_DASHBOARD_TOKEN.")
  String token;

  @Option(names = "--group-id", defaultValue = "streammod", description = "The job's consumer group, for its lag (default ${DEFAULT-VALUE}).")
  String groupId;

  @Option(names = "--segments-topic", defaultValue = Topics.SEGMENTS, description = "The job's input topic, for its lag (default ${DEFAULT-VALUE}).")
  String segmentsTopic;

  @Option(names = "--history", defaultValue = "5m", description = "Throughput history per stream (default ${DEFAULT-VALUE}).")
  Duration history;

  @Option(names = "--flink-rest-url", paramLabel = "URL", description = "Flink REST address (http://jobmanager:8081) for back pressure; none by default.")
  String flinkRestUrl;

  @Option(names = "--kafka-property", paramLabel = "KEY=VALUE", description = "Extra Kafka client setting, e.g. security.protocol=SSL.")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  @Option(
      names = "--startup-timeout",
      defaultValue = "30s",
      description = "Stop with one clear error when Kafka does not answer within this time at start (default ${DEFAULT-VALUE}).")
  Duration startupTimeout;

  @Override
  public Integer call() throws Exception {
    KafkaReachability.check(bootstrapServers, kafkaProperties, startupTimeout, "--startup-timeout");
    String t = token != null ? token : System.getenv("STREAMMOD_DASHBOARD_TOKEN");
    DashboardOptions options =
        new DashboardOptions(
            bootstrapServers,
            topic,
            segmentsTopic,
            groupId,
            new DashboardHttp.Options(bind, port, t),
            history,
            flinkRestUrl,
            kafkaProperties);
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
      System.out.printf("reading  : %s on %s; Ctrl-C to stop%n", topic, bootstrapServers);
      stopped.await();
    }
    return 0;
  }
}
