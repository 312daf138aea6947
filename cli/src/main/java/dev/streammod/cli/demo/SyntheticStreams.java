package dev.streammod.cli.demo;

import dev.streammod.connectors.AvroCodec;
import dev.streammod.connectors.avro.VideoSegment;
import dev.streammod.decoders.synthetic.SceneKind;
import dev.streammod.decoders.synthetic.SyntheticSegments;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes N live streams of real H.264 MPEG-TS segments, one every segment period per stream,
 * staggered across the period like independent broadcasters. Segments come from a pool encoded by
 * FFmpeg at start-up, so producing stays cheap; which kind each segment is follows {@link
 * SegmentKind#of}, and every send is recorded so that verdicts can be checked against it.
 */
public final class SyntheticStreams implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SyntheticStreams.class);

  /** Shape of the synthetic video. */
  public record Shape(int width, int height, double fps, Duration segment) {
    public static Shape standard() {
      return new Shape(320, 240, 15, Duration.ofSeconds(2));
    }
  }

  /** One published segment, for checking the verdicts. */
  public record Sent(SegmentKind kind, long sentAtMs) {}

  private final String topic;
  private final int streams;
  private final Shape shape;
  private final KafkaProducer<String, byte[]> producer;
  private final byte[][] neutral;
  private final byte[][] red;
  private final byte[][] corrupt;
  private final AvroCodec<VideoSegment> codec = AvroCodec.videoSegments();
  private final Map<String, Sent> sent = new ConcurrentHashMap<>();
  private final AtomicLong produced = new AtomicLong();
  private final AtomicLong failedSends = new AtomicLong();
  private final long[] nextSequence;
  private ScheduledExecutorService scheduler;

  public SyntheticStreams(String bootstrapServers, String topic, int streams, Shape shape) {
    if (streams <= 0) {
      throw new IllegalArgumentException("streams must be > 0, got " + streams);
    }
    this.topic = topic;
    this.streams = streams;
    this.shape = shape;
    this.nextSequence = new long[streams];
    long t0 = System.nanoTime();
    int poolSize = 6;
    neutral = new byte[poolSize][];
    red = new byte[poolSize / 2][];
    corrupt = new byte[poolSize / 2][];
    long frames = Math.round(shape.fps() * shape.segment().toMillis() / 1000.0);
    for (int i = 0; i < neutral.length; i++) {
      neutral[i] = encode(SceneKind.NEUTRAL, i, i * frames);
    }
    for (int i = 0; i < red.length; i++) {
      red[i] = encode(SceneKind.RED, 100 + i, i * frames);
      corrupt[i] = SyntheticSegments.corrupt(neutral[i], 7 + i);
    }
    LOG.info(
        "encoded {} synthetic segments in {} ms",
        neutral.length + red.length,
        (System.nanoTime() - t0) / 1_000_000);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(16 << 20));
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  private byte[] encode(SceneKind kind, long seed, long startFrame) {
    return SyntheticSegments.h264TransportStream(
        kind,
        shape.width(),
        shape.height(),
        shape.fps(),
        shape.segment().toMillis() / 1000.0,
        seed,
        startFrame);
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
    byte[] payload =
        switch (kind) {
          case NEUTRAL -> neutral[(int) ((index + seq) % neutral.length)];
          case RED -> red[(int) ((index + seq) % red.length)];
          case CORRUPT -> corrupt[(int) ((index + seq) % corrupt.length)];
        };
    String id = streamId(index);
    long now = System.currentTimeMillis();
    long durationMs = shape.segment().toMillis();
    VideoSegment segment =
        VideoSegment.newBuilder()
            .setStreamId(id)
            .setSequence(seq)
            .setMediaStartUs(seq * durationMs * 1000)
            .setWallStartMs(now - durationMs)
            .setDurationMs((int) durationMs)
            .setContainer("mpegts")
            .setCodec("h264")
            .setPayload(ByteBuffer.wrap(payload))
            .setProducedAtMs(now)
            .setTenant("demo")
            .setChannel(kind == SegmentKind.RED ? "flagged-content" : "general")
            .build();
    sent.put(key(id, seq), new Sent(kind, now));
    produced.incrementAndGet();
    producer.send(
        new ProducerRecord<>(topic, null, now, id, codec.encode(segment)),
        (md, e) -> {
          if (e != null) {
            failedSends.incrementAndGet();
            LOG.error("could not publish {}: {}", key(id, seq), e.toString());
          }
        });
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
    producer.flush();
  }

  public long produced() {
    return produced.get();
  }

  public long failedSends() {
    return failedSends.get();
  }

  /** Every segment published so far, by {@link #key}. */
  public Map<String, Sent> sent() {
    return sent;
  }

  @Override
  public void close() {
    stop();
    producer.close(Duration.ofSeconds(10));
  }
}
