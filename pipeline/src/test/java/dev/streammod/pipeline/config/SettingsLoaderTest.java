package dev.streammod.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streammod.connectors.avro.Decision;
import dev.streammod.models.ExecutionDevice;
import dev.streammod.pipeline.policy.Escalation;
import dev.streammod.pipeline.policy.Policy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SettingsLoaderTest {
  @TempDir Path dir;

  @Test
  void defaultsAreComplete() {
    JobSettings s = SettingsLoader.load(null, Map.of());
    assertThat(s.kafka().segmentsTopic()).isEqualTo("video.segments");
    assertThat(s.kafka().verdictsTopic()).isEqualTo("moderation.verdicts");
    assertThat(s.kafka().deadLetterTopic()).isEqualTo("video.segments.dlq");
    assertThat(s.model().executionDevice()).isEqualTo(ExecutionDevice.AUTO);
    assertThat(s.decoder().sampling()).isEqualTo("keyframes");
    assertThat(s.batching().maxBatchSize()).isEqualTo(32);
    assertThat(s.policy().rules()).isNotEmpty();
    assertThat(s.kafka().delivery()).isEqualTo(KafkaSettings.Delivery.EXACTLY_ONCE);
    assertThat(SettingsLoader.load(null, Map.of("kafka.delivery", "at-least-once")).kafka().delivery())
        .isEqualTo(KafkaSettings.Delivery.AT_LEAST_ONCE);
  }

  @Test
  void escalationSetAloneKeepsTheShippedRulesAndBadValuesAreNamed() {
    JobSettings s =
        SettingsLoader.load(
            null,
            Map.of("policy.escalation.enabled", "true", "policy.escalation.decision", "BLOCK", "policy.escalation.window", "8"));
    assertThat(s.policy().rules()).isEqualTo(Policy.defaultFor(s.model().name()).rules());
    assertThat(s.policy().escalation()).isEqualTo(new Escalation(true, 8, 3, 3, Decision.BLOCK, null));
    assertThat(SettingsLoader.load(null, Map.of()).policy().escalation().enabled()).as("off by default").isFalse();
    assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("policy.escalation.flagged", "9")))
        .hasMessageContaining("policy.escalation.flagged must be in [1, policy.escalation.window (5)], got 9");
  }

  @Test
  void cascadeIsOnByDefaultForTheBundledMobileNetOnlyAndItsSettingsAreChecked() {
    assertThat(SettingsLoader.load(null, Map.of()).cascade().enabled()).isTrue();
    assertThat(SettingsLoader.load(null, Map.of("model.name", "nsfw-mobilenet-v2-int8")).cascade().enabled()).isTrue();
    assertThat(SettingsLoader.load(null, Map.of("cascade.enabled", "false")).cascade().enabled()).isFalse();
    assertThat(SettingsLoader.load(null, Map.of("model.name", "nsfw-inception-v3")).cascade().enabled())
        .as("another first model")
        .isFalse();
    JobSettings s = SettingsLoader.load(null, Map.of("cascade.enabled", "true", "cascade.mode", "veto"));
    assertThat(s.cascade().model()).isEqualTo("nsfw-inception-v3");
    assertThat(s.cascade().cascadeMode()).isEqualTo(dev.streammod.pipeline.moderation.Cascade.Mode.VETO);
    assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("cascade.mode", "maybe")))
        .hasMessageContaining("cascade.mode must be one of [confirm, veto], got 'maybe'");
    assertThatThrownBy(
            () -> SettingsLoader.load(null, Map.of("cascade.enabled", "true", "cascade.model", "nsfw-mobilenet-v2")))
        .hasMessageContaining("cascade.model and cascade.version must name another model");
  }

  @Test
  void fileThenOverrides() throws Exception {
    Path f = dir.resolve("job.yaml");
    Files.writeString(
        f,
        """
        kafka:
          bootstrap-servers: broker-a:9092
          group-id: moderation-eu
        model:
          name: nsfw
          device: cpu
        decoder:
          sampling: "fps:2"
        batching:
          max-batch-size: 64
          queue-capacity-frames: 1024
        policy:
          rules:
            - name: explicit
              labels: [Porn, Hentai]
              threshold: 0.8
              decision: BLOCK
        """);
    JobSettings s =
        SettingsLoader.load(
            f, Map.of("kafka.bootstrap-servers", "broker-b:9092", "job.parallelism", "4"));
    assertThat(s.kafka().bootstrapServers()).isEqualTo("broker-b:9092");
    assertThat(s.kafka().groupId()).isEqualTo("moderation-eu");
    assertThat(s.model().name()).isEqualTo("nsfw");
    assertThat(s.model().executionDevice()).isEqualTo(ExecutionDevice.CPU);
    assertThat(s.decoder().samplingPolicy().toString()).contains("2");
    assertThat(s.batching().maxBatchSize()).isEqualTo(64);
    assertThat(s.job().parallelism()).isEqualTo(4);
    assertThat(s.policy().rules()).hasSize(1);
    assertThat(s.policy().rules().get(0).decision()).isEqualTo(Decision.BLOCK);
  }

  @Test
  void checkpointDirIsAUriAndAbsentByDefault() {
    assertThat(SettingsLoader.load(null, Map.of()).job().checkpointDir()).isNull();
    assertThat(SettingsLoader.load(null, Map.of("job.checkpoint-dir", "/var/lib/streammod/chk")).job().checkpointDir())
        .isEqualTo("file:///var/lib/streammod/chk");
    assertThat(SettingsLoader.load(null, Map.of("job.checkpoint-dir", "s3://bucket/chk")).job().checkpointDir())
        .isEqualTo("s3://bucket/chk");
    assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("job.checkpoint-dir", "relative/chk")))
        .hasMessageContaining("job.checkpoint-dir")
        .hasMessageContaining("'relative/chk'");
  }

  @Test
  void badValuesNameTheirField() {
    assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("batching.max-batch-size", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batching.max-batch-size")
        .hasMessageContaining("0");
    assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("model.intra-op-threads", "-1")))
        .hasMessageContaining("model.intra-op-threads must be >= 0");
    assertThat(SettingsLoader.load(null, Map.of()).model().intraOpThreadsOn(64)).isEqualTo(1);
    ModelSettings auto = SettingsLoader.load(null, Map.of("model.intra-op-threads", "0")).model();
    assertThat(auto.intraOpThreadsOn(2)).isEqualTo(2);
    assertThat(auto.intraOpThreadsOn(1)).isEqualTo(1);
    assertThat(auto.intraOpThreadsOn(64)).isEqualTo(ModelSettings.MAX_AUTO_THREADS);
    assertThat(SettingsLoader.load(null, Map.of("model.intra-op-threads", "3")).model().intraOpThreadsOn(64))
        .isEqualTo(3);
    assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("model.device", "tpu")))
        .hasMessageContaining("model.device")
        .hasMessageContaining("'tpu'");
    assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("decoder.sampling", "sometimes")))
        .hasMessageContaining("decoder.sampling");
    assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("kafka.delivery", "maybe-once")))
        .hasMessageContaining("kafka.delivery")
        .hasMessageContaining("exactly-once, at-least-once")
        .hasMessageContaining("'maybe-once'");
  }

  @Test
  void unknownKeysAreRefused() {
    assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("kafka.bootstrap", "x:1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bootstrap");
  }

  @Test
  void missingFileIsNamed() {
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> SettingsLoader.load(missing, Map.of()))
        .hasMessageContaining(missing.toString());
  }

  @Test
  void shippedExampleConfigurationLoads() {
    Path example = Path.of("..", "deploy", "config", "moderation.yaml");
    JobSettings s = SettingsLoader.load(example, Map.of());
    assertThat(s.kafka().bootstrapServers()).isNotBlank();
  }
}
