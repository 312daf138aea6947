package dev.streammod.cli.demo;

import dev.streammod.connectors.AvroCodec;
import dev.streammod.connectors.AvroDecodeException;
import dev.streammod.connectors.avro.DeadLetter;
import dev.streammod.connectors.avro.Decision;
import dev.streammod.connectors.avro.ModerationVerdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads committed verdicts and dead letters back from Kafka and keeps the books: verdicts per
 * segment (to find missing and duplicated ones), decisions, frames, and the latency from a
 * segment's publication to its verdict becoming readable.
 */
public final class VerdictTally implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  private final String verdictsTopic;
  private final Map<String, SyntheticStreams.Sent> sent;
  private final AvroCodec<ModerationVerdict> verdictCodec = AvroCodec.verdicts();
  private final AvroCodec<DeadLetter> deadLetterCodec = AvroCodec.deadLetters();

  private final Map<String, Integer> verdictsPerSegment = new ConcurrentHashMap<>();
  private final Map<String, ModerationVerdict> firstVerdict = new ConcurrentHashMap<>();
  private final EnumMap<Decision, AtomicLong> decisions = new EnumMap<>(Decision.class);
  private final AtomicLong verdicts = new AtomicLong();
  private final AtomicLong deadLetters = new AtomicLong();
  private final AtomicLong frames = new AtomicLong();
  private final AtomicLong unreadable = new AtomicLong();
  private final AtomicLong unexpected = new AtomicLong();
  private final List<DeadLetter> deadLetterRecords = new ArrayList<>();
  private final List<Long> latenciesMs = new ArrayList<>();

  public VerdictTally(
      String bootstrapServers,
      String verdictsTopic,
      String deadLetterTopic,
      Map<String, SyntheticStreams.Sent> sent) {
    this(bootstrapServers, Map.of(), verdictsTopic, deadLetterTopic, sent);
  }

  /** The same, with Kafka client settings (security) for the consumer. */
  public VerdictTally(
      String bootstrapServers,
      Map<String, String> clientProperties,
      String verdictsTopic,
      String deadLetterTopic,
      Map<String, SyntheticStreams.Sent> sent) {
    this.verdictsTopic = verdictsTopic;
    this.sent = sent;
    for (Decision d : Decision.values()) {
      decisions.put(d, new AtomicLong());
    }
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(32 << 20));
    consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    // Partitions assigned, not a consumer group: a group rebalance (after a broker restart, say)
    // would reset the positions to the earliest offset and read every verdict again.
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : List.of(verdictsTopic, deadLetterTopic)) {
      partitions.addAll(partitionsOf(topic));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  private List<TopicPartition> partitionsOf(String topic) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
      if (infos != null && !infos.isEmpty()) {
        List<TopicPartition> out = new ArrayList<>();
        infos.forEach(i -> out.add(new TopicPartition(i.topic(), i.partition())));
        return out;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("topic '" + topic + "' has no partitions to read verdicts from");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for topic '" + topic + "'", e);
      }
    }
  }

  /** Polls once; call from one thread only. */
  public void poll(Duration timeout) {
    for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
      long now = System.currentTimeMillis();
      if (r.topic().equals(verdictsTopic)) {
        onVerdict(r.value(), now);
      } else {
        onDeadLetter(r.value());
      }
    }
  }

  private void onVerdict(byte[] bytes, long now) {
    ModerationVerdict v;
    try {
      v = verdictCodec.decode(bytes);
    } catch (AvroDecodeException e) {
      unreadable.incrementAndGet();
      return;
    }
    verdicts.incrementAndGet();
    decisions.get(v.getDecision()).incrementAndGet();
    frames.addAndGet(v.getFramesSampled());
    String key = SyntheticStreams.key(v.getStreamId(), v.getSequence());
    int n = verdictsPerSegment.merge(key, 1, Integer::sum);
    if (n == 1) {
      firstVerdict.put(key, v);
      SyntheticStreams.Sent s = sent.get(key);
      if (s != null) {
        synchronized (latenciesMs) {
          latenciesMs.add(now - s.sentAtMs());
        }
        if (s.kind().expected() != v.getDecision()) {
          unexpected.incrementAndGet();
        }
      }
    }
  }

  private void onDeadLetter(byte[] bytes) {
    try {
      DeadLetter d = deadLetterCodec.decode(bytes);
      synchronized (deadLetterRecords) {
        deadLetterRecords.add(d);
      }
      deadLetters.incrementAndGet();
    } catch (AvroDecodeException e) {
      unreadable.incrementAndGet();
    }
  }

  public long verdicts() {
    return verdicts.get();
  }

  public long deadLetters() {
    return deadLetters.get();
  }

  public long frames() {
    return frames.get();
  }

  public long unexpectedDecisions() {
    return unexpected.get();
  }

  public long unreadable() {
    return unreadable.get();
  }

  public long decisions(Decision d) {
    return decisions.get(d).get();
  }

  /** Segments with at least one verdict. */
  public long segmentsWithVerdict() {
    return verdictsPerSegment.size();
  }

  /** Published segments without a verdict yet. */
  public long missing() {
    return sent.keySet().stream().filter(k -> !verdictsPerSegment.containsKey(k)).count();
  }

  /** Segments that got more than one verdict. */
  public long duplicated() {
    return verdictsPerSegment.values().stream().filter(n -> n > 1).count();
  }

  public ModerationVerdict verdictOf(String streamId, long sequence) {
    return firstVerdict.get(SyntheticStreams.key(streamId, sequence));
  }

  public List<DeadLetter> deadLetterRecords() {
    synchronized (deadLetterRecords) {
      return List.copyOf(deadLetterRecords);
    }
  }

  /** Publication-to-readable-verdict latency percentile in ms, or -1 without data. */
  public long latencyPercentile(double p) {
    long[] sorted;
    synchronized (latenciesMs) {
      sorted = latenciesMs.stream().mapToLong(Long::longValue).toArray();
    }
    if (sorted.length == 0) {
      return -1;
    }
    Arrays.sort(sorted);
    int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
