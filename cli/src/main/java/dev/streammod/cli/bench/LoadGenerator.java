package dev.streammod.cli.bench;

import dev.streammod.connectors.avro.VideoSegment;
import dev.streammod.cli.demo.SegmentKind;
import dev.streammod.cli.demo.SegmentPool;
import dev.streammod.cli.demo.SegmentPublisher;
import dev.streammod.cli.demo.SyntheticStreams;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes up to thousands of live streams following a {@link LoadProfile} (steady, ramp, burst)
 * from one thread: a heap of streams ordered by when each is due next. Payloads come from a {@link
 * SegmentPool}; stream ids, sequences and kinds follow the demo's plan ({@link
 * SyntheticStreams#streamId}, {@link SegmentKind#of}), and a {@link SegmentPublisher} builds and
 * sends the records as the demo's does (the Kafka record timestamp is the publication time).
 * Bookkeeping is one counter per stream, so memory does not grow with the run.
 *
 * <p>When the publisher falls behind schedule it publishes late rather than skipping: the offered
 * load is then what {@link #produced()} says, and {@link #maxLatenessMs()} says by how much.
 */
public final class LoadGenerator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);

  private final LoadProfile profile;
  private final SegmentPool pool;
  private final PayloadMode payload;
  private final SegmentPublisher publisher;
  private final AtomicLongArray sent;
  private final String[] ids;
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
    this(bootstrapServers, Map.of(), topic, profile, pool, payload);
  }

  /** The same, with Kafka client settings (security) for the producer. */
  public LoadGenerator(
      String bootstrapServers,
      Map<String, String> clientProperties,
      String topic,
      LoadProfile profile,
      SegmentPool pool,
      PayloadMode payload) {
    this.profile = profile;
    this.pool = pool;
    this.payload = payload;
    this.sent = new AtomicLongArray(profile.streams());
    this.ids = new String[profile.streams()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = SyntheticStreams.streamId(i);
    }
    // Thousands of streams from one producer: larger batches and buffer than the demo's.
    Map<String, String> producer = new java.util.HashMap<>(clientProperties);
    producer.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-load");
    producer.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(1 << 20));
    producer.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(64L << 20));
    this.publisher = new SegmentPublisher(bootstrapServers, topic, "bench", pool.shape().segment(), producer);
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
    VideoSegment.Builder builder = publisher.segment(ids[index], seq, kind, System.currentTimeMillis());
    if (payload == PayloadMode.FILE) {
      builder.setPayloadUri(pool.uri(kind, index, seq));
    } else {
      builder.setPayload(ByteBuffer.wrap(pool.payload(kind, index, seq)));
    }
    publisher.send(builder.build());
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
    publisher.flush();
  }

  public int streams() {
    return profile.streams();
  }

  /** Segments published so far. */
  public long produced() {
    return publisher.produced();
  }

  public long producedBytes() {
    return publisher.producedBytes();
  }

  public long failedSends() {
    return publisher.failedSends();
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
    publisher.close();
  }
}
