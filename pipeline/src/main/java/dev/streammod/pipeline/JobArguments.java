package dev.streammod.pipeline;

import dev.streammod.connectors.TopicAdmin;
import dev.streammod.connectors.TopicSpec;
import dev.streammod.pipeline.config.JobSettings;
import dev.streammod.pipeline.config.SettingsLoader;
import dev.streammod.pipeline.policy.Policy;
import dev.streammod.pipeline.stats.StatsTopic;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The job's program arguments: the same for {@code bin/moderation run} (a local MiniCluster) and
 * for the job jar's entry point on a cluster ({@link ModerationJobMain}). Flags override the
 * configuration; {@code --set} overrides any key.
 */
public final class JobArguments {
  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (on the machine that runs the job's main: on a cluster, the JobManager).")
  Path config;

  @Option(
      names = "--config-yaml",
      paramLabel = "YAML",
      description = "The configuration as YAML text instead of a file, e.g. what `moderation submit` sends to a cluster.")
  String configYaml;

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

  /** The settings these arguments name, checked; a bad value is an IllegalArgumentException. */
  public JobSettings settings() {
    if (config != null && configYaml != null) {
      throw new IllegalArgumentException("give --config or --config-yaml, not both");
    }
    Map<String, String> overrides = new LinkedHashMap<>(set);
    putIf(overrides, "kafka.bootstrap-servers", bootstrapServers);
    putIf(overrides, "model.repository", modelRepository);
    putIf(overrides, "model.name", model);
    putIf(overrides, "job.parallelism", parallelism == null ? null : parallelism.toString());
    JobSettings settings =
        configYaml != null
            ? SettingsLoader.loadText(configYaml, "--config-yaml", overrides)
            : SettingsLoader.load(config, overrides);
    if (policy != null) {
      settings = settings.withPolicy(Policy.read(policy));
    }
    return settings;
  }

  /** With {@code --create-topics}, creates the job's topics that are missing. */
  public void createTopicsIfAsked(JobSettings settings) {
    if (!createTopics) {
      return;
    }
    TopicAdmin.ensureTopics(
        settings.kafka().adminProperties(),
        List.of(
            TopicSpec.segmentsTopic(settings.kafka().segmentsTopic(), partitions),
            TopicSpec.verdictsTopic(settings.kafka().verdictsTopic(), partitions),
            TopicSpec.deadLettersTopic(settings.kafka().deadLetterTopic(), 1),
            StatsTopic.spec(settings.stats().topic(), partitions)),
        TopicAdmin.DEFAULT_TIMEOUT);
  }

  private static void putIf(Map<String, String> m, String key, String value) {
    if (value != null) {
      m.put(key, value);
    }
  }
}
