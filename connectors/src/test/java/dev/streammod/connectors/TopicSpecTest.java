package dev.streammod.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TopicSpecTest {

  @Test
  void segmentsTopicAllows16MiBRecords() {
    TopicSpec spec = TopicSpec.segmentsTopic("video.segments", 6);
    assertThat(spec.name()).isEqualTo("video.segments");
    assertThat(spec.partitions()).isEqualTo(6);
    assertThat(spec.replicationFactor()).isEqualTo(TopicSpec.BROKER_DEFAULT_REPLICATION);
    assertThat(spec.configs())
        .containsEntry("max.message.bytes", Integer.toString(16 * 1024 * 1024));
  }

  @Test
  void deadLettersHaveRoomForASegmentPlusItsReport() {
    int dlq =
        Integer.parseInt(TopicSpec.deadLettersTopic("d", 1).configs().get("max.message.bytes"));
    assertThat(dlq).isGreaterThan(KafkaLimits.SEGMENT_MAX_MESSAGE_BYTES);
    assertThat(KafkaLimits.MAX_REQUEST_BYTES).isGreaterThanOrEqualTo(dlq);
  }

  @Test
  void compactTopicIsCompacted() {
    assertThat(TopicSpec.compactTopic("s", 2).configs()).containsEntry("cleanup.policy", "compact");
  }

  @Test
  void pipelineTopicsUseTheStandardNames() {
    assertThat(TopicSpec.pipelineTopics(3))
        .extracting(TopicSpec::name)
        .containsExactly(
            Topics.SEGMENTS, Topics.VERDICTS, Topics.DEAD_LETTERS, Topics.STREAM_STATS);
    assertThat(TopicSpec.pipelineTopics(3))
        .allSatisfy(s -> assertThat(s.partitions()).isEqualTo(3));
  }

  @Test
  void withersCopy() {
    TopicSpec base = TopicSpec.of("a", 1);
    TopicSpec changed =
        base.withPartitions(4).withReplicationFactor((short) 3).withConfig("retention.ms", "1000");
    assertThat(base.configs()).isEmpty();
    assertThat(changed).isEqualTo(new TopicSpec("a", 4, (short) 3, Map.of("retention.ms", "1000")));
  }

  @Test
  void configsAreAnImmutableCopy() {
    Map<String, String> configs = new HashMap<>(Map.of("k", "v"));
    TopicSpec spec = new TopicSpec("a", 1, (short) 1, configs);
    configs.put("k2", "v2");
    assertThat(spec.configs()).containsOnlyKeys("k");
    assertThatThrownBy(() -> spec.configs().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void invalidValuesAreNamed() {
    assertThatThrownBy(() -> TopicSpec.of("bad name", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'bad name'");
    assertThatThrownBy(() -> TopicSpec.of("..", 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TopicSpec.of("t", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'t'")
        .hasMessageContaining("partitions")
        .hasMessageContaining("0");
    assertThatThrownBy(() -> new TopicSpec("t", 1, (short) 0, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("replicationFactor");
  }
}
