package dev.streammod.pipeline;

import dev.streammod.pipeline.config.JobSettings;
import dev.streammod.pipeline.job.ModerationJob;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The job jar's entry point, for {@code flink run}, the REST API ({@code /jars/{id}/run}) and the
 * Kubernetes operator. A cluster runs this {@code main} inside its JobManager (or client), so it
 * never exits the JVM: bad arguments or settings throw, and the cluster reports the message to
 * whoever submitted.
 */
@Command(
    name = "moderation-job",
    description = "Builds the moderation job from its configuration and submits it to the Flink cluster this runs in.")
public final class ModerationJobMain {
  @Mixin JobArguments arguments;

  @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
  boolean help;

  private ModerationJobMain() {}

  public static void main(String[] args) throws Exception {
    ModerationJobMain main = parse(args);
    if (main == null) {
      return;
    }
    JobSettings settings = main.arguments.settings();
    settings.kafka().checkReachable();
    main.arguments.createTopicsIfAsked(settings);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    ModerationJob.warnIfCheckpointsInJobManagerMemory(env, settings, System.err);
    ModerationJob.build(env, settings);
    env.execute(ModerationJob.NAME);
  }

  /** The parsed arguments, or null when only help was asked for; bad arguments throw. */
  static ModerationJobMain parse(String[] args) {
    ModerationJobMain main = new ModerationJobMain();
    CommandLine cl = new CommandLine(main);
    try {
      cl.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      StringWriter usage = new StringWriter();
      cl.usage(new PrintWriter(usage));
      throw new IllegalArgumentException("moderation job: " + e.getMessage() + "\n" + usage, e);
    }
    if (cl.isUsageHelpRequested()) {
      cl.usage(System.out);
      return null;
    }
    return main;
  }
}
