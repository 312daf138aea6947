package dev.streammod.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.streammod.connectors.AvroDecodeException.Reason;
import dev.streammod.connectors.avro.DeadLetter;
import dev.streammod.connectors.avro.Decision;
import dev.streammod.connectors.avro.ModerationVerdict;
import dev.streammod.connectors.avro.VideoSegment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AvroCodecTest {

  static VideoSegment segment() {
    return VideoSegment.newBuilder()
        .setStreamId("stream-7")
        .setSequence(42)
        .setMediaStartUs(84_000_000L)
        .setWallStartMs(1_700_000_000_000L)
        .setDurationMs(2000)
        .setContainer("mpegts")
        .setCodec("h264")
        .setPayload(ByteBuffer.wrap(new byte[] {0x47, 0x40, 0x11, 0x10}))
        .setProducedAtMs(1_700_000_002_000L)
        .setTenant("acme")
        .setChannel("gaming")
        .build();
  }

  static ModerationVerdict verdict() {
    return ModerationVerdict.newBuilder()
        .setStreamId("stream-7")
        .setSequence(42)
        .setDecision(Decision.REVIEW)
        .setScores(Map.of("nsfw", 0.71f, "violence", 0.02f))
        .setTopLabel("nsfw")
        .setTopScore(0.71f)
        .setFramesSampled(4)
        .setModelName("nsfw-mobilenet")
        .setModelVersion("3")
        .setInferMs(12.5)
        .setSourcePartition(2)
        .setSourceOffset(1234)
        .build();
  }

  static DeadLetter deadLetter() {
    return DeadLetter.newBuilder()
        .setSourceTopic(Topics.SEGMENTS)
        .setSourcePartition(1)
        .setSourceOffset(99)
        .setStage("DESERIALIZE")
        .setErrorCode("NOT_SINGLE_OBJECT")
        .setErrorMessage("expected marker C3 01")
        .setValue(ByteBuffer.wrap("junk".getBytes(StandardCharsets.UTF_8)))
        .setFailedAtMs(1_700_000_003_000L)
        .build();
  }

  @Test
  void videoSegmentRoundTrip() throws Exception {
    AvroCodec<VideoSegment> codec = AvroCodec.videoSegments();
    byte[] bytes = codec.encode(segment());
    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    assertThat(codec.decode(bytes)).isEqualTo(segment());
  }

  @Test
  void verdictRoundTrip() throws Exception {
    AvroCodec<ModerationVerdict> codec = AvroCodec.verdicts();
    assertThat(codec.decode(codec.encode(verdict()))).isEqualTo(verdict());
  }

  @Test
  void deadLetterRoundTrip() throws Exception {
    AvroCodec<DeadLetter> codec = AvroCodec.deadLetters();
    assertThat(codec.decode(codec.encode(deadLetter()))).isEqualTo(deadLetter());
  }

  @Test
  void largePayloadRoundTrip() throws Exception {
    byte[] payload = new byte[8 * 1024 * 1024];
    Arrays.fill(payload, (byte) 7);
    VideoSegment big =
        VideoSegment.newBuilder(segment()).setPayload(ByteBuffer.wrap(payload)).build();
    AvroCodec<VideoSegment> codec = AvroCodec.videoSegments();
    VideoSegment back = codec.decode(codec.encode(big));
    assertThat(back.getPayload().remaining()).isEqualTo(payload.length);
  }

  @Test
  void payloadIsAViewOfTheRecordNotACopy() throws Exception {
    byte[] payload = new byte[256 * 1024];
    new java.util.Random(3).nextBytes(payload);
    AvroCodec<VideoSegment> codec = AvroCodec.videoSegments();
    byte[] record =
        codec.encode(VideoSegment.newBuilder(segment()).setPayload(ByteBuffer.wrap(payload)).build());

    ByteBuffer view = codec.decode(record).getPayload();

    assertThat(view.hasArray()).isTrue();
    assertThat(view.array()).isSameAs(record);
    int at = view.arrayOffset() + view.position();
    assertThat(Arrays.copyOfRange(record, at, at + view.remaining())).isEqualTo(payload);
  }

  @Test
  void missingRequiredFieldIsIllegalArgumentNamingTheType() {
    VideoSegment incomplete = new VideoSegment();
    assertThatThrownBy(() -> AvroCodec.videoSegments().encode(incomplete))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("VideoSegment");
  }

  @Test
  void garbageIsNotSingleObject() {
    byte[] garbage = "hello, this is not avro".getBytes(StandardCharsets.UTF_8);
    AvroDecodeException e = decodeFailure(garbage);
    assertThat(e.reason()).isEqualTo(Reason.NOT_SINGLE_OBJECT);
    assertThat(e.byteLength()).isEqualTo(garbage.length);
    assertThat(e.getMessage())
        .contains("VideoSegment", garbage.length + " bytes", "NOT_SINGLE_OBJECT", "C3 01", "68 65");
  }

  @Test
  void emptyAndNullAreEmpty() {
    assertThat(decodeFailure(new byte[0]).reason()).isEqualTo(Reason.EMPTY);
    AvroDecodeException e = decodeFailure(null);
    assertThat(e.reason()).isEqualTo(Reason.EMPTY);
    assertThat(e.getMessage()).contains("0 bytes");
  }

  @Test
  void truncatedHeaderIsTruncated() {
    byte[] whole = AvroCodec.videoSegments().encode(segment());
    AvroDecodeException e = decodeFailure(Arrays.copyOf(whole, 6));
    assertThat(e.reason()).isEqualTo(Reason.TRUNCATED);
    assertThat(e.getMessage()).contains("6 bytes", "header");
  }

  @Test
  void truncatedBodyIsTruncatedAtEveryLength() {
    byte[] whole = AvroCodec.videoSegments().encode(segment());
    for (int len = 10; len < whole.length; len++) {
      AvroDecodeException e = decodeFailure(Arrays.copyOf(whole, len));
      assertThat(e.reason()).as("length %d", len).isEqualTo(Reason.TRUNCATED);
      assertThat(e.byteLength()).isEqualTo(len);
      assertThat(e.getMessage()).contains(len + " bytes");
    }
  }

  @Test
  void trailingBytesAreRejected() {
    byte[] whole = AvroCodec.videoSegments().encode(segment());
    byte[] longer = Arrays.copyOf(whole, whole.length + 3);
    AvroDecodeException e = decodeFailure(longer);
    assertThat(e.reason()).isEqualTo(Reason.TRAILING_BYTES);
    assertThat(e.getMessage()).contains("3 bytes left");
  }

  @Test
  void corruptLengthIsMalformed() {
    byte[] header = Arrays.copyOf(AvroCodec.videoSegments().encode(segment()), 10);
    // stream_id length as zig-zag varint 0x01 = -1
    byte[] bytes = Arrays.copyOf(header, 11);
    bytes[10] = 0x01;
    AvroDecodeException e = decodeFailure(bytes);
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
    assertThat(e.fingerprint()).isPresent();
    assertThat(e.getMessage()).contains("VideoSegment.stream_id", "negative length");
  }

  @Test
  void hugeClaimedLengthFailsWithoutAllocatingIt() {
    byte[] header = Arrays.copyOf(AvroCodec.videoSegments().encode(segment()), 10);
    // stream_id claims 1 GiB: zig-zag 2^31 as varint 80 80 80 80 08
    byte[] bytes = Arrays.copyOf(header, 15);
    bytes[10] = (byte) 0x80;
    bytes[11] = (byte) 0x80;
    bytes[12] = (byte) 0x80;
    bytes[13] = (byte) 0x80;
    bytes[14] = 0x08;
    AvroDecodeException e = decodeFailure(bytes);
    assertThat(e.reason()).isEqualTo(Reason.TRUNCATED);
    assertThat(e.getMessage()).contains("VideoSegment.stream_id", "needs 1073741824 bytes, 0 left");
  }

  @Test
  void hugeMapCountFailsFast() {
    AvroCodec<ModerationVerdict> codec = AvroCodec.verdicts();
    ModerationVerdict empty = ModerationVerdict.newBuilder(verdict()).setScores(Map.of()).build();
    byte[] ok = codec.encode(empty);
    // stream_id "stream-7" (1 + 8 bytes), sequence 42 (1), decision (1), then the map's count
    int countAt = 10 + 9 + 1 + 1;
    assertThat(ok[countAt]).isEqualTo((byte) 0);
    byte[] bytes = new byte[ok.length + 4];
    System.arraycopy(ok, 0, bytes, 0, countAt);
    bytes[countAt] = (byte) 0xFE; // zig-zag 2^27 items, as 4-byte varint FE FF FF 7F
    bytes[countAt + 1] = (byte) 0xFF;
    bytes[countAt + 2] = (byte) 0xFF;
    bytes[countAt + 3] = (byte) 0x7F;
    System.arraycopy(ok, countAt + 1, bytes, countAt + 4, ok.length - countAt - 1);
    AvroDecodeException e =
        catchThrowableOfType(AvroDecodeException.class, () -> codec.decode(bytes));
    assertThat(e).isNotNull();
    assertThat(e.reason()).isIn(Reason.TRUNCATED, Reason.MALFORMED);
    assertThat(e.getMessage()).contains("ModerationVerdict.scores");
  }

  @Test
  void badEnumIndexIsMalformed() {
    AvroCodec<ModerationVerdict> codec = AvroCodec.verdicts();
    byte[] bytes = codec.encode(verdict());
    int decisionAt = 10 + 9 + 1;
    assertThat(bytes[decisionAt]).isEqualTo((byte) (Decision.REVIEW.ordinal() * 2));
    bytes[decisionAt] = 0x0E; // index 7 of 4 symbols
    AvroDecodeException e =
        catchThrowableOfType(AvroDecodeException.class, () -> codec.decode(bytes));
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
    assertThat(e.getMessage()).contains("ModerationVerdict.decision", "enum index 7");
  }

  @Test
  void badUnionBranchIsMalformed() {
    VideoSegment minimal = VideoSegment.newBuilder().setStreamId("s").setSequence(1).build();
    byte[] bytes = AvroCodec.videoSegments().encode(minimal);
    // stream_id (2), sequence (1), media_start_us (1), wall_start_ms (1), duration_ms (1):
    // container
    int containerAt = 10 + 2 + 1 + 1 + 1 + 1;
    assertThat(bytes[containerAt]).isEqualTo((byte) 0); // branch 0 = null
    bytes[containerAt] = 0x06; // branch 3 of 2
    AvroDecodeException e = decodeFailure(bytes);
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
    assertThat(e.getMessage()).contains("VideoSegment.container", "union branch 3");
  }

  @Test
  void randomCorruptionGivesOnlyAvroDecodeExceptions() {
    Random random = new Random(20240611);
    byte[][] valid = {
      AvroCodec.videoSegments().encode(segment()), AvroCodec.verdicts().encode(verdict())
    };
    AvroCodec<?>[] codecs = {AvroCodec.videoSegments(), AvroCodec.verdicts()};
    for (int round = 0; round < 5000; round++) {
      int which = round % 2;
      byte[] bytes = valid[which].clone();
      int flips = 1 + random.nextInt(4);
      for (int i = 0; i < flips; i++) {
        int at = 10 + random.nextInt(bytes.length - 10);
        bytes[at] = (byte) random.nextInt(256);
      }
      if (random.nextInt(4) == 0) {
        bytes = Arrays.copyOf(bytes, 10 + random.nextInt(bytes.length - 9));
      }
      try {
        codecs[which].decode(bytes);
      } catch (AvroDecodeException expected) {
        assertThat(expected.byteLength()).isEqualTo(bytes.length);
      }
    }
  }

  @Test
  void unknownFingerprintIsUnknownSchema() {
    Schema other =
        SchemaBuilder.record("VideoSegment")
            .namespace("dev.streammod.connectors.avro")
            .fields()
            .requiredString("stream_id")
            .requiredLong("sequence")
            .requiredString("something_new")
            .endRecord();
    GenericRecord record = new GenericData.Record(other);
    record.put("stream_id", "s");
    record.put("sequence", 1L);
    record.put("something_new", "x");
    byte[] bytes = encodeGeneric(other, record);

    AvroDecodeException e = decodeFailure(bytes);
    assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA);
    assertThat(e.fingerprint()).hasValue(SchemaNormalization.parsingFingerprint64(other));
    assertThat(e.getMessage()).contains("UNKNOWN_SCHEMA", "known fingerprints", "schemas/");
  }

  @Test
  void recordWrittenWithOldSchemaDecodesWithNewFieldsAtDefaults() throws Exception {
    Schema v1 = testResourceSchema("old-schemas/VideoSegment-v1.avsc");
    assertThat(v1.getField("tenant")).isNull();
    GenericRecord old = new GenericData.Record(v1);
    old.put("stream_id", "legacy-1");
    old.put("sequence", 5L);
    old.put("media_start_us", 10_000_000L);
    old.put("wall_start_ms", 1_600_000_000_000L);
    old.put("duration_ms", 4000);
    old.put("container", "mp4");
    old.put("codec", "hevc");
    old.put("payload", ByteBuffer.wrap(new byte[] {1, 2, 3}));
    old.put("payload_uri", null);
    old.put("init_segment", ByteBuffer.wrap(new byte[] {9}));
    old.put("produced_at_ms", 1_600_000_001_000L);
    byte[] bytes = encodeGeneric(v1, old);

    VideoSegment read = AvroCodec.videoSegments().decode(bytes);

    assertThat(read.getStreamId()).isEqualTo("legacy-1");
    assertThat(read.getSequence()).isEqualTo(5L);
    assertThat(read.getMediaStartUs()).isEqualTo(10_000_000L);
    assertThat(read.getDurationMs()).isEqualTo(4000);
    assertThat(read.getContainer()).isEqualTo("mp4");
    assertThat(read.getCodec()).isEqualTo("hevc");
    assertThat(read.getPayload()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    assertThat(read.getInitSegment()).isEqualTo(ByteBuffer.wrap(new byte[] {9}));
    assertThat(read.getProducedAtMs()).isEqualTo(1_600_000_001_000L);
    assertThat(read.getTenant()).isNull();
    assertThat(read.getChannel()).isNull();
  }

  @Test
  void verdictWrittenWithTheFirstSchemaDecodesWithNewFieldsAtDefaults() throws Exception {
    Schema v1 = testResourceSchema("old-schemas/ModerationVerdict-v1.avsc");
    assertThat(v1.getField("worst_frame_scores")).isNull();
    GenericRecord old = new GenericData.Record(v1);
    for (Schema.Field f : v1.getFields()) {
      if (f.hasDefaultValue()) {
        old.put(f.name(), GenericData.get().getDefaultValue(f));
      }
    }
    old.put("stream_id", "legacy-verdict");
    old.put("sequence", 9L);
    old.put("decision", new GenericData.EnumSymbol(v1.getField("decision").schema(), "BLOCK"));
    old.put("scores", Map.of("Porn", 0.9f));
    old.put("rule", "explicit-block");

    ModerationVerdict read = AvroCodec.verdicts().decode(encodeGeneric(v1, old));

    assertThat(read.getStreamId()).isEqualTo("legacy-verdict");
    assertThat(read.getDecision()).isEqualTo(Decision.BLOCK);
    assertThat(read.getScores()).containsEntry("Porn", 0.9f);
    assertThat(read.getWorstFrameScores()).isEmpty();
  }

  @Test
  void verdictWrittenWithTheSecondSchemaKeepsItsEscalationAndDefaultsTheCascade() throws Exception {
    Schema v2 = testResourceSchema("old-schemas/ModerationVerdict-v2.avsc");
    assertThat(v2.getField("decided_by")).isNull();
    GenericRecord old = new GenericData.Record(v2);
    for (Schema.Field f : v2.getFields()) {
      if (f.hasDefaultValue()) {
        old.put(f.name(), GenericData.get().getDefaultValue(f));
      }
    }
    old.put("stream_id", "escalated");
    old.put("sequence", 3L);
    old.put("decision", new GenericData.EnumSymbol(v2.getField("decision").schema(), "REVIEW"));
    old.put("escalation", "held");
    old.put("escalation_sequences", java.util.List.of(2L));

    ModerationVerdict read = AvroCodec.verdicts().decode(encodeGeneric(v2, old));

    assertThat(read.getEscalation()).isEqualTo("held");
    assertThat(read.getEscalationSequences()).containsExactly(2L);
    assertThat(read.getDecidedBy()).isNull();
    assertThat(read.getSecondScores()).isEmpty();
  }

  @Test
  void readersOnEveryEarlierVerdictSchemaResolveTheCurrentOne() throws Exception {
    for (String v : new String[] {"v1", "v2", "v3"}) {
      Schema old = testResourceSchema("old-schemas/ModerationVerdict-" + v + ".avsc");
      assertThat(SchemaCompatibility.checkReaderWriterCompatibility(old, ModerationVerdict.getClassSchema()).getType())
          .as("a reader on %s reads a current verdict", v)
          .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
      assertThat(SchemaCompatibility.checkReaderWriterCompatibility(ModerationVerdict.getClassSchema(), old).getType())
          .as("a current reader reads a %s verdict", v)
          .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
    }
  }

  @Test
  void readersOnTheFirstVerdictSchemaReadNewVerdicts() throws Exception {
    Schema v1 = testResourceSchema("old-schemas/ModerationVerdict-v1.avsc");
    Schema current = ModerationVerdict.getClassSchema();
    assertThat(
            SchemaCompatibility.checkReaderWriterCompatibility(v1, current).getType())
        .as("an old reader resolves a new verdict")
        .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
    ModerationVerdict v =
        ModerationVerdict.newBuilder(verdict()).setWorstFrameScores(Map.of("nsfw", 0.7f)).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    var encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<ModerationVerdict>(current).write(v, encoder);
    encoder.flush();
    byte[] body = out.toByteArray();

    GenericRecord asOld =
        new GenericDatumReader<GenericRecord>(current, v1)
            .read(null, DecoderFactory.get().binaryDecoder(body, null));

    assertThat(asOld.get("stream_id").toString()).isEqualTo("stream-7");
    assertThat(asOld.get("decision").toString()).isEqualTo("REVIEW");
    assertThat(asOld.getSchema().getField("worst_frame_scores")).isNull();
  }

  @Test
  void shippedOlderSchemasAreRegisteredAndDifferFromCurrent() throws Exception {
    AvroCodec<VideoSegment> codec = AvroCodec.videoSegments();
    Schema testCopy = testResourceSchema("old-schemas/VideoSegment-v1.avsc");
    assertThat(codec.olderSchemas()).hasSize(1);
    long shipped = SchemaNormalization.parsingFingerprint64(codec.olderSchemas().get(0));
    assertThat(shipped).isEqualTo(SchemaNormalization.parsingFingerprint64(testCopy));
    assertThat(shipped).isNotEqualTo(SchemaNormalization.parsingFingerprint64(codec.schema()));
    assertThat(AvroCodec.verdicts().olderSchemas())
        .extracting(SchemaNormalization::parsingFingerprint64)
        .containsExactly(
            SchemaNormalization.parsingFingerprint64(testResourceSchema("old-schemas/ModerationVerdict-v1.avsc")),
            SchemaNormalization.parsingFingerprint64(testResourceSchema("old-schemas/ModerationVerdict-v2.avsc")),
            SchemaNormalization.parsingFingerprint64(testResourceSchema("old-schemas/ModerationVerdict-v3.avsc")));
    assertThat(AvroCodec.deadLetters().olderSchemas()).isEmpty();
  }

  @Test
  void codecSurvivesJavaSerializationAfterUse() throws Exception {
    AvroCodec<VideoSegment> codec = AvroCodec.videoSegments();
    byte[] bytes = codec.encode(segment()); // initializes the transient encoder and decoder

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectOutputStream oos = new ObjectOutputStream(out)) {
      oos.writeObject(codec);
    }
    @SuppressWarnings("unchecked")
    AvroCodec<VideoSegment> copy =
        (AvroCodec<VideoSegment>)
            new ObjectInputStream(new ByteArrayInputStream(out.toByteArray())).readObject();

    assertThat(copy.decode(bytes)).isEqualTo(segment());
    assertThat(copy.recordClass()).isEqualTo(VideoSegment.class);
  }

  @Test
  void decodingTheWrongRecordTypeFails() {
    byte[] verdictBytes = AvroCodec.verdicts().encode(verdict());
    assertThat(decodeFailure(verdictBytes).reason()).isEqualTo(Reason.UNKNOWN_SCHEMA);
  }

  private static AvroDecodeException decodeFailure(byte[] bytes) {
    AvroDecodeException e =
        catchThrowableOfType(
            AvroDecodeException.class, () -> AvroCodec.videoSegments().decode(bytes));
    assertThat(e).as("decode should fail").isNotNull();
    return e;
  }

  private static byte[] encodeGeneric(Schema schema, GenericRecord record) {
    BinaryMessageEncoder<GenericRecord> encoder =
        new BinaryMessageEncoder<>(GenericData.get(), schema);
    try {
      ByteBuffer buffer = encoder.encode(record);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static Schema testResourceSchema(String resource) throws IOException {
    try (InputStream in = AvroCodecTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return new Schema.Parser().parse(in);
    }
  }
}
