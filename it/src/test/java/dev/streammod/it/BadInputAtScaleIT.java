package dev.streammod.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.connectors.AvroCodec;
import dev.streammod.connectors.Topics;
import dev.streammod.connectors.avro.DeadLetter;
import dev.streammod.connectors.avro.Decision;
import dev.streammod.connectors.avro.ModerationVerdict;
import dev.streammod.connectors.avro.VideoSegment;
import dev.streammod.decoders.synthetic.SceneKind;
import dev.streammod.decoders.synthetic.SyntheticSegments;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input at scale through the whole job (broker, MiniCluster, FFmpeg, ONNX Runtime): mutated
 * segments (truncated, bit-flipped, random bytes, a wrong container hint, a picture above the size
 * limit, an fMP4 media segment with another stream's init segment) and malformed records (not
 * Avro, an unknown schema fingerprint, a newer schema with an added field, a null key, a payload
 * over the limit, no payload), mixed with valid segments. Every record gets exactly one verdict,
 * found by its source partition and offset, and every ERROR verdict exactly one dead letter with
 * its reason; the live heap (after a collection) and the RSS of the JVM are sampled through the
 * run and printed, and the live heap must not keep growing with the records.
 *
 * <p>{@code mvn verify} runs {@code -Dbadinput.records=1500}; the full run is {@code
 * -Dbadinput.records=100000} (see the README).
 */
@Timeout(value = 90, unit = TimeUnit.MINUTES)
class BadInputAtScaleIT {
  private static final int RECORDS = Integer.getInteger("badinput.records", 1500);
  private static final long MAX_PAYLOAD = 900 * 1024;
  private static final int KINDS = 14;

  @TempDir Path work;

