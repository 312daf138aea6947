package dev.streammod.pipeline.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.streammod.pipeline.policy.Policy;
import java.io.Serializable;

/** Everything the moderation job needs, validated once when it is built. */
public record JobSettings(
    @JsonProperty("kafka") KafkaSettings kafka,
    @JsonProperty("model") ModelSettings model,
    @JsonProperty("decoder") DecoderOptions decoder,
    @JsonProperty("batching") BatchingOptions batching,
    @JsonProperty("job") RuntimeOptions job,
    @JsonProperty("policy") Policy policy)
    implements Serializable {

  public JobSettings {
    kafka = kafka == null ? new KafkaSettings(null, null, null, null, null, null, null, null, null) : kafka;
    model = model == null ? new ModelSettings(null, null, null, null, null) : model;
    decoder = decoder == null ? new DecoderOptions(null, null, null, null) : decoder;
    batching = batching == null ? new BatchingOptions(null, null, null) : batching;
    job = job == null ? new RuntimeOptions(null, null, null, null) : job;
    policy = policy == null || policy.rules().isEmpty() ? Policy.defaultFor(model.name()) : policy;
  }

  /** The same settings with another policy. */
  public JobSettings withPolicy(Policy newPolicy) {
    return new JobSettings(kafka, model, decoder, batching, job, newPolicy);
  }

  /** All defaults. */
  public static JobSettings defaults() {
    return new JobSettings(null, null, null, null, null, null);
  }
}
