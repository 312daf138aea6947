package dev.streammod.cli.command;

import dev.streammod.cli.submit.FlinkRest;
import dev.streammod.cli.submit.FlinkRestException;
import dev.streammod.pipeline.ModerationJobMain;
import dev.streammod.pipeline.config.JobSettings;
import dev.streammod.pipeline.config.SettingsLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Submits the job jar to a running Flink cluster through its REST API, as {@code flink run} would:
 * upload, then run with the configuration as program arguments. The configuration is checked here
 * first and sent as text ({@code --config-yaml}), since the JobManager that runs the job's main
 * cannot read this machine's files.
 */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = "Submit the job jar to a Flink cluster through its REST API; prints the job id and its web UI page.")
final class SubmitCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--rest-url", required = true, paramLabel = "URL", description = "The cluster's REST address, e.g. http://localhost:8081.")
  String restUrl;

  @Option(names = "--jar", paramLabel = "FILE", description = "The job jar (default: pipeline/target/moderation-job.jar of this checkout).")
  Path jar;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML job configuration (read here, sent as text).")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override any configuration key.")
  Map<String, String> set = new LinkedHashMap<>();

  @Option(names = "--parallelism", description = "Job parallelism (job.parallelism, and the run's parallelism).")
  Integer parallelism;

  @Option(names = "--savepoint", paramLabel = "PATH", description = "Start from this savepoint (or retained checkpoint).")
  String savepoint;

  @Option(names = "--allow-non-restored-state", description = "With --savepoint: skip state that no operator of the job claims.")
  boolean allowNonRestoredState;

  @Option(names = "--create-topics", description = "Let the job create its topics when missing.")
  boolean createTopics;

  @Override
  public Integer call() {
    Map<String, String> overrides = new LinkedHashMap<>(set);
    if (parallelism != null) {
      overrides.put("job.parallelism", parallelism.toString());
    }
    // The cluster would refuse a bad configuration too, but only after the upload, and inside a
    // stack trace: say it here, with the key.
    JobSettings settings = SettingsLoader.load(config, overrides);
    List<String> args = new ArrayList<>();
    if (config != null) {
      try {
        args.add("--config-yaml");
        args.add(Files.readString(config));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read configuration file " + config + ": " + e.getMessage(), e);
      }
    }
    overrides.forEach((k, v) -> {
      args.add("--set");
      args.add(k + "=" + v);
    });
    if (createTopics) {
      args.add("--create-topics");
    }
    Path jobJar = jar != null ? jar : defaultJar();
    try {
      FlinkRest rest = new FlinkRest(restUrl);
      rest.overview();
      String jarId = rest.upload(jobJar);
      String jobId =
          rest.run(
              jarId,
              new FlinkRest.RunRequest(
                  ModerationJobMain.class.getName(), args, settings.job().parallelism(), savepoint, allowNonRestoredState));
      spec.commandLine().getOut().printf(
          "submitted %s to %s%njob id: %s%nweb UI: %s%n", jobJar.getFileName(), rest.base(), jobId, rest.jobPage(jobId));
      spec.commandLine().getOut().flush();
      return 0;
    } catch (FlinkRestException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return 1;
    }
  }

  /** The checkout's job jar: bin/moderation passes the checkout as streammod.home. */
  static Path defaultJar() {
    String home = System.getProperty("streammod.home", ".");
    return Path.of(home, "pipeline", "target", "moderation-job.jar");
  }
}
