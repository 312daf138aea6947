package dev.streammod.cli.command;

import dev.streammod.cli.demo.DemoRunner;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The embedded default: everything in one JVM, with progress and a summary. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Moderate synthetic live streams in one JVM and check the verdicts.",
      "Starts an in-JVM Kafka broker and a local Flink MiniCluster, publishes synthetic live"
          + " streams of H.264 segments, moderates them, and checks that every segment gets"
          + " exactly one verdict. The last line printed is a JSON summary; the exit status is 1"
          + " when a segment is missing or duplicated."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--streams", defaultValue = "20", description = "Concurrent live streams (default ${DEFAULT-VALUE}).")
  int streams;

  @Option(names = "--duration", defaultValue = "60s", description = "How long to publish (default ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--segment", defaultValue = "2s", description = "Segment length and period per stream (default ${DEFAULT-VALUE}).")
  Duration segment;

  @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism (default ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the segment and verdict topics (default ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--checkpoint-interval", defaultValue = "1s", description = "Checkpoint interval; verdicts become visible when a checkpoint commits (default ${DEFAULT-VALUE}).")
  Duration checkpointInterval;

  @Option(names = "--drain-timeout", defaultValue = "60s", description = "How long to wait for the last verdicts after publishing stops (default ${DEFAULT-VALUE}).")
  Duration drainTimeout;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a job configuration key, e.g. --set decoder.sampling=fps:2.")
  Map<String, String> set = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    DemoRunner.Summary summary =
        new DemoRunner(
                new DemoRunner.Options(
                    streams,
                    duration,
                    segment,
                    parallelism,
                    partitions,
                    checkpointInterval,
                    drainTimeout,
                    set),
                System.out)
            .run();
    System.out.printf(
        "summary : %d segments, %d verdicts, %d missing, %d duplicated, %d dead letters, %d unexpected decisions%n",
        summary.segmentsProduced(),
        summary.verdicts(),
        summary.missing(),
        summary.duplicated(),
        summary.deadLetters(),
        summary.unexpectedDecisions());
    System.out.printf(
        java.util.Locale.ROOT,
        "rates   : %.2f segments/s, %.2f frames/s; publish-to-verdict p50 %d ms, p99 %d ms%n",
        summary.segmentsPerSecond(),
        summary.framesPerSecond(),
        summary.p50Ms(),
        summary.p99Ms());
    System.out.println(summary.toJson());
    return summary.missing() == 0 && summary.duplicated() == 0 ? 0 : 1;
  }
}
