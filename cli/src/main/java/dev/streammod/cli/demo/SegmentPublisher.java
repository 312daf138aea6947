package dev.streammod.cli.demo;

import dev.streammod.connectors.AvroCodec;
import dev.streammod.connectors.avro.VideoSegment;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka side of the synthetic publishers ({@link SyntheticStreams}, the bench's load
 * generator): one idempotent producer that writes {@link VideoSegment}s keyed by stream id, with
 * the publication time as the record timestamp, and counts what was sent and what failed. When
 * segments are published and with which payload is the caller's business.
 */
public final class SegmentPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentPublisher.class);

  private final String topic;
  private final String tenant;
  private final long segmentMs;
  private final KafkaProducer<String, byte[]> producer;
  private final AvroCodec<VideoSegment> codec = AvroCodec.videoSegments();
  private final AtomicLong produced = new AtomicLong();
  private final AtomicLong failedSends = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();

  /**
   * @param tenant the segments' {@code tenant}
   * @param segment the media length of each segment
   * @param producerOverrides producer settings on top of ours (e.g. larger batches)
   */
  public SegmentPublisher(
      String bootstrapServers,
      String topic,
      String tenant,
      Duration segment,
      Map<String, String> producerOverrides) {
    this.topic = topic;
    this.tenant = tenant;
    this.segmentMs = segment.toMillis();
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    // Segments at high resolutions can exceed the producer's default of 1 MiB per request.
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(16 << 20));
    p.putAll(producerOverrides);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * Segment {@code sequence} of stream {@code streamId}, published at {@code nowMs}: every field but
   * the payload (or its URI), which the caller sets before {@link #send}.
   */
  public VideoSegment.Builder segment(String streamId, long sequence, SegmentKind kind, long nowMs) {
    return VideoSegment.newBuilder()
        .setStreamId(streamId)
        .setSequence(sequence)
        .setMediaStartUs(sequence * segmentMs * 1000)
        .setWallStartMs(nowMs - segmentMs)
        .setDurationMs((int) segmentMs)
        .setContainer("mpegts")
        .setCodec("h264")
        .setProducedAtMs(nowMs)
        .setTenant(tenant)
        .setChannel(kind == SegmentKind.RED ? "flagged-content" : "general");
  }

  /** Sends one segment, asynchronously; a failed send is logged and counted. */
  public void send(VideoSegment segment) {
    byte[] value = codec.encode(segment);
    String streamId = segment.getStreamId();
    long sequence = segment.getSequence();
    produced.incrementAndGet();
    bytes.addAndGet(value.length);
    producer.send(
        new ProducerRecord<>(topic, null, segment.getProducedAtMs(), streamId, value),
        (md, e) -> {
          if (e != null) {
            failedSends.incrementAndGet();
            LOG.error("could not publish {}: {}", SyntheticStreams.key(streamId, sequence), e.toString());
          }
        });
  }

  /** Waits until every segment sent so far is acknowledged or has failed. */
  public void flush() {
    producer.flush();
  }

  /** Segments sent so far. */
  public long produced() {
    return produced.get();
  }

  /** Bytes of the records sent so far (the encoded values). */
  public long producedBytes() {
    return bytes.get();
  }

  /** Sends the broker refused or that timed out. */
  public long failedSends() {
    return failedSends.get();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
