package dev.streammod.pipeline.job;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.streammod.connectors.avro.Decision;
import dev.streammod.pipeline.moderation.Cascade;
import dev.streammod.pipeline.moderation.ErrorCode;
import dev.streammod.pipeline.moderation.Evidence;
import dev.streammod.pipeline.moderation.SegmentResult;
import dev.streammod.pipeline.moderation.SegmentResult.Failed;
import dev.streammod.pipeline.moderation.SegmentResult.ModelRef;
import dev.streammod.pipeline.moderation.SegmentResult.Scored;
import dev.streammod.pipeline.moderation.SegmentResult.SegmentId;
import dev.streammod.pipeline.moderation.SegmentResult.Timings;
import dev.streammod.pipeline.moderation.SecondOpinion;
import dev.streammod.pipeline.moderation.SegmentScores;
import dev.streammod.pipeline.moderation.Stage;
import dev.streammod.pipeline.policy.PolicyOutcome;
import java.io.IOException;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes a {@link SegmentResult} between the moderate and policy operators: a tag byte for its
 * kind, then its fields in a fixed order, enums by name. Results are immutable, so copies are the
 * same object. Results never go into state; the snapshot exists because Flink asks every serializer
 * for one.
 */
public final class SegmentResultSerializer extends TypeSerializerSingleton<SegmentResult> {
  private static final long serialVersionUID = 1L;
  public static final SegmentResultSerializer INSTANCE = new SegmentResultSerializer();

  private static final byte SCORED = 1;
  private static final byte FAILED = 2;

  /** The type information that hands Flink this serializer. */
  public static TypeInformation<SegmentResult> typeInfo() {
    return new Info();
  }

  @Override
  public boolean isImmutableType() {
    return true;
  }

  @Override
  public SegmentResult createInstance() {
    return null;
  }

  @Override
  public SegmentResult copy(SegmentResult from) {
    return from;
  }

