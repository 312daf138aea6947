package dev.streammod.it;

import dev.streammod.connectors.embedded.EmbeddedKafka;
import dev.streammod.connectors.TopicAdmin;
import dev.streammod.connectors.TopicSpec;
import dev.streammod.connectors.Topics;
import dev.streammod.models.testing.ColourStatsModel;
import dev.streammod.pipeline.config.JobSettings;
import dev.streammod.pipeline.config.SettingsLoader;
import dev.streammod.cli.demo.LocalFlink;
import dev.streammod.cli.demo.SyntheticStreams;
import dev.streammod.cli.demo.VerdictTally;
import dev.streammod.pipeline.job.ModerationJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The moderation job running for an end-to-end test: an in-JVM KRaft broker with the job's topics,
 * and the job on a local MiniCluster (parallelism 2, reading from the earliest offsets, on the CPU,
 * checkpoints every 500 ms so verdicts become readable quickly), started by {@link #builder()}.
 * Closing cancels the job and stops the broker.
 */
final class RunningPipeline implements AutoCloseable {
  private static final int PARALLELISM = 2;
  private static final long CHECKPOINT_INTERVAL_MS = 500;

  private final EmbeddedKafka kafka;
  private final JobSettings settings;
  private final JobClient job;

  private RunningPipeline(EmbeddedKafka kafka, JobSettings settings, JobClient job) {
    this.kafka = kafka;
    this.settings = settings;
    this.job = job;
  }

  static Builder builder() {
    return new Builder();
  }

  /** The topics' partitions and the job's settings, checked and applied by {@link #start()}. */
  static final class Builder {
    private int partitions = 1;
    private Path colourStatsModelWork;
    private final Map<String, String> settings = new LinkedHashMap<>();

    private Builder() {}

    /** Partitions of the segments and verdicts topics each (dead letters get one); 1 if unset. */
    Builder partitions(int partitions) {
      this.partitions = partitions;
      return this;
    }

    /** Moderates with the colour-statistics model, written under {@code work} at start. */
    Builder colourStatsModel(Path work) {
      this.colourStatsModelWork = work;
      return this;
    }

    /** A job setting as a dotted key, winning over this class's and the model's. */
    Builder set(String key, String value) {
      settings.put(key, value);
      return this;
    }

    /** Starts the broker, creates the topics and submits the job. */
    RunningPipeline start() throws Exception {
      if (partitions <= 0) {
        throw new IllegalArgumentException("partitions must be > 0, got " + partitions);
      }
      Map<String, String> model =
          colourStatsModelWork == null ? Map.of() : writeColourStatsModel(colourStatsModelWork);
      EmbeddedKafka kafka = EmbeddedKafka.start();
      try {
        TopicAdmin.ensureTopics(
            kafka.bootstrapServers(),
            List.of(
                TopicSpec.segmentsTopic(Topics.SEGMENTS, partitions),
                TopicSpec.verdictsTopic(Topics.VERDICTS, partitions),
                TopicSpec.deadLettersTopic(Topics.DEAD_LETTERS, 1)));
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("kafka.bootstrap-servers", kafka.bootstrapServers());
        keys.put("kafka.starting-offsets", "earliest");
        keys.put("model.device", "cpu");
        keys.put("job.parallelism", String.valueOf(PARALLELISM));
        keys.put("job.checkpoint-interval-ms", String.valueOf(CHECKPOINT_INTERVAL_MS));
        keys.putAll(model);
        keys.putAll(settings);
        JobSettings jobSettings = SettingsLoader.load(null, keys);
        StreamExecutionEnvironment env = LocalFlink.environment(PARALLELISM);
        ModerationJob.build(env, jobSettings);
        return new RunningPipeline(kafka, jobSettings, env.executeAsync(ModerationJob.NAME));
      } catch (Exception | Error e) {
        kafka.close();
        throw e;
      }
    }
  }

  /** Writes the colour-statistics model under {@code work}; returns the settings that load it. */
  private static Map<String, String> writeColourStatsModel(Path work) {
    Path repository = work.resolve("models");
    ColourStatsModel.write(repository, 64, 64);
    return Map.of("model.repository", repository.toString(), "model.name", ColourStatsModel.NAME);
  }

  String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  JobSettings settings() {
    return settings;
  }

  /** A reader of committed verdicts and dead letters of the segments in {@code sent}. */
  VerdictTally tally(Map<String, SyntheticStreams.Sent> sent) {
    return new VerdictTally(kafka.bootstrapServers(), Topics.VERDICTS, Topics.DEAD_LETTERS, sent);
  }

  /**
   * Publishes {@code rounds} segments of each of {@code streams} synthetic streams, round by round,
   * and flushes them; returns a reader of their committed verdicts and dead letters.
   */
  VerdictTally publishSyntheticStreams(int streams, int rounds) {
    try (SyntheticStreams synthetic =
        new SyntheticStreams(
            bootstrapServers(), Topics.SEGMENTS, streams, SyntheticStreams.Shape.standard())) {
      for (int seq = 0; seq < rounds; seq++) {
        for (int s = 0; s < streams; s++) {
          synthetic.publish(s);
        }
      }
      synthetic.stop(); // flushes
      return tally(synthetic.sent());
    }
  }

  /**
   * Reads verdicts until {@code expected} have come or {@code timeout} has passed, then for a few
   * more checkpoint intervals: a duplicate, were there one, would be committed by then.
   */
  static void awaitVerdicts(VerdictTally tally, long expected, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (tally.verdicts() < expected && System.nanoTime() < deadline) {
      tally.poll(Duration.ofMillis(200));
    }
    long settle = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(4 * CHECKPOINT_INTERVAL_MS);
    while (System.nanoTime() < settle) {
      tally.poll(Duration.ofMillis(200));
    }
  }

  @Override
  public void close() throws Exception {
    try {
      job.cancel().get(30, TimeUnit.SECONDS);
    } finally {
      kafka.close();
    }
  }
}
