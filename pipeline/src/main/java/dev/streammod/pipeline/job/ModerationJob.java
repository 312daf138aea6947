package dev.streammod.pipeline.job;

import dev.streammod.connectors.KafkaIO;
import dev.streammod.connectors.KeyedBytes;
import dev.streammod.connectors.RawRecord;
import dev.streammod.pipeline.config.JobSettings;
import dev.streammod.pipeline.config.KafkaSettings;
import dev.streammod.pipeline.config.MetricsOptions;
import dev.streammod.pipeline.moderation.ModerationSpec;
import dev.streammod.pipeline.moderation.SegmentResult;
import dev.streammod.pipeline.stats.StatsEvent;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The moderation topology:
 *
 * <pre>
 * KafkaSource(segments) -> moderate (decode + batched inference, segments in flight finished at
 *   each checkpoint barrier) -> keyBy(stream) policy
 *   -> KafkaSink(verdicts, exactly-once)
 *   -> side output: KafkaSink(dead letters, exactly-once)
 *   -> side output: verdict facts + segment arrivals -> keyBy(stream) stats (processing-time
 *      windows) -> KafkaSink(stream stats, at-least-once)
 * </pre>
 *
 * Operator uids are fixed so savepoints survive topology edits.
 */
public final class ModerationJob {
  public static final String NAME = "streammod-moderation";

  private ModerationJob() {}

  /** Adds the topology to {@code env} and enables exactly-once checkpointing. */
  public static void build(StreamExecutionEnvironment env, JobSettings settings) {
    KafkaSettings kafka = settings.kafka();
    env.enableCheckpointing(settings.job().checkpointIntervalMs(), CheckpointingMode.EXACTLY_ONCE);
    if (settings.job().checkpointDir() != null) {
      env.configure(checkpointStorage(settings.job().checkpointDir()));
    }
    if (settings.metrics().prometheus()) {
      env.configure(prometheusReporter(settings.metrics()));
    }
    env.setParallelism(settings.job().parallelism());
    // Records are never changed after they are made (RawRecord's arrays, the SegmentResult
    // records), so chained operators may share them: without this, every segment's bytes are
    // copied once per chained operator (about 1 CPU-ms per 720p segment).
    env.getConfig().enableObjectReuse();

    DataStream<RawRecord> segments =
        env.fromSource(
                KafkaIO.rawSource(
                    kafka.bootstrapServers(),
                    kafka.segmentsTopic(),
                    kafka.groupId(),
                    startingOffsets(kafka),
                    properties(kafka.consumerProperties())),
                WatermarkStrategy.noWatermarks(),
                "segments")
            .uid("segments-source");

    SingleOutputStreamOperator<SegmentResult> scored =
        segments
            .transform(
                "moderate segment",
                SegmentResultSerializer.typeInfo(),
                ModerateSegmentOperator.factory(
                    new ModerationSpec(
                        settings.model(),
                        settings.decoder(),
                        settings.batching(),
                        settings.fetch(),
                        settings.policy(),
                        settings.cascade(),
                        settings.evidence().toSettings(),
                        settings.job().inFlightPerSlot(),
                        settings.job().segmentTimeoutMs())))
            .uid("moderate-segment");

    SingleOutputStreamOperator<KeyedBytes> verdicts =
        scored
            .keyBy(SegmentResult::streamId)
            .process(new PolicyFunction(settings.policy()))
            .uid("policy")
            .name("policy");

    Properties producer = properties(kafka.producerProperties());
    verdicts
        .sinkTo(sink(kafka, kafka.verdictsTopic(), "-verdicts", producer))
        .uid("verdicts-sink")
        .name("verdicts");
    verdicts
        .getSideOutput(PolicyFunction.DEAD_LETTERS)
        .sinkTo(sink(kafka, kafka.deadLetterTopic(), "-dlq", producer))
        .uid("dead-letter-sink")
        .name("dead letters");

    if (settings.stats().enabled()) {
      addStreamStats(segments, verdicts, settings, producer);
    }
  }

