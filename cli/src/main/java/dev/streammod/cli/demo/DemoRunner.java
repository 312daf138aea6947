package dev.streammod.cli.demo;

import dev.streammod.connectors.embedded.EmbeddedKafka;
import dev.streammod.connectors.TopicAdmin;
import dev.streammod.connectors.TopicSpec;
import dev.streammod.connectors.avro.Decision;
import dev.streammod.models.testing.ColourStatsModel;
import dev.streammod.pipeline.config.JobSettings;
import dev.streammod.pipeline.config.SettingsLoader;
import dev.streammod.cli.dashboard.Dashboard;
import dev.streammod.cli.dashboard.DashboardHttp;
import dev.streammod.cli.dashboard.DashboardOptions;
import dev.streammod.pipeline.job.ModerationJob;
import dev.streammod.pipeline.stats.StatsTopic;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The embedded default: an in-JVM Kafka broker, a local Flink MiniCluster running the moderation
 * job, synthetic live streams of FFmpeg-encoded H.264, a tally of the verdicts read back, and the
 * ops dashboard on 127.0.0.1.
 */
public final class DemoRunner {
  /** {@code --set dashboard.*} keys configure the demo's dashboard, not the job. */
  static final String DASHBOARD_PREFIX = "dashboard.";

  /** What the demo runs. */
  public record Options(
      int streams,
      Duration duration,
      Duration segment,
      int parallelism,
      int partitions,
      Duration checkpointInterval,
      Duration drainTimeout,
      Map<String, String> overrides) {
    public Options {
      if (streams <= 0) {
        throw new IllegalArgumentException("--streams must be > 0, got " + streams);
      }
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("--duration must be > 0, got " + duration);
      }
      if (segment.toMillis() < 500) {
        throw new IllegalArgumentException("--segment must be at least 500 ms, got " + segment);
      }
      overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
    }
  }

  /** The result, also printed as the last line in JSON. */
  public record Summary(
      long segmentsProduced,
      long verdicts,
      long missing,
      long duplicated,
      long deadLetters,
      Map<Decision, Long> decisions,
      long unexpectedDecisions,
      long frames,
      double seconds,
      double segmentsPerSecond,
      double framesPerSecond,
      long p50Ms,
      long p99Ms) {

    public boolean complete() {
      return missing == 0 && duplicated == 0 && verdicts == segmentsProduced;
    }

    public String toJson() {
      StringBuilder d = new StringBuilder("{");
      decisions.forEach(
          (k, v) -> d.append(d.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
      d.append('}');
      return String.format(
          Locale.ROOT,
          "{\"segments_produced\":%d,\"verdicts\":%d,\"missing\":%d,\"duplicated\":%d,"
              + "\"dead_letters\":%d,\"decisions\":%s,\"unexpected_decisions\":%d,\"frames\":%d,"
              + "\"seconds\":%.1f,\"segments_per_s\":%.2f,\"frames_per_s\":%.2f,"
              + "\"p50_ms\":%d,\"p99_ms\":%d}",
          segmentsProduced,
          verdicts,
          missing,
          duplicated,
          deadLetters,
          d,
          unexpectedDecisions,
          frames,
          seconds,
          segmentsPerSecond,
          framesPerSecond,
          p50Ms,
          p99Ms);
    }
  }

  private final Options options;
  private final PrintStream out;

  public DemoRunner(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public Summary run() throws Exception {
    Path work = Files.createTempDirectory("streammod-demo");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      out.printf("kafka   : in-JVM KRaft broker at %s%n", kafka.bootstrapServers());
      Path repository = work.resolve("models");
      ColourStatsModel.write(repository, 64, 64);
      Map<String, String> overrides = new LinkedHashMap<>();
      overrides.put("kafka.bootstrap-servers", kafka.bootstrapServers());
      overrides.put("kafka.starting-offsets", "earliest");
      overrides.put("model.repository", repository.toString());
      overrides.put("model.name", ColourStatsModel.NAME);
      overrides.put("job.parallelism", String.valueOf(options.parallelism()));
      overrides.put("job.checkpoint-interval-ms", String.valueOf(options.checkpointInterval().toMillis()));
      Map<String, String> dashboardSettings = new LinkedHashMap<>();
      options.overrides().forEach(
          (k, v) -> {
            if (k.startsWith(DASHBOARD_PREFIX)) {
              dashboardSettings.put(k.substring(DASHBOARD_PREFIX.length()), v);
            } else {
              overrides.put(k, v);
            }
          });
      JobSettings settings = SettingsLoader.load(null, overrides);
      List<TopicSpec> topics =
          new ArrayList<>(
              List.of(
                  TopicSpec.segmentsTopic(settings.kafka().segmentsTopic(), options.partitions()),
                  TopicSpec.verdictsTopic(settings.kafka().verdictsTopic(), options.partitions()),
                  TopicSpec.deadLettersTopic(settings.kafka().deadLetterTopic(), 1)));
      if (settings.stats().enabled()) {
        topics.add(StatsTopic.spec(settings.stats().topic(), options.partitions()));
      }
      TopicAdmin.ensureTopics(kafka.bootstrapServers(), topics);
      out.printf(
          "topics  : %s -> %s, dead letters %s%n",
          settings.kafka().segmentsTopic(),
          settings.kafka().verdictsTopic(),
          settings.kafka().deadLetterTopic());
      out.printf("model   : %s (repository %s)%n", settings.model().name(), repository);

      StreamExecutionEnvironment env = LocalFlink.environment(options.parallelism());
      // A known REST port, so that the dashboard can ask the MiniCluster about back pressure.
      int restPort = freePort();
      Configuration rest = new Configuration();
      rest.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
      rest.set(RestOptions.ADDRESS, "127.0.0.1");
      rest.set(RestOptions.BIND_PORT, String.valueOf(restPort));
      env.configure(rest);
      ModerationJob.build(env, settings);
      JobClient job = env.executeAsync(ModerationJob.NAME);
      out.printf("flink   : MiniCluster, parallelism %d, job %s%n", options.parallelism(), job.getJobID());
      if (settings.metrics().prometheus()) {
        out.printf("metrics : Prometheus at http://localhost:%s/metrics%n", settings.metrics().prometheusPort());
      }
      Dashboard dashboard =
          settings.stats().enabled() && !"false".equals(dashboardSettings.get("enabled"))
              ? startDashboard(kafka.bootstrapServers(), settings, dashboardSettings, restPort)
              : null;
      if (dashboard != null) {
        out.printf("dashboard: %s%n", dashboard.url());
      }

      SyntheticStreams.Shape shape =
          new SyntheticStreams.Shape(320, 240, 15, options.segment());
      try (dashboard;
          SyntheticStreams streams =
              new SyntheticStreams(
                  kafka.bootstrapServers(), settings.kafka().segmentsTopic(), options.streams(), shape);
          VerdictTally tally =
              new VerdictTally(
                  kafka.bootstrapServers(),
                  settings.kafka().verdictsTopic(),
                  settings.kafka().deadLetterTopic(),
                  streams.sent())) {
        out.printf(
            "streams : %d synthetic live streams, one %d ms H.264 MPEG-TS segment each per period, for %s%n",
            options.streams(), options.segment().toMillis(), options.duration());
        long start = System.nanoTime();
        streams.start();
        long produceUntil = start + options.duration().toNanos();
        long lastPrint = start;
        long lastVerdicts = 0;
        long lastFrames = 0;
        boolean producing = true;
        long drainDeadline = Long.MAX_VALUE;
        while (true) {
          tally.poll(Duration.ofMillis(200));
          long now = System.nanoTime();
          if (producing && now >= produceUntil) {
            streams.stop();
            producing = false;
            drainDeadline = now + options.drainTimeout().toNanos();
            out.printf("stopped producing after %d segments; waiting for the last verdicts%n", streams.produced());
          }
          if (now - lastPrint >= 1_000_000_000L) {
            double dt = (now - lastPrint) / 1e9;
            long v = tally.verdicts();
            long f = tally.frames();
            out.printf(
                Locale.ROOT,
                "[%5.1fs] segments in %6d | verdicts %6d (%5.1f/s) | frames/s %6.1f | ALLOW %d REVIEW %d BLOCK %d ERROR %d | dead letters %d%n",
                (now - start) / 1e9,
                streams.produced(),
                v,
                (v - lastVerdicts) / dt,
                (f - lastFrames) / dt,
                tally.decisions(Decision.ALLOW),
                tally.decisions(Decision.REVIEW),
                tally.decisions(Decision.BLOCK),
                tally.decisions(Decision.ERROR),
                tally.deadLetters());
            lastPrint = now;
            lastVerdicts = v;
            lastFrames = f;
          }
          if (!producing && (tally.missing() == 0 || now >= drainDeadline)) {
            break;
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // Give a duplicate, were there one, a chance to show up before counting.
        long settle = System.nanoTime() + options.checkpointInterval().toNanos() * 2;
        while (System.nanoTime() < settle) {
          tally.poll(Duration.ofMillis(200));
        }
        job.cancel().get();
        Map<Decision, Long> decisions = new LinkedHashMap<>();
        for (Decision d : Decision.values()) {
          decisions.put(d, tally.decisions(d));
        }
        return new Summary(
            streams.produced(),
            tally.verdicts(),
            tally.missing(),
            tally.duplicated(),
            tally.deadLetters(),
            decisions,
            tally.unexpectedDecisions(),
            tally.frames(),
            seconds,
            tally.segmentsWithVerdict() / seconds,
            tally.frames() / seconds,
            tally.latencyPercentile(50),
            tally.latencyPercentile(99));
      }
    } finally {
      TemporaryFolders.deleteQuietly(work);
    }
  }

  /**
   * The dashboard in this JVM, on 127.0.0.1; {@code --set dashboard.port=N} picks the port (a free
   * one by default), {@code --set dashboard.enabled=false} leaves it out.
   */
  private static Dashboard startDashboard(
      String bootstrapServers, JobSettings settings, Map<String, String> dashboard, int restPort) {
    int port;
    try {
      port = Integer.parseInt(dashboard.getOrDefault("port", "0").trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "dashboard.port must be a port number, got '" + dashboard.get("port") + "'");
    }
    for (String key : dashboard.keySet()) {
      if (!key.equals("port") && !key.equals("enabled")) {
        throw new IllegalArgumentException(
            "unknown key 'dashboard." + key + "'; known keys here: [port, enabled]");
      }
    }
    return Dashboard.start(
        new DashboardOptions(
            bootstrapServers,
            settings.stats().topic(),
            settings.kafka().segmentsTopic(),
            settings.kafka().groupId(),
            new DashboardHttp.Options("127.0.0.1", port, null),
            Duration.ofMinutes(5),
            "http://127.0.0.1:" + restPort,
            Map.of()));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