  @Test
  void everyRecordGetsOneVerdictAndEveryErrorOneDeadLetter() throws Exception {
    Inputs inputs = new Inputs();
    try (RunningPipeline pipeline =
            RunningPipeline.builder()
                .partitions(2)
                .colourStatsModel(work)
                .set("stats.enabled", "false")
                .set("decoder.max-payload-bytes", String.valueOf(MAX_PAYLOAD))
                .start();
        KafkaProducer<byte[], byte[]> producer =
            Producers.bytes(pipeline.bootstrapServers(), Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20, ProducerConfig.LINGER_MS_CONFIG, 20));
        KafkaConsumer<String, byte[]> reader = reader(pipeline.bootstrapServers())) {
      Map<String, Integer> kindOf = new HashMap<>();
      Map<String, Integer> verdicts = new HashMap<>();
      Map<String, Integer> deadLetters = new HashMap<>();
      Map<String, String> errors = new HashMap<>();
      List<long[]> samples = new ArrayList<>();
      List<Future<RecordMetadata>> pending = new ArrayList<>();
      List<Integer> pendingKinds = new ArrayList<>();
      AvroCodec<ModerationVerdict> verdictCodec = AvroCodec.verdicts();
      AvroCodec<DeadLetter> deadLetterCodec = AvroCodec.deadLetters();
      long start = System.nanoTime();
      long lastSample = 0;
      int sent = 0;
      int read = 0;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(80);
      while ((read < RECORDS || sent < RECORDS) && System.nanoTime() < deadline) {
        // Send in slices while the job keeps up: at most 400 records unanswered.
        while (sent < RECORDS && sent - read < 400) {
          int kind = sent % KINDS;
          pending.add(producer.send(inputs.record(kind, sent)));
          pendingKinds.add(kind);
          sent++;
        }
        producer.flush();
        for (int i = 0; i < pending.size(); i++) {
          RecordMetadata m = pending.get(i).get(60, TimeUnit.SECONDS);
          kindOf.put(m.partition() + "@" + m.offset(), pendingKinds.get(i));
        }
        pending.clear();
        pendingKinds.clear();
        for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
          if (r.topic().equals(Topics.VERDICTS)) {
            ModerationVerdict v = verdictCodec.decode(r.value());
            String at = v.getSourcePartition() + "@" + v.getSourceOffset();
            if (verdicts.merge(at, 1, Integer::sum) == 1) {
              read++;
            }
            if (v.getDecision() == Decision.ERROR) {
              errors.put(at, v.getErrorCode());
            }
          } else {
            DeadLetter d = deadLetterCodec.decode(r.value());
            assertThat(d.getErrorCode()).isNotBlank();
            assertThat(d.getErrorMessage()).isNotBlank();
            deadLetters.merge(d.getSourcePartition() + "@" + d.getSourceOffset(), 1, Integer::sum);
          }
        }
        if (System.nanoTime() - lastSample > TimeUnit.SECONDS.toNanos(5)) {
          lastSample = System.nanoTime();
          System.gc(); // the live heap, not garbage waiting for a collection
          samples.add(new long[] {read, heapUsedMiB(), rssMiB()});
        }
      }
      // The dead letters carry the original records (up to a MiB each) on one partition: read them
      // all, then a few checkpoints more, by when a duplicate would be committed too.
      long lettersDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
      long settle = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(settle, lettersDeadline)) {
        if (settle == Long.MAX_VALUE && deadLetters.size() >= errors.size()) {
          settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        }
        for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
          if (r.topic().equals(Topics.VERDICTS)) {
            ModerationVerdict v = verdictCodec.decode(r.value());
            verdicts.merge(v.getSourcePartition() + "@" + v.getSourceOffset(), 1, Integer::sum);
          } else {
            DeadLetter d = deadLetterCodec.decode(r.value());
            assertThat(d.getErrorCode()).isNotBlank();
            assertThat(d.getErrorMessage()).isNotBlank();
            deadLetters.merge(d.getSourcePartition() + "@" + d.getSourceOffset(), 1, Integer::sum);
          }
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Map<String, Integer> errorsByCode = new HashMap<>();
      errors.values().forEach(c -> errorsByCode.merge(c, 1, Integer::sum));
      System.out.printf(
          "bad input: %d records in %.0f s, %d verdicts (%d ERROR), %d dead letters; errors by code %s;"
              + " live heap MiB / RSS MiB (this JVM: broker, MiniCluster and test) at 25%%, 50%%, 75%%, 100%% of the run: %s%n",
          RECORDS, seconds, verdicts.size(), errors.size(), deadLetters.size(), errorsByCode, quartiles(samples));
      System.out.printf("bad input: the over-size picture's payload is %d bytes%n", inputs.huge.length);

      assertThat(kindOf).hasSize(RECORDS);
      assertThat(verdicts.keySet()).as("one verdict per record").isEqualTo(kindOf.keySet());
      assertThat(verdicts.values()).as("no record with two verdicts").containsOnly(1);
      assertThat(deadLetters.keySet()).as("a dead letter for each ERROR and none else").isEqualTo(errors.keySet());
      assertThat(deadLetters.values()).containsOnly(1);
      // Valid records are never an ERROR; these mutations always are, with the code that says why.
      // Truncations, bit flips, a wrong container hint and another stream's init segment may still
      // leave something FFmpeg decodes: either outcome is right, as long as it is exactly one.
      Map<Integer, String> mustFail =
          Map.of(
              3, "DECODE/CORRUPT_CONTAINER",
              5, "DECODE/FRAME_TOO_LARGE",
              8, "DESERIALIZE/NOT_SINGLE_OBJECT",
              9, "DESERIALIZE/UNKNOWN_SCHEMA",
              10, "DESERIALIZE/UNKNOWN_SCHEMA",
              12, "FETCH/NO_PAYLOAD",
              13, "DECODE/PAYLOAD_TOO_LARGE");
      for (Map.Entry<String, Integer> e : kindOf.entrySet()) {
        int kind = e.getValue();
        if (kind == 0 || kind == 7 || kind == 11) {
          assertThat(errors).as("valid record %s (kind %d)", e.getKey(), kind).doesNotContainKey(e.getKey());
        } else if (mustFail.containsKey(kind)) {
          assertThat(errors.get(e.getKey())).as("bad record %s (kind %d)", e.getKey(), kind).isEqualTo(mustFail.get(kind));
        }
      }
      if (samples.size() >= 4) {
        long[] mid = samples.get(samples.size() / 2);
        long[] last = samples.get(samples.size() - 1);
        assertThat(last[1]).as("live heap at the end against mid-run (MiB)").isLessThan(mid[1] * 2 + 100);
      }
    }
  }

  private static String quartiles(List<long[]> samples) {
    if (samples.isEmpty()) {
      return "[]";
    }
    StringBuilder sb = new StringBuilder("[");
    for (int q = 1; q <= 4; q++) {
      long[] s = samples.get(Math.min(samples.size() - 1, samples.size() * q / 4 - (q == 4 ? 1 : 0)));
      sb.append(q == 1 ? "" : ", ").append(s[1]).append("/").append(s[2]);
    }
    return sb.append("]").toString();
  }

  private static long heapUsedMiB() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
  }

  private static long rssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
        }
      }
    } catch (Exception e) {
      // not Linux
    }
    return -1;
  }

  private static KafkaConsumer<String, byte[]> reader(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(64 << 20));
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(128 << 20));
    KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> parts = new ArrayList<>();
    for (String t : List.of(Topics.VERDICTS, Topics.DEAD_LETTERS)) {
      for (PartitionInfo i : c.partitionsFor(t, Duration.ofSeconds(30))) {
        parts.add(new TopicPartition(t, i.partition()));
      }
    }
    c.assign(parts);
    c.seekToBeginning(parts);
    return c;
  }

  /** The records, one kind after another; built from a few real segments encoded once. */
  private static final class Inputs {
    private final AvroCodec<VideoSegment> codec = AvroCodec.videoSegments();
    private final byte[] ts = SyntheticSegments.h264TransportStream(SceneKind.NEUTRAL, 320, 240, 15, 2.0, 1, 0);
    private final byte[] red = SyntheticSegments.h264TransportStream(SceneKind.RED, 320, 240, 15, 2.0, 2, 0);
    private final SyntheticSegments.FragmentedMp4 mp4 = SyntheticSegments.h264FragmentedMp4(SceneKind.NEUTRAL, 320, 240, 15, 2.0, 3, 0);
    private final SyntheticSegments.FragmentedMp4 other = SyntheticSegments.h264FragmentedMp4(SceneKind.NEUTRAL, 640, 360, 15, 2.0, 4, 0);
    // Above the decoder's default picture limit of 4096 x 2304: refused before decoding.
    private final byte[] huge = SyntheticSegments.h264TransportStream(SceneKind.NEUTRAL, 4608, 2592, 2, 1.0, 5, 0);
    private final Schema newer =
        SchemaBuilder.record("VideoSegment")
            .namespace("dev.streammod.connectors.avro")
            .fields()
            .requiredString("stream_id")
            .requiredLong("sequence")
            .name("added_later").type().stringType().stringDefault("x")
            .endRecord();

    ProducerRecord<byte[], byte[]> record(int kind, int i) {
      Random rnd = new Random(i);
      String stream = "bad-" + (i % 97);
      byte[] key = stream.getBytes();
      byte[] value =
          switch (kind) {
            case 0 -> segment(stream, i, i % 5 == 0 ? red : ts, null, "mpegts");
            case 1 -> segment(stream, i, java.util.Arrays.copyOf(ts, rnd.nextInt(ts.length)), null, "mpegts");
            case 2 -> segment(stream, i, flip(ts, rnd), null, "mpegts");
            case 3 -> segment(stream, i, random(rnd, 100 + rnd.nextInt(50_000)), null, "mpegts");
            case 4 -> segment(stream, i, ts, null, "mp4");
            case 5 -> segment(stream, i, huge, null, "mpegts");
            case 6 -> segment(stream, i, mp4.mediaSegment(), other.initSegment(), "mp4");
            case 7 -> segment(stream, i, mp4.mediaSegment(), mp4.initSegment(), "mp4");
            case 8 -> random(rnd, 1 + rnd.nextInt(2_000));
            case 9 -> unknownFingerprint(rnd);
            case 10 -> newerSchema(stream, i);
            case 11 -> segment(stream, i, ts, null, "mpegts");
            case 12 -> codec.encode(VideoSegment.newBuilder(base(stream, i, "mpegts")).setPayload(null).setPayloadUri(null).build());
            case 13 -> segment(stream, i, random(rnd, (int) MAX_PAYLOAD + 1 + rnd.nextInt(70_000)), null, "mpegts");
            default -> throw new IllegalArgumentException("kind " + kind);
          };
      return new ProducerRecord<>(Topics.SEGMENTS, kind == 11 ? null : key, value);
    }

    private VideoSegment base(String stream, int i, String container) {
      return VideoSegment.newBuilder()
          .setStreamId(stream)
          .setSequence(i)
          .setMediaStartUs(i * 2_000_000L)
          .setWallStartMs(System.currentTimeMillis())
          .setDurationMs(2000)
          .setContainer(container)
          .setCodec("h264")
          .setProducedAtMs(System.currentTimeMillis())
          .setPayload(ByteBuffer.wrap(new byte[0]))
          .build();
    }

    private byte[] segment(String stream, int i, byte[] payload, byte[] init, String container) {
      return codec.encode(
          VideoSegment.newBuilder(base(stream, i, container))
              .setPayload(ByteBuffer.wrap(payload))
              .setInitSegment(init == null ? null : ByteBuffer.wrap(init))
              .build());
    }

    private static byte[] flip(byte[] in, Random rnd) {
      byte[] out = in.clone();
      int flips = 1 + rnd.nextInt(50);
      for (int f = 0; f < flips; f++) {
        int bit = rnd.nextInt(out.length * 8);
        out[bit / 8] ^= (byte) (1 << (bit % 8));
      }
      return out;
    }

    private static byte[] random(Random rnd, int n) {
      byte[] b = new byte[n];
      rnd.nextBytes(b);
      return b;
    }

    private static byte[] unknownFingerprint(Random rnd) {
      byte[] b = random(rnd, 64);
      b[0] = (byte) 0xC3;
      b[1] = (byte) 0x01;
      return b;
    }

    private byte[] newerSchema(String stream, int i) {
      GenericRecord r = new GenericData.Record(newer);
      r.put("stream_id", stream);
      r.put("sequence", (long) i);
      r.put("added_later", "y");
      try {
        ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), newer).encode(r);
        byte[] out = new byte[buf.remaining()];
        buf.get(out);
        return out;
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
