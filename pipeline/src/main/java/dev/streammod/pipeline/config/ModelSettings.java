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

  public ModelSettings {
    if (repository != null && repository.isBlank()) {
      repository = null;
    }
    name = Check.nonBlank("model.name", name, "nsfw-mobilenet-v2");
    if (version != null && version.isBlank()) {
      version = null;
    }
    device = Check.oneOf("model.device", device, ExecutionDevice.class, ExecutionDevice.AUTO).name();
    intraOpThreads = Check.positive("model.intra-op-threads", intraOpThreads, 1);
  }

  public ExecutionDevice executionDevice() {
    return ExecutionDevice.valueOf(device);
  }
}
