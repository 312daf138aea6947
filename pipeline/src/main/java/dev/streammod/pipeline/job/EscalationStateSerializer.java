package dev.streammod.pipeline.job;

import dev.streammod.connectors.avro.Decision;
import dev.streammod.pipeline.policy.EscalationState;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes a stream's {@link EscalationState} into checkpoints. Every value starts with its format
 * version, so a new format can be added while values written in older ones stay readable: the
 * bytes of version 1 are kept in the tests ({@code state/escalation-state-v1.bin}) and must keep
 * reading. Version 1: capacity (short), count (short), then per segment, oldest first, the decision
 * (byte: 0 ALLOW, 1 REVIEW, 2 BLOCK) and the sequence (long); held (boolean), the sequence that
 * started the hold (long), clean segments since (int).
 */
public final class EscalationStateSerializer extends TypeSerializerSingleton<EscalationState> {
  private static final long serialVersionUID = 1L;
  public static final EscalationStateSerializer INSTANCE = new EscalationStateSerializer();

  static final byte VERSION_1 = 1;
  private static final Decision[] CODES = {Decision.ALLOW, Decision.REVIEW, Decision.BLOCK};

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public EscalationState createInstance() {
    return new EscalationState(1);
  }

  @Override
  public EscalationState copy(EscalationState from) {
    return EscalationState.restore(
        from.capacity(),
        from.decisionsOldestFirst(),
        from.sequencesOldestFirst(),
        from.held(),
        from.heldSince(),
        from.clean());
  }

  @Override
  public EscalationState copy(EscalationState from, EscalationState reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(EscalationState s, DataOutputView out) throws IOException {
    Decision[] decisions = s.decisionsOldestFirst();
    long[] sequences = s.sequencesOldestFirst();
    out.writeByte(VERSION_1);
    out.writeShort(s.capacity());
    out.writeShort(decisions.length);
    for (int i = 0; i < decisions.length; i++) {
      out.writeByte(code(decisions[i]));
      out.writeLong(sequences[i]);
    }
    out.writeBoolean(s.held());
    out.writeLong(s.heldSince());
    out.writeInt(s.clean());
  }

  @Override
  public EscalationState deserialize(DataInputView in) throws IOException {
    byte version = in.readByte();
    if (version != VERSION_1) {
      throw new IOException(
          "escalation state written in format version " + version + ", this job reads version " + VERSION_1);
    }
    int capacity = in.readShort();
    int count = in.readShort();
    if (count < 0 || count > capacity) {
      throw new IOException("escalation state holds " + count + " segments for a capacity of " + capacity);
    }
    Decision[] decisions = new Decision[count];
    long[] sequences = new long[count];
    for (int i = 0; i < count; i++) {
      byte c = in.readByte();
      if (c < 0 || c >= CODES.length) {
        throw new IOException("escalation state has an unknown decision code " + c);
      }
      decisions[i] = CODES[c];
      sequences[i] = in.readLong();
    }
    boolean held = in.readBoolean();
    long heldSince = in.readLong();
    int clean = in.readInt();
    return EscalationState.restore(capacity, decisions, sequences, held, heldSince, clean);
  }

  @Override
  public EscalationState deserialize(EscalationState reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  private static byte code(Decision d) {
    for (byte c = 0; c < CODES.length; c++) {
      if (CODES[c] == d) {
        return c;
      }
    }
    throw new IllegalArgumentException("a stream's history holds no " + d + " segments");
  }

  @Override
  public TypeSerializerSnapshot<EscalationState> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Restores this serializer; read by Flink reflectively, hence public with no arguments. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<EscalationState> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
