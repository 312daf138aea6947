package dev.streammod.cli.bench;

import dev.streammod.connectors.AvroCodec;
import dev.streammod.connectors.AvroDecodeException;
import dev.streammod.connectors.avro.Decision;
import dev.streammod.connectors.avro.ModerationVerdict;
import dev.streammod.cli.demo.SegmentKind;
import java.time.Duration;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads committed verdicts (read_committed, as a downstream consumer would) and keeps the books
 * of a benchmark in memory that does not grow with the number of verdicts: one bit per segment
 * for "has a verdict", counters, and fixed-size latency histograms. Latency is the demo's {@code
 * VerdictTally} measure, publication to verdict readable, where the publication time is the
 * segment's Kafka timestamp, recovered from the verdict as {@code verdict_at_ms -
 * ingest_to_verdict_ms}. Not thread-safe: poll from one thread.
 */
public final class VerdictMeter implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  private final String verdictsTopic;
  private final AvroCodec<ModerationVerdict> codec = AvroCodec.verdicts();
  private final BitSet[] seen;
  private final EnumMap<Decision, Long> decisions = new EnumMap<>(Decision.class);
  private final LatencyHistogram all = new LatencyHistogram();
  private final LatencyHistogram steady = new LatencyHistogram();
  private final LatencyHistogram window = new LatencyHistogram();
  private final LatencyHistogram degradedLatency = new LatencyHistogram();
  private long steadyFromMs = Long.MIN_VALUE;
  private long verdicts;
  private long distinct;
  private long duplicates;
  private long frames;
  private long degraded;
  private long unexpected;
  private long foreign;
  private long unreadable;
  private long deadLetters;

  /** Which decisions the synthetic content determines, and so which ones count as unexpected. */
  public enum DecisionCheck {
    /** Every decision: red segments BLOCK, corrupt ones ERROR, the rest ALLOW (the colour-statistics model). */
    CONTENT,
    /** Only errors: corrupt segments ERROR and no other does; a real model's scores of synthetic video are its own. */
    ERRORS
  }

  private final DecisionCheck check;

  public VerdictMeter(
      String bootstrapServers, String verdictsTopic, String deadLetterTopic, int streams, DecisionCheck check) {
    this(bootstrapServers, Map.of(), verdictsTopic, deadLetterTopic, streams, check);
  }

  /** The same, with Kafka client settings (security) for the consumer. */
  public VerdictMeter(
      String bootstrapServers,
      Map<String, String> clientProperties,
      String verdictsTopic,
      String deadLetterTopic,
      int streams,
      DecisionCheck check) {
    this.verdictsTopic = verdictsTopic;
    this.check = check;
    this.seen = new BitSet[streams];
    for (int i = 0; i < streams; i++) {
      seen[i] = new BitSet();
    }
    for (Decision d : Decision.values()) {
      decisions.put(d, 0L);
    }
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-meter");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-verdicts-" + System.nanoTime());
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(32 << 20));
    consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(verdictsTopic, deadLetterTopic));
  }

  /** Latencies of segments published from {@code publishedFromMs} on also go to {@link #steady()}. */
  public void steadyFrom(long publishedFromMs) {
    this.steadyFromMs = publishedFromMs;
  }

  public void poll(Duration timeout) {
    for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
      if (r.topic().equals(verdictsTopic)) {
        onVerdict(r.value(), System.currentTimeMillis());
      } else {
        deadLetters++;
      }
    }
  }

  private void onVerdict(byte[] bytes, long now) {
    ModerationVerdict v;
    try {
      v = codec.decode(bytes);
    } catch (AvroDecodeException e) {
      unreadable++;
      return;
    }
    verdicts++;
    int index = streamIndex(v.getStreamId());
    long seq = v.getSequence();
    if (index < 0 || index >= seen.length || seq < 0 || seq > Integer.MAX_VALUE) {
      foreign++;
      return;
    }
    if (seen[index].get((int) seq)) {
      duplicates++;
      return;
    }
    seen[index].set((int) seq);
    distinct++;
    decisions.merge(v.getDecision(), 1L, Long::sum);
    frames += v.getFramesSampled();
    SegmentKind kind = SegmentKind.of(index, seq);
    boolean expected =
        check == DecisionCheck.CONTENT
            ? kind.expected() == v.getDecision()
            : (kind == SegmentKind.CORRUPT) == (v.getDecision() == Decision.ERROR);
    if (!expected) {
      unexpected++;
    }
    long published = v.getVerdictAtMs() - v.getIngestToVerdictMs();
    long latency = now - published;
    all.record(latency);
    window.record(latency);
    if (published >= steadyFromMs) {
      steady.record(latency);
    }
    if (v.getDegraded()) {
      degraded++;
      degradedLatency.record(latency);
    }
  }

  /** The index in "stream-0042", or -1. */
  static int streamIndex(String id) {
    if (id == null || !id.startsWith("stream-") || id.length() > 16) {
      return -1;
    }
    int n = 0;
    for (int i = 7; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return id.length() > 7 ? n : -1;
  }

  /** Published segments without a verdict yet, given how many each stream published. */
  public long missing(LoadGenerator load) {
    long missing = 0;
    for (int i = 0; i < seen.length; i++) {
      missing += load.sent(i) - seen[i].cardinality();
    }
    return missing;
  }

  /** Segments with a verdict. */
  public long distinct() {
    return distinct;
  }

  public long verdicts() {
    return verdicts;
  }

  public long duplicates() {
    return duplicates;
  }

  public long frames() {
    return frames;
  }

  public long degraded() {
    return degraded;
  }

  public long unexpectedDecisions() {
    return unexpected;
  }

  public long foreign() {
    return foreign;
  }

  public long unreadable() {
    return unreadable;
  }

  public long deadLetters() {
    return deadLetters;
  }

  public Map<Decision, Long> decisions() {
    return new EnumMap<>(decisions);
  }

  public LatencyHistogram all() {
    return all;
  }

  public LatencyHistogram steady() {
    return steady;
  }

  public LatencyHistogram degradedLatency() {
    return degradedLatency;
  }

  /** Latency figures of one window of time. */
  public record Window(long count, long p50Ms, long p99Ms, long maxMs) {}

  /** Latencies read since the last call; then starts a new window. */
  public Window takeWindow() {
    Window w = new Window(window.count(), window.percentile(50), window.percentile(99), window.max());
    window.clear();
    return w;
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
