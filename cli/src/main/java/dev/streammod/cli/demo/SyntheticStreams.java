package dev.streammod.cli.demo;

import dev.streammod.connectors.avro.VideoSegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes N live streams of real H.264 MPEG-TS segments, one every segment period per stream,
 * staggered across the period like independent broadcasters. Segments come from a {@link
 * SegmentPool} encoded by FFmpeg at start-up, so producing stays cheap; which kind each segment is
 * follows {@link SegmentKind#of}, and every send is recorded so that verdicts can be checked
 * against it.
 */
public final class SyntheticStreams implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SyntheticStreams.class);

  /** Neutral segments in the pool (and half as many red and corrupt ones). */
  private static final int POOL_SIZE = 6;

  /** Shape of the synthetic video. */
  public record Shape(int width, int height, double fps, Duration segment) {
    public static Shape standard() {
      return new Shape(320, 240, 15, Duration.ofSeconds(2));
    }
  }

  /** One published segment, for checking the verdicts. */
  public record Sent(SegmentKind kind, long sentAtMs) {}

  private final int streams;
  private final Shape shape;
  private final SegmentPool pool;
  private final SegmentPublisher publisher;
  private final Map<String, Sent> sent = new ConcurrentHashMap<>();
  private final long[] nextSequence;
  private ScheduledExecutorService scheduler;

  public SyntheticStreams(String bootstrapServers, String topic, int streams, Shape shape) {
    this(bootstrapServers, Map.of(), topic, streams, shape);
  }

  /** The same, with Kafka client settings (security) for the producer. */
  public SyntheticStreams(
      String bootstrapServers, Map<String, String> clientProperties, String topic, int streams, Shape shape) {
    if (streams <= 0) {
      throw new IllegalArgumentException("streams must be > 0, got " + streams);
    }
    this.streams = streams;
    this.shape = shape;
    this.nextSequence = new long[streams];
    long t0 = System.nanoTime();
    this.pool = new SegmentPool(shape, POOL_SIZE);
    LOG.info("encoded the synthetic segment pool in {} ms", (System.nanoTime() - t0) / 1_000_000);
    this.publisher = new SegmentPublisher(bootstrapServers, topic, "demo", shape.segment(), clientProperties);
  }

  public static String streamId(int index) {
    return String.format("stream-%04d", index);
  }

  public static String key(String streamId, long sequence) {
    return streamId + "#" + sequence;
  }

  /** Starts publishing; each stream's first segment lands at a random point of the first period. */
  public synchronized void start() {
    if (scheduler != null) {
      throw new IllegalStateException("already started");
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "synthetic-streams");
              t.setDaemon(true);
              return t;
            });
    long period = shape.segment().toMillis();
    for (int i = 0; i < streams; i++) {
      int index = i;
      long offset = (period * i) / streams;
      scheduler.scheduleAtFixedRate(() -> publish(index), offset, period, TimeUnit.MILLISECONDS);
    }
  }

  /** Publishes the next segment of one stream now (also usable without {@link #start()}). */
  public void publish(int index) {
    long seq;
    synchronized (nextSequence) {
      seq = nextSequence[index]++;
    }
    SegmentKind kind = SegmentKind.of(index, seq);
    String id = streamId(index);
    long now = System.currentTimeMillis();
    VideoSegment segment =
        publisher
            .segment(id, seq, kind, now)
            .setPayload(ByteBuffer.wrap(pool.payload(kind, index, seq)))
            .build();
    sent.put(key(id, seq), new Sent(kind, now));
    publisher.send(segment);
  }

  /** Stops publishing and flushes what was sent. */
  public synchronized void stop() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    publisher.flush();
  }

  public long produced() {
    return publisher.produced();
  }

  public long failedSends() {
    return publisher.failedSends();
  }

  /** Every segment published so far, by {@link #key}. */
  public Map<String, Sent> sent() {
    return sent;
  }

  @Override
  public void close() {
    stop();
    publisher.close();
  }
}