  /** The verdict or dead-letter sink for {@code kafka.delivery}. */
  private static KafkaSink<KeyedBytes> sink(
      KafkaSettings kafka, String topic, String transactionalSuffix, Properties producer) {
    return kafka.delivery() == KafkaSettings.Delivery.EXACTLY_ONCE
        ? KafkaIO.exactlyOnceSink(
            kafka.bootstrapServers(),
            topic,
            kafka.transactionalIdPrefix() + transactionalSuffix,
            producer)
        : KafkaIO.atLeastOnceSink(kafka.bootstrapServers(), topic, producer);
  }

  /**
   * Per-stream statistics: arrivals (record size, Kafka timestamp) from the source and one fact per
   * verdict from the policy, keyed by stream id into {@link StreamStatsFunction}. At-least-once:
   * each record is a snapshot of one window of one stream, so a repeat after recovery overwrites the
   * same window, and without transactions the dashboard sees records as they are made rather than
   * at the next checkpoint.
   */
  private static void addStreamStats(
      DataStream<RawRecord> segments,
      SingleOutputStreamOperator<KeyedBytes> verdicts,
      JobSettings settings,
      Properties producer) {
    DataStream<StatsEvent> arrivals =
        segments
            .map(StatsEvent::arrival)
            .returns(StatsEvent.class)
            .uid("stats-arrivals")
            .name("segment arrivals");
    arrivals
        .union(verdicts.getSideOutput(PolicyFunction.STATS_EVENTS))
        .keyBy(e -> e.streamId)
        .process(new StreamStatsFunction(settings.stats()))
        .uid("stream-stats")
        .name("stream stats")
        .sinkTo(
            KafkaIO.atLeastOnceSink(
                settings.kafka().bootstrapServers(), settings.stats().topic(), producer))
        .uid("stream-stats-sink")
        .name("stream stats sink");
  }

  /**
   * Flink's Prometheus reporter (user metrics become {@code
   * flink_taskmanager_job_task_operator_moderation_<name>}). Takes effect where this JVM starts the
   * cluster (a local MiniCluster); a Flink cluster reads reporters from its own configuration.
   */
  public static Configuration prometheusReporter(MetricsOptions metrics) {
    Configuration conf = new Configuration();
    conf.set(
        ConfigOptions.key("metrics.reporter.prom.factory.class").stringType().noDefaultValue(),
        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
    conf.set(
        ConfigOptions.key("metrics.reporter.prom.port").stringType().noDefaultValue(),
        metrics.prometheusPort());
    return conf;
  }

  /** File-system checkpoint storage under {@code dir} (a URI Flink's file systems understand). */
  public static Configuration checkpointStorage(String dir) {
    Configuration conf = new Configuration();
    conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
    return conf;
  }

  /**
   * Whether checkpoints of this environment would be held in JobManager memory: no directory in
   * its configuration and none in the job settings.
   */
  public static boolean checkpointsInJobManagerMemory(StreamExecutionEnvironment env, JobSettings settings) {
    return settings.job().checkpointDir() == null
        && env.getConfiguration().getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY).isEmpty()
        && !"filesystem".equalsIgnoreCase(env.getConfiguration().get(CheckpointingOptions.CHECKPOINT_STORAGE));
  }

  /**
   * Says once, on {@code err}, when checkpoints would live in JobManager memory: they are lost with
   * the JobManager, and a stop with a savepoint needs a directory too. Segments in flight are never
   * in checkpoints (they finish before each barrier), so the warning is about durability only.
   */
  public static void warnIfCheckpointsInJobManagerMemory(
      StreamExecutionEnvironment env, JobSettings settings, java.io.PrintStream err) {
    if (checkpointsInJobManagerMemory(env, settings)) {
      err.println(
          "moderation: warning: no checkpoint directory (job.checkpoint-dir or Flink's"
              + " execution.checkpointing.dir): checkpoints are held in JobManager memory and lost"
              + " with it; set one for restarts and savepoints, e.g."
              + " --set job.checkpoint-dir=file:///var/lib/streammod/checkpoints");
    }
  }

  static OffsetsInitializer startingOffsets(KafkaSettings kafka) {
    return switch (kafka.startingOffsets()) {
      case EARLIEST -> OffsetsInitializer.earliest();
      case LATEST -> OffsetsInitializer.latest();
      case COMMITTED_OR_EARLIEST -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
    };
  }

  private static Properties properties(Map<String, String> map) {
    Properties p = new Properties();
    p.putAll(map);
    return p;
  }
}
