package dev.streammod.connectors;

import dev.streammod.connectors.embedded.EmbeddedKafka;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KafkaIOTest {

  @Test
  void theTestBrokerTakesTheLargestRecordTheProducersMaySend() {
    assertThat(EmbeddedKafka.MAX_MESSAGE_BYTES).isGreaterThanOrEqualTo(KafkaLimits.MAX_REQUEST_BYTES);
  }

  @Test
  void rawSourceProducesPojoRawRecordsAndIsUnbounded() {
    KafkaSource<RawRecord> source =
        KafkaIO.rawSource(
            "localhost:9092", Topics.SEGMENTS, "g", OffsetsInitializer.earliest(), null);
    assertThat(source.getProducedType()).isInstanceOf(PojoTypeInfo.class);
    assertThat(source.getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
  }

  @Test
  void rawSourceBuilderCanBeBounded() {
    KafkaSource<RawRecord> source =
        KafkaIO.rawSourceBuilder("localhost:9092", "t", "g", OffsetsInitializer.earliest(), null)
            .setBounded(OffsetsInitializer.latest())
            .build();
    assertThat(source.getBoundedness()).isEqualTo(Boundedness.BOUNDED);
  }

  @Test
  void deserializerCopiesEverythingAndAcceptsAnyBytes() throws Exception {
    ConsumerRecord<byte[], byte[]> record =
        new ConsumerRecord<>(
            "t", 2, 77L, "k".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xFF});
    List<RawRecord> out = new ArrayList<>();
    new KafkaIO.RawRecordDeserializer().deserialize(record, collector(out));
    assertThat(out).hasSize(1);
    RawRecord r = out.get(0);
    assertThat(r.position()).isEqualTo("t-2@77");
    assertThat(r.key).isEqualTo("k".getBytes(StandardCharsets.UTF_8));
    assertThat(r.value).containsExactly((byte) 0xFF);
    assertThat(r.timestamp).isEqualTo(record.timestamp());
  }

  @Test
  void consumerDefaultsReadCommittedAndCanBeOverridden() {
    assertThat(KafkaIO.consumerProperties(null)).containsEntry("isolation.level", "read_committed");
    Properties extra = new Properties();
    extra.setProperty("isolation.level", "read_uncommitted");
    assertThat(KafkaIO.consumerProperties(extra))
        .containsEntry("isolation.level", "read_uncommitted");
  }

  @Test
  void producerDefaultsStayUnderTheBrokersTransactionCeiling() {
    Properties props = KafkaIO.producerProperties(null);
    long timeout = Long.parseLong(props.getProperty("transaction.timeout.ms"));
    assertThat(timeout)
        .isLessThanOrEqualTo(15 * 60 * 1000L); // Kafka's default transaction.max.timeout.ms
    assertThat(timeout).isLessThanOrEqualTo(EmbeddedKafka.TRANSACTION_MAX_TIMEOUT_MS);
    assertThat(Integer.parseInt(props.getProperty("max.request.size")))
        .isGreaterThanOrEqualTo(KafkaLimits.DEAD_LETTER_MAX_MESSAGE_BYTES);

    Properties extra = new Properties();
    extra.setProperty("transaction.timeout.ms", "60000");
    assertThat(KafkaIO.producerProperties(extra)).containsEntry("transaction.timeout.ms", "60000");
  }

  @Test
  void serializerWritesKeyAsUtf8() {
    ProducerRecord<byte[], byte[]> record =
        KafkaIO.recordSerializer("out")
            .serialize(KeyedBytes.of("strøm", new byte[] {4, 2}), null, 5L);
    assertThat(record.topic()).isEqualTo("out");
    assertThat(record.key()).isEqualTo("strøm".getBytes(StandardCharsets.UTF_8));
    assertThat(record.value()).containsExactly(4, 2);
    assertThat(record.partition()).isNull();
  }

  @Test
  void serializerWritesNullKeyAsNoKey() {
    ProducerRecord<byte[], byte[]> record =
        KafkaIO.recordSerializer("out").serialize(KeyedBytes.of(null, new byte[] {1}), null, null);
    assertThat(record.key()).isNull();
  }

  @Test
  void sinksBuildWithoutABroker() {
    assertThat(KafkaIO.exactlyOnceSink("localhost:9092", "out", "streammod-verdicts", null))
        .isNotNull();
    assertThat(KafkaIO.atLeastOnceSink("localhost:9092", "out", new Properties())).isNotNull();
  }

  @Test
  void blankArgumentsAreNamed() {
    assertThatThrownBy(() -> KafkaIO.exactlyOnceSink("localhost:9092", "out", " ", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("transactionalIdPrefix");
    assertThatThrownBy(() -> KafkaIO.rawSource("", "t", "g", OffsetsInitializer.earliest(), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bootstrapServers");
  }

  private static <T> Collector<T> collector(List<T> out) {
    return new Collector<>() {
      @Override
      public void collect(T record) {
        out.add(record);
      }

      @Override
      public void close() {}
    };
  }
}
