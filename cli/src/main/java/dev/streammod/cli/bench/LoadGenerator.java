package dev.streammod.cli.bench;

import dev.streammod.connectors.AvroCodec;
import dev.streammod.connectors.avro.VideoSegment;
import dev.streammod.cli.demo.SegmentKind;
import dev.streammod.cli.demo.SyntheticStreams;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.PriorityQueue;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes up to thousands of live streams following a {@link LoadProfile} (steady, ramp, burst)
 * from one thread: a heap of streams ordered by when each is due next. Payloads come from a {@link
 * SegmentPool}; stream ids, sequences and kinds follow the demo's plan ({@link
 * SyntheticStreams#streamId}, {@link SegmentKind#of}), and the Kafka record timestamp is the
 * publication time. Bookkeeping is one counter per stream, so memory does not grow with the run.
 *
 * <p>When the publisher falls behind schedule it publishes late rather than skipping: the offered
 * load is then what {@link #produced()} says, and {@link #maxLatenessMs()} says by how much.
 */
public final class LoadGenerator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);

  private final String topic;
  private final LoadProfile profile;
  private final SegmentPool pool;
  private final PayloadMode payload;
  private final KafkaProducer<String, byte[]> producer;
  private final AvroCodec<VideoSegment> codec = AvroCodec.videoSegments();
  private final AtomicLongArray sent;
  private final String[] ids;
  private final AtomicLong produced = new AtomicLong();
  private final AtomicLong failedSends = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private volatile long maxLatenessNanos;
  private volatile boolean running;
  private Thread thread;
  private long startNanos;

  /**
   * With {@link PayloadMode#FILE} the records carry the pool's {@code file:} URIs ({@link
   * SegmentPool#writeTo} must have run) instead of the bytes.
   */
  public LoadGenerator(
      String bootstrapServers, String topic, LoadProfile profile, SegmentPool pool, PayloadMode payload) {
    this.topic = topic;
    this.profile = profile;
    this.pool = pool;
    this.payload = payload;
    this.sent = new AtomicLongArray(profile.streams());
    this.ids = new String[profile.streams()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = SyntheticStreams.streamId(i);
    }
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-load");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(1 << 20));
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(64L << 20));
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(16 << 20));
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  public LoadProfile profile() {
    return profile;
  }

  /** Starts publishing on a thread of its own. */
  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    running = true;
    startNanos = System.nanoTime();
    thread = new Thread(this::publishLoop, "load-generator");
    thread.setDaemon(true);
    thread.start();
  }

  /** Nanos since {@link #start()}. */
  public long elapsedNanos() {
    return System.nanoTime() - startNanos;
  }

  private void publishLoop() {
    int n = profile.streams();
    long[] due = new long[n];
    PriorityQueue<Integer> heap =
        new PriorityQueue<>(n, (a, b) -> Long.compare(due[a], due[b]));
    for (int i = 0; i < n; i++) {
      due[i] = profile.firstDueNanos(i);
      heap.add(i);
    }
    try {
      while (running) {
        int i = heap.peek();
        long wait = due[i] - elapsedNanos();
        if (wait > 0) {
          LockSupport.parkNanos(Math.min(wait, 50_000_000L));
          continue;
        }
        heap.poll();
        long late = -wait;
        if (late > maxLatenessNanos) {
          maxLatenessNanos = late;
        }
        publish(i);
        due[i] = profile.nextDueNanos(due[i]);
        heap.add(i);
      }
    } catch (RuntimeException e) {
      LOG.error("load generator stopped", e);
    }
  }

  /** Publishes the next segment of stream {@code index} now. */
  public void publish(int index) {
    long seq = sent.getAndIncrement(index);
    SegmentKind kind = SegmentKind.of(index, seq);
    long now = System.currentTimeMillis();
    long durationMs = pool.shape().segment().toMillis();
    VideoSegment.Builder builder =
        VideoSegment.newBuilder()
            .setStreamId(ids[index])
            .setSequence(seq)
            .setMediaStartUs(seq * durationMs * 1000)
            .setWallStartMs(now - durationMs)
            .setDurationMs((int) durationMs)
            .setContainer("mpegts")
            .setCodec("h264")
            .setProducedAtMs(now)
            .setTenant("bench")
            .setChannel(kind == SegmentKind.RED ? "flagged-content" : "general");
    if (payload == PayloadMode.FILE) {
      builder.setPayloadUri(pool.uri(kind, index, seq));
    } else {
      builder.setPayload(ByteBuffer.wrap(pool.payload(kind, index, seq)));
    }
    VideoSegment segment = builder.build();
    byte[] value = codec.encode(segment);
    produced.incrementAndGet();
    bytes.addAndGet(value.length);
    producer.send(
        new ProducerRecord<>(topic, null, now, ids[index], value),
        (md, e) -> {
          if (e != null) {
            failedSends.incrementAndGet();
            LOG.error("could not publish {}#{}: {}", ids[index], seq, e.toString());
          }
        });
  }

  /** Stops publishing and flushes what was sent. Idempotent. */
  public void stop() {
    Thread t;
    synchronized (this) {
      running = false;
      t = thread;
    }
    if (t != null) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    producer.flush();
  }

  public int streams() {
    return profile.streams();
  }

  /** Segments published so far. */
  public long produced() {
    return produced.get();
  }

  public long producedBytes() {
    return bytes.get();
  }

  public long failedSends() {
    return failedSends.get();
  }

  /** Segments stream {@code index} has published (its sequences are 0 .. n-1). */
  public long sent(int index) {
    return sent.get(index);
  }

  /** The furthest behind schedule a segment was published, in ms. */
  public long maxLatenessMs() {
    return maxLatenessNanos / 1_000_000;
  }

  @Override
  public void close() {
    stop();
    producer.close(Duration.ofSeconds(10));
  }
}
