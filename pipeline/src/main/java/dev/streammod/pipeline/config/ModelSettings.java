package dev.streammod.pipeline.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.streammod.models.ExecutionDevice;
import java.io.Serializable;

/** Which model the job loads from a model repository, and where it runs. */
public record ModelSettings(
    @JsonProperty("repository") String repository,
    @JsonProperty("name") String name,
    @JsonProperty("version") String version,
    @JsonProperty("device") String device,
    @JsonProperty("intra-op-threads") Integer intraOpThreads)
    implements Serializable {

  /** The most intra-op threads {@code model.intra-op-threads: 0} gives (more were not measured). */
  public static final int MAX_AUTO_THREADS = 4;

  public ModelSettings {
    if (repository != null && repository.isBlank()) {
      repository = null;
    }
    name = Check.nonBlank("model.name", name, "nsfw-mobilenet-v2");
    if (version != null && version.isBlank()) {
      version = null;
    }
    device = Check.oneOf("model.device", device, ExecutionDevice.class, ExecutionDevice.AUTO).name();
    if (intraOpThreads == null) {
      intraOpThreads = 1;
    } else if (intraOpThreads < 0) {
      throw new IllegalArgumentException(
          "model.intra-op-threads must be >= 0 (0: one per core the TaskManager's JVM sees, at most "
              + MAX_AUTO_THREADS
              + "), got "
              + intraOpThreads);
    }
  }

  /**
   * ONNX Runtime intra-op threads for a JVM that sees {@code cores} cores: the configured number
   * (default 1), or with 0 one per core, at most {@value #MAX_AUTO_THREADS}. The shared batcher
   * runs one batch at a time, so these threads are how inference uses more than one core. They pay
   * off when the batcher's one thread is the bottleneck (checkpoints every 250 ms, which drain the
   * pipeline four times a second); with checkpoints every 2 s the cores are busy anyway and one
   * thread does as well or better: see the README.
   */
  public int intraOpThreadsOn(int cores) {
    return intraOpThreads > 0 ? intraOpThreads : Math.max(1, Math.min(MAX_AUTO_THREADS, cores));
  }

  public ExecutionDevice executionDevice() {
    return ExecutionDevice.valueOf(device);
  }
}
