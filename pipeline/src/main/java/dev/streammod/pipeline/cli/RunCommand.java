package dev.streammod.pipeline.cli;

import dev.streammod.connectors.TopicAdmin;
import dev.streammod.connectors.TopicSpec;
import dev.streammod.pipeline.config.JobSettings;
import dev.streammod.pipeline.config.SettingsLoader;
import dev.streammod.pipeline.job.ModerationJob;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the job against an existing Kafka. Inside {@code flink run} it is submitted to that
 * cluster; started with {@code java -jar} it runs on a local MiniCluster.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run the moderation job against an existing Kafka cluster.")
final class RunCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
  Path config;

  @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (kafka.bootstrap-servers).")
  String bootstrapServers;

  @Option(names = "--model-repository", paramLabel = "DIR", description = "Model repository (model.repository).")
  String modelRepository;

  @Option(names = "--model", description = "Model name in the repository (model.name).")
  String model;

  @Option(names = "--parallelism", description = "Job parallelism (job.parallelism).")
  Integer parallelism;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override any configuration key, e.g. --set batching.max-batch-size=64.")
  Map<String, String> set = new LinkedHashMap<>();

  @Option(names = "--policy", paramLabel = "FILE", description = "Policy YAML (rules); default: the one shipped for the model.")
  Path policy;

  @Option(names = "--create-topics", description = "Create the job's topics when missing.")
  boolean createTopics;

  @Option(names = "--partitions", defaultValue = "8", description = "Partitions for created topics (default ${DEFAULT-VALUE}).")
  int partitions;

  @Override
  public Integer call() throws Exception {
    Map<String, String> overrides = new LinkedHashMap<>(set);
    putIf(overrides, "kafka.bootstrap-servers", bootstrapServers);
    putIf(overrides, "model.repository", modelRepository);
    putIf(overrides, "model.name", model);
    putIf(overrides, "job.parallelism", parallelism == null ? null : parallelism.toString());
    JobSettings settings = SettingsLoader.load(config, overrides);
    if (policy != null) {
      settings = settings.withPolicy(dev.streammod.pipeline.policy.Policy.read(policy));
    }
    if (createTopics) {
      TopicAdmin.ensureTopics(
          settings.kafka().bootstrapServers(),
          List.of(
              TopicSpec.segmentsTopic(settings.kafka().segmentsTopic(), partitions),
              TopicSpec.verdictsTopic(settings.kafka().verdictsTopic(), partitions),
              TopicSpec.deadLettersTopic(settings.kafka().deadLetterTopic(), 1),
              dev.streammod.pipeline.stats.StatsTopic.spec(settings.stats().topic(), partitions)));
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    if (ModerationJob.checkpointsInJobManagerMemory(env, settings)) {
      System.err.println(
          "moderation: warning: no checkpoint directory (job.checkpoint-dir or Flink's"
              + " execution.checkpointing.dir): checkpoints are held in JobManager memory, at most 5 MiB"
              + " per operator, and segments in flight (payload included) are part of them; set"
              + " job.checkpoint-dir, e.g. --set job.checkpoint-dir=file:///var/lib/streammod/checkpoints");
    }
    ModerationJob.build(env, settings);
    env.execute(ModerationJob.NAME);
    return 0;
  }

  private static void putIf(Map<String, String> m, String key, String value) {
    if (value != null) {
      m.put(key, value);
    }
  }
}
