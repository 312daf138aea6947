package dev.streammod.pipeline.demo;

import dev.streammod.connectors.EmbeddedKafka;
import dev.streammod.connectors.TopicAdmin;
import dev.streammod.connectors.TopicSpec;
import dev.streammod.connectors.avro.Decision;
import dev.streammod.models.testing.ColourStatsModel;
import dev.streammod.pipeline.config.JobSettings;
import dev.streammod.pipeline.config.SettingsLoader;
import dev.streammod.pipeline.job.ModerationJob;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The embedded default: an in-JVM Kafka broker, a local Flink MiniCluster running the moderation
 * job, synthetic live streams of FFmpeg-encoded H.264 and a tally of the verdicts read back.
 */
public final class DemoRunner {

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
      overrides.putAll(options.overrides());
      JobSettings settings = SettingsLoader.load(null, overrides);
      TopicAdmin.ensureTopics(
          kafka.bootstrapServers(),
          List.of(
              TopicSpec.segmentsTopic(settings.kafka().segmentsTopic(), options.partitions()),
              TopicSpec.verdictsTopic(settings.kafka().verdictsTopic(), options.partitions()),
              TopicSpec.deadLettersTopic(settings.kafka().deadLetterTopic(), 1)));
      out.printf(
          "topics  : %s -> %s, dead letters %s%n",
          settings.kafka().segmentsTopic(),
          settings.kafka().verdictsTopic(),
          settings.kafka().deadLetterTopic());
      out.printf("model   : %s (repository %s)%n", settings.model().name(), repository);

      StreamExecutionEnvironment env = LocalFlink.environment(options.parallelism());
      ModerationJob.build(env, settings);
      JobClient job = env.executeAsync(ModerationJob.NAME);
      out.printf("flink   : MiniCluster, parallelism %d, job %s%n", options.parallelism(), job.getJobID());

      SyntheticStreams.Shape shape =
          new SyntheticStreams.Shape(320, 240, 15, options.segment());
      try (SyntheticStreams streams =
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
      deleteQuietly(work);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // temp files only
    }
  }
}
