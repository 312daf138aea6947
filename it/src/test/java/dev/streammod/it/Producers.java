package dev.streammod.it;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Producers of raw byte records, for tests that write exactly the bytes they mean to: malformed
 * records, hand-built segments, transactions.
 */
public final class Producers {
  private Producers() {}

  public static KafkaProducer<byte[], byte[]> bytes(String bootstrapServers) {
    return bytes(bootstrapServers, Map.of());
  }

  /** @param settings producer settings on top of the bootstrap servers (e.g. a transactional id) */
  public static KafkaProducer<byte[], byte[]> bytes(
      String bootstrapServers, Map<String, Object> settings) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.putAll(settings);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }
}
