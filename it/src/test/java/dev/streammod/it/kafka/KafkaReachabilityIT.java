package dev.streammod.it.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.connectors.KafkaReachability;
import dev.streammod.connectors.embedded.EmbeddedKafka;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The start-up check against a real broker: it answers with its cluster id. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class KafkaReachabilityIT {
  @Test
  void aRunningBrokerAnswersWithItsClusterId() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      String id = KafkaReachability.check(kafka.bootstrapServers(), Map.of(), Duration.ofSeconds(30), "t");
      assertThat(id).isNotBlank();
    }
  }
}
