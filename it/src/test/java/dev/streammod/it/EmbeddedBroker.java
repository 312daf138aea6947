package dev.streammod.it;

import dev.streammod.connectors.embedded.EmbeddedKafka;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An in-JVM KRaft broker shared by the tests of one class: started before the first, stopped (its
 * data deleted) after the last. Register it on a static field with {@code @RegisterExtension}.
 */
public final class EmbeddedBroker implements BeforeAllCallback, AfterAllCallback {
  private EmbeddedKafka kafka;

  @Override
  public void beforeAll(ExtensionContext context) {
    kafka = EmbeddedKafka.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (kafka != null) {
      kafka.close();
      kafka = null;
    }
  }

  public String bootstrapServers() {
    if (kafka == null) {
      throw new IllegalStateException("the broker runs only while the tests of its class run");
    }
    return kafka.bootstrapServers();
  }

  /** {@link TopicReader#drain} on this broker. */
  public List<ConsumerRecord<byte[], byte[]>> drain(String topic, int expected, Duration timeout) {
    return TopicReader.drain(bootstrapServers(), topic, expected, timeout);
  }
}
