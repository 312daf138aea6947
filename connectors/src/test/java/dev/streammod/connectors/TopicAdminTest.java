package dev.streammod.connectors;

import dev.streammod.connectors.embedded.EmbeddedKafka;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What TopicAdmin does without a broker; the broker cases are in it/ (EmbeddedKafkaIT). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TopicAdminTest {

  @Test
  void unreachableClusterIsNamedAfterTheTimeout() {
    Properties props = new Properties();
    props.setProperty("bootstrap.servers", "localhost:1");
    assertThatThrownBy(
            () ->
                TopicAdmin.ensureTopics(
                    props, List.of(TopicSpec.of("t", 1)), Duration.ofSeconds(2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("localhost:1")
        .hasMessageContaining("is Kafka running");
  }

  @Test
  void duplicateNamesAreRejectedBeforeContactingKafka() {
    assertThatThrownBy(
            () ->
                TopicAdmin.ensureTopics(
                    "localhost:1", List.of(TopicSpec.of("t", 1), TopicSpec.of("t", 2))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'t'");
  }

  @Test
  void missingBootstrapIsRejected() {
    assertThatThrownBy(
            () -> TopicAdmin.ensureTopics(new Properties(), List.of(), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bootstrap.servers");
  }
}
