package dev.streammod.cli.dashboard;

import dev.streammod.connectors.AvroCodec;
import dev.streammod.connectors.AvroDecodeException;
import dev.streammod.connectors.avro.StreamStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the stream-stats topic into a {@link StatsStore} on its own thread. No consumer group:
 * every partition is assigned and read from {@code history} ago, so a dashboard that starts late
 * shows every tracked stream (the job reports each one every interval) with its recent history.
 * Waits for the topic when it does not exist yet, and picks up partitions added later.
 */
public final class StatsFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatsFeed.class);
  private static final Duration PARTITION_CHECK = Duration.ofSeconds(30);

  /** What the feed is doing, for the summary. */
  public record State(String status, long records, long unreadable, String lastError) {}

  private final String topic;
  private final long historyMs;
  private final StatsStore store;
  private final KafkaConsumer<String, byte[]> consumer;
  private final AvroCodec<StreamStats> codec = AvroCodec.streamStats();
  private final AtomicLong records = new AtomicLong();
  private final AtomicLong unreadable = new AtomicLong();
  private final Thread thread;
  private volatile String status = "starting";
  private volatile String lastError;
  private volatile boolean running = true;
  private volatile boolean started;

  public StatsFeed(
      String bootstrapServers,
      String topic,
      Duration history,
      StatsStore store,
      Map<String, String> extraConsumerProperties) {
    this.topic = topic;
    this.historyMs = history.toMillis();
    this.store = store;
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "streammod-dashboard");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    if (extraConsumerProperties != null) {
      p.putAll(extraConsumerProperties);
    }
    consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    thread = new Thread(this::run, "dashboard-stats-feed");
    thread.setDaemon(true);
  }

  public StatsFeed start() {
    started = true;
    thread.start();
    return this;
  }

  public State state() {
    return new State(status, records.get(), unreadable.get(), lastError);
  }

  private void run() {
    List<TopicPartition> assigned = new ArrayList<>();
    long nextPartitionCheck = 0;
    try {
      while (running) {
        long now = System.currentTimeMillis();
        if (assigned.isEmpty() || now >= nextPartitionCheck) {
          nextPartitionCheck = now + PARTITION_CHECK.toMillis();
          if (!assignNewPartitions(assigned)) {
            status = "waiting for topic " + topic;
            sleep(1000);
            nextPartitionCheck = 0;
            continue;
          }
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          take(r);
        }
        status = "reading " + topic;
      }
    } catch (WakeupException e) {
      // close() asked us to stop
    } catch (RuntimeException e) {
      lastError = String.valueOf(e);
      status = "failed: " + e;
      LOG.error("stream-stats feed from {} stopped", topic, e);
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private void take(ConsumerRecord<String, byte[]> r) {
    if (r.key() == null) {
      unreadable.incrementAndGet();
      return;
    }
    if (r.value() == null) {
      store.remove(r.key());
      return;
    }
    try {
      store.update(codec.decode(r.value()));
      records.incrementAndGet();
    } catch (AvroDecodeException e) {
      unreadable.incrementAndGet();
      lastError = "unreadable record at " + r.topic() + "-" + r.partition() + "@" + r.offset() + ": " + e.getMessage();
    }
  }

  /** Assigns partitions not assigned yet, each from {@code history} ago; false if the topic is missing. */
  private boolean assignNewPartitions(List<TopicPartition> assigned) {
    List<PartitionInfo> infos;
    try {
      infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
    } catch (org.apache.kafka.common.errors.TimeoutException
        | org.apache.kafka.common.errors.UnknownTopicOrPartitionException e) {
      lastError = String.valueOf(e);
      return !assigned.isEmpty();
    }
    if (infos == null || infos.isEmpty()) {
      return !assigned.isEmpty();
    }
    List<TopicPartition> added = new ArrayList<>();
    for (PartitionInfo i : infos) {
      TopicPartition tp = new TopicPartition(i.topic(), i.partition());
      if (!assigned.contains(tp)) {
        added.add(tp);
      }
    }
    if (added.isEmpty()) {
      return true;
    }
    List<TopicPartition> all = new ArrayList<>(assigned);
    all.addAll(added);
    consumer.assign(all);
    // End offsets first, eagerly: a partition with nothing newer than the history window starts at
    // the end it had before the time lookup, so a record written meanwhile is read, not skipped (a
    // lazy seekToEnd resolves at the next poll, after records that arrived in between).
    Map<TopicPartition, Long> ends = consumer.endOffsets(added, Duration.ofSeconds(10));
    Map<TopicPartition, Long> since = new HashMap<>();
    long from = System.currentTimeMillis() - historyMs;
    for (TopicPartition tp : added) {
      since.put(tp, from);
    }
    Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(since, Duration.ofSeconds(10));
    for (TopicPartition tp : added) {
      OffsetAndTimestamp o = offsets.get(tp);
      consumer.seek(tp, o != null ? o.offset() : ends.get(tp));
    }
    assigned.clear();
    assigned.addAll(all);
    LOG.info("dashboard reads {} partitions of {}", all.size(), topic);
    return true;
  }

  private void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    if (!started) {
      consumer.close(Duration.ZERO);
      return;
    }
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
