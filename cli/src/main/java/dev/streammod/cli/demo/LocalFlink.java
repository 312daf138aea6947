package dev.streammod.cli.demo;

import dev.streammod.pipeline.job.ModerationJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A local MiniCluster environment sized for a laptop: small managed memory, one slot per task, and
 * checkpoints in a temporary folder (removed when the JVM exits), written to files as on a cluster
 * rather than held in JobManager memory. They stay small: the moderate operator finishes its
 * segments in flight before each checkpoint barrier, so checkpoints never carry payloads, only the
 * Kafka source's offsets, the sinks' transactions, the policy's and the stream statistics' state.
 * {@code job.checkpoint-dir} in the job settings takes precedence.
 */
public final class LocalFlink {
  private LocalFlink() {}

  public static StreamExecutionEnvironment environment(int parallelism) {
    Configuration conf = new Configuration();
    conf.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
    conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(64));
    conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.ofMebiBytes(64));
    conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.ofMebiBytes(64));
    conf.addAll(ModerationJob.checkpointStorage(temporaryCheckpointDir().toUri().toString()));
    return StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
  }

  private static Path temporaryCheckpointDir() {
    try {
      Path dir = Files.createTempDirectory("streammod-checkpoints");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> TemporaryFolders.deleteQuietly(dir), "delete " + dir));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary checkpoint folder", e);
    }
  }
}
