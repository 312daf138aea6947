package dev.streammod.cli.command;

import dev.streammod.pipeline.JobArguments;
import dev.streammod.pipeline.config.JobSettings;
import dev.streammod.pipeline.job.ModerationJob;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Runs the job against an existing Kafka on a local MiniCluster, with the same arguments as the job
 * jar's entry point on a cluster ({@code dev.streammod.pipeline.ModerationJobMain}).
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the job on a local MiniCluster against your Kafka cluster.",
      "The MiniCluster runs inside this JVM; submit sends the job to a Flink cluster instead."
    })
final class RunCommand implements Callable<Integer> {
  @Mixin JobArguments arguments;

  @Override
  public Integer call() throws Exception {
    JobSettings settings = arguments.settings();
    settings.kafka().checkReachable();
    arguments.createTopicsIfAsked(settings);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    ModerationJob.warnIfCheckpointsInJobManagerMemory(env, settings, System.err);
    ModerationJob.build(env, settings);
    env.execute(ModerationJob.NAME);
    return 0;
  }
}
