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
 * checkpoints every 500 ms so verdicts become readable quickly). Closing cancels the job and stops
 * the broker.
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

  /**
   * Starts the broker, creates the segments and verdicts topics with {@code partitions} partitions
   * each (one for dead letters), and submits the job.
   *
   * @param overrides job settings as dotted keys, on top of (and winning over) this class's
   */
  static RunningPipeline start(int partitions, Map<String, String> overrides) throws Exception {
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
      keys.putAll(overrides);
      JobSettings settings = SettingsLoader.load(null, keys);
      StreamExecutionEnvironment env = LocalFlink.environment(PARALLELISM);
      ModerationJob.build(env, settings);
      return new RunningPipeline(kafka, settings, env.executeAsync(ModerationJob.NAME));
    } catch (Exception | Error e) {
      kafka.close();
      throw e;
    }
  }

  /**
   * Writes the colour-statistics model under {@code work} and returns the settings that load it.
   */
  static Map<String, String> colourStatsModel(Path work) {
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
   * Publishes {@code rounds} segments of each of streams {@code 0 .. count-1}, round by round, and
   * flushes them.
   */
  static void publishRounds(SyntheticStreams streams, int count, int rounds) {
    for (int seq = 0; seq < rounds; seq++) {
      for (int s = 0; s < count; s++) {
        streams.publish(s);
      }
    }
    streams.stop();
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
