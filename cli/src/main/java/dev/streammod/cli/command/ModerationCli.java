package dev.streammod.cli.command;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/moderation}. */
@Command(
    name = "moderation",
    mixinStandardHelpOptions = true,
    version = "streammod 0.1.0",
    description = "Streaming video moderation on Apache Flink.",
    subcommands = {RunCommand.class, SubmitCommand.class, DemoCommand.class, ClassifyCommand.class, BenchCommand.class, DashboardCommand.class, CommandLine.HelpCommand.class})
public final class ModerationCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new ModerationCli());
    cl.registerConverter(java.time.Duration.class, new DurationConverter());
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          Throwable root = ex;
          if (ex instanceof IllegalArgumentException || ex instanceof IllegalStateException) {
            cmd.getErr().println("error: " + ex.getMessage());
            return 2;
          }
          cmd.getErr().println("error: " + root);
          root.printStackTrace(cmd.getErr());
          return 1;
        });
    return cl;
  }
}
