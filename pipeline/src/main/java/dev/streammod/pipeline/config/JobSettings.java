package dev.streammod.pipeline.config;

import com.fasterxml.jackson.annotation.JsonCreator;
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
    @JsonProperty("policy") Policy policy,
    @JsonProperty("stats") StatsOptions stats,
    @JsonProperty("metrics") MetricsOptions metrics,
    @JsonProperty("fetch") FetchOptions fetch,
    @JsonProperty("cascade") CascadeOptions cascade,
    @JsonProperty("evidence") EvidenceOptions evidence)
    implements Serializable {

  @JsonCreator
  public JobSettings {
    kafka = kafka == null ? new KafkaSettings(null, null, null, null, null, null, null, null, null, null, null, null) : kafka;
    model = model == null ? new ModelSettings(null, null, null, null, null) : model;
    decoder = decoder == null ? new DecoderOptions(null, null, null, null) : decoder;
    batching = batching == null ? new BatchingOptions(null, null, null) : batching;
    job = job == null ? new RuntimeOptions(null, null, null, null, null) : job;
    if (policy == null || policy.rules().isEmpty()) {
      // Escalation set alone applies to the rules shipped for the model.
      policy = Policy.defaultFor(model.name()).withEscalation(policy == null ? null : policy.escalation());
    }
    stats = stats == null ? StatsOptions.defaults() : stats;
    metrics = metrics == null ? MetricsOptions.defaults() : metrics;
    fetch = fetch == null ? FetchOptions.disabled() : fetch;
    cascade = (cascade == null ? CascadeOptions.unset() : cascade).resolvedFor(model);
    evidence = evidence == null ? EvidenceOptions.off() : evidence;
    if (Boolean.TRUE.equals(cascade.enabled())
        && cascade.model().equals(model.name())
        && java.util.Objects.equals(cascade.version(), model.version())) {
      throw new IllegalArgumentException(
          "cascade.model and cascade.version must name another model than model.name and model.version, got '"
              + cascade.model()
              + "' version "
              + (cascade.version() == null ? "(highest)" : cascade.version())
              + " for both");
    }
    fetch = fetch.withDecoderLimit(decoder.maxPayloadBytes());
    if (fetch.enabled() && fetch.timeoutMs() >= job.segmentTimeoutMs()) {
      throw new IllegalArgumentException(
          "fetch.timeout-ms must be < job.segment-timeout-ms ("
              + job.segmentTimeoutMs()
              + "): the fetch and the decode after it share that time, got "
              + fetch.timeoutMs());
    }
  }

  /** Settings without the stats, metrics, fetch, cascade and evidence sections: those take their defaults. */
  public JobSettings(
      KafkaSettings kafka,
      ModelSettings model,
      DecoderOptions decoder,
      BatchingOptions batching,
      RuntimeOptions job,
      Policy policy) {
    this(kafka, model, decoder, batching, job, policy, null, null, null, null, null);
  }

  /** The same settings with another policy. */
  public JobSettings withPolicy(Policy newPolicy) {
    return new JobSettings(kafka, model, decoder, batching, job, newPolicy, stats, metrics, fetch, cascade, evidence);
  }

  /** All defaults. */
  public static JobSettings defaults() {
    return new JobSettings(null, null, null, null, null, null, null, null, null, null, null);
  }
}