  @Override
  public SegmentResult copy(SegmentResult from, SegmentResult reuse) {
    return from;
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(SegmentResult r, DataOutputView out) throws IOException {
    if (r instanceof Scored s) {
      out.writeByte(SCORED);
      writeCommon(s, out);
      SegmentScores sc = s.scores();
      out.writeInt(sc.labels().length);
      for (int l = 0; l < sc.labels().length; l++) {
        out.writeUTF(sc.labels()[l]);
        out.writeFloat(sc.max()[l]);
        out.writeFloat(sc.worstFrameScores()[l]);
      }
      out.writeInt(sc.frames());
      PolicyOutcome o = sc.outcome();
      out.writeUTF(o.decision().name());
      out.writeUTF(o.rule());
      out.writeInt(o.frame());
      out.writeLong(sc.worstFrameOffsetMs());
      out.writeBoolean(s.degraded());
      out.writeInt(s.batchSize());
      writeSecond(s.second(), out);
      writeEvidence(s.evidence(), out);
    } else {
      Failed f = (Failed) r;
      out.writeByte(FAILED);
      writeCommon(f, out);
      out.writeUTF(f.stage().name());
      out.writeUTF(f.code().name());
      writeString(f.message(), out);
      writeBytes(f.key(), out);
      writeBytes(f.value(), out);
    }
  }

  @Override
  public SegmentResult deserialize(DataInputView in) throws IOException {
    byte tag = in.readByte();
    SegmentId id = new SegmentId(readString(in), in.readLong(), readString(in), in.readInt(), in.readLong(), in.readLong());
    ModelRef model = new ModelRef(in.readUTF(), in.readUTF());
    long fetchedBytes = in.readLong();
    Timings t =
        new Timings(
            in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble());
    if (tag == SCORED) {
      int n = in.readInt();
      String[] labels = new String[n];
      float[] max = new float[n];
      float[] worst = new float[n];
      for (int l = 0; l < n; l++) {
        labels[l] = in.readUTF();
        max[l] = in.readFloat();
        worst[l] = in.readFloat();
      }
      int frames = in.readInt();
      PolicyOutcome o = new PolicyOutcome(Decision.valueOf(in.readUTF()), in.readUTF(), in.readInt());
      SegmentScores scores = new SegmentScores(labels, max, frames, o, in.readLong(), worst);
      boolean degraded = in.readBoolean();
      int batchSize = in.readInt();
      SecondOpinion second = readSecond(in);
      return new Scored(id, model, scores, degraded, batchSize, fetchedBytes, t, second, readEvidence(in));
    }
    if (tag != FAILED) {
      throw new IOException("not a segment result: tag " + tag);
    }
    Stage stage = Stage.valueOf(in.readUTF());
    ErrorCode code = ErrorCode.valueOf(in.readUTF());
    return new Failed(id, model, stage, code, readString(in), readBytes(in), readBytes(in), fetchedBytes, t);
  }

  @Override
  public SegmentResult deserialize(SegmentResult reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  private static void writeSecond(SecondOpinion o, DataOutputView out) throws IOException {
    out.writeBoolean(o != null);
    if (o == null) {
      return;
    }
    out.writeUTF(o.model().name());
    out.writeUTF(o.model().version());
    out.writeUTF(o.mode().name());
    out.writeUTF(o.decision().name());
    out.writeUTF(o.decidedBy().name());
    writeString(o.rule(), out);
    out.writeInt(o.framesAsked());
    out.writeInt(o.frame());
    out.writeInt(o.labels().length);
    for (int l = 0; l < o.labels().length; l++) {
      out.writeUTF(o.labels()[l]);
      out.writeFloat(o.scores()[l]);
    }
    out.writeDouble(o.millis());
    writeString(o.error(), out);
  }

  private static SecondOpinion readSecond(DataInputView in) throws IOException {
    if (!in.readBoolean()) {
      return null;
    }
    ModelRef model = new ModelRef(in.readUTF(), in.readUTF());
    Cascade.Mode mode = Cascade.Mode.valueOf(in.readUTF());
    Decision decision = Decision.valueOf(in.readUTF());
    Cascade.DecidedBy by = Cascade.DecidedBy.valueOf(in.readUTF());
    String rule = readString(in);
    int asked = in.readInt();
    int frame = in.readInt();
    int n = in.readInt();
    String[] labels = new String[n];
    float[] scores = new float[n];
    for (int l = 0; l < n; l++) {
      labels[l] = in.readUTF();
      scores[l] = in.readFloat();
    }
    return new SecondOpinion(model, mode, decision, by, rule, asked, frame, labels, scores, in.readDouble(), readString(in));
  }

  private static void writeEvidence(Evidence e, DataOutputView out) throws IOException {
    out.writeBoolean(e != null);
    if (e == null) {
      return;
    }
    writeBytes(e.jpeg(), out);
    writeString(e.uri(), out);
    out.writeInt(e.width());
    out.writeInt(e.height());
    out.writeLong(e.frameMs());
    writeString(e.error(), out);
  }

  private static Evidence readEvidence(DataInputView in) throws IOException {
    if (!in.readBoolean()) {
      return null;
    }
    return new Evidence(readBytes(in), readString(in), in.readInt(), in.readInt(), in.readLong(), readString(in));
  }

  private static void writeCommon(SegmentResult r, DataOutputView out) throws IOException {
    SegmentId id = r.id();
    writeString(id.streamId(), out);
    out.writeLong(id.sequence());
    writeString(id.topic(), out);
    out.writeInt(id.partition());
    out.writeLong(id.offset());
    out.writeLong(id.ingestTimestampMs());
    out.writeUTF(r.model().name());
    out.writeUTF(r.model().version());
    out.writeLong(r.fetchedBytes());
    Timings t = r.timings();
    out.writeDouble(t.waitMs());
    out.writeDouble(t.fetchMs());
    out.writeDouble(t.decodeMs());
    out.writeDouble(t.queueMs());
    out.writeDouble(t.inferMs());
    out.writeDouble(t.totalMs());
  }

  /** Strings of any length (writeUTF stops at 64 KiB, and error messages may quote more). */
  private static void writeString(String s, DataOutputView out) throws IOException {
    writeBytes(s == null ? null : s.getBytes(UTF_8), out);
  }

  private static String readString(DataInputView in) throws IOException {
    byte[] b = readBytes(in);
    return b == null ? null : new String(b, UTF_8);
  }

  private static void writeBytes(byte[] b, DataOutputView out) throws IOException {
    if (b == null) {
      out.writeInt(-1);
    } else {
      out.writeInt(b.length);
      out.write(b);
    }
  }

  private static byte[] readBytes(DataInputView in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }

  @Override
  public TypeSerializerSnapshot<SegmentResult> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Restores this serializer; read by Flink reflectively, hence public with no arguments. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<SegmentResult> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }

  private static final class Info extends TypeInformation<SegmentResult> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean isBasicType() {
      return false;
    }

    @Override
    public boolean isTupleType() {
      return false;
    }

    @Override
    public int getArity() {
      return 1;
    }

    @Override
    public int getTotalFields() {
      return 1;
    }

    @Override
    public Class<SegmentResult> getTypeClass() {
      return SegmentResult.class;
    }

    @Override
    public boolean isKeyType() {
      return false;
    }

    @Override
    public TypeSerializer<SegmentResult> createSerializer(SerializerConfig config) {
      return INSTANCE;
    }

    @Override
    public String toString() {
      return "SegmentResult";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Info;
    }

    @Override
    public int hashCode() {
      return Info.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
      return o instanceof Info;
    }
  }
}
