package dev.streammod.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streammod.connectors.avro.Decision;
import dev.streammod.pipeline.policy.Escalation;
import dev.streammod.pipeline.policy.EscalationState;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EscalationStateSerializerTest {
  private final EscalationStateSerializer serializer = EscalationStateSerializer.INSTANCE;

  /** The state the saved bytes hold: REVIEW #40, BLOCK #41, ALLOW #42; held since #41, 1 clean. */
  private static EscalationState saved() {
    Escalation e = Escalation.on(5, 3, 3, Decision.REVIEW);
    EscalationState s = new EscalationState(5);
    s.apply(e, Decision.REVIEW, 40);
    s.apply(e, Decision.BLOCK, 41);
    s.apply(e, Decision.ALLOW, 42);
    return s;
  }

  @Test
  void bytesWrittenByTheFirstVersionStillRead() throws Exception {
    byte[] v1;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("state/escalation-state-v1.bin")) {
      assertThat(in).isNotNull();
      v1 = in.readAllBytes();
    }
    EscalationState read = serializer.deserialize(new DataInputDeserializer(v1));

    assertThat(read).isEqualTo(saved());
    assertThat(read.capacity()).isEqualTo(5);
    assertThat(read.decisionsOldestFirst()).containsExactly(Decision.REVIEW, Decision.BLOCK, Decision.ALLOW);
    assertThat(read.sequencesOldestFirst()).containsExactly(40, 41, 42);
    assertThat(read.held()).isTrue();
    assertThat(read.heldSince()).isEqualTo(41);
    assertThat(read.clean()).isEqualTo(1);
    assertThat(write(saved())).as("the current format is still version 1").isEqualTo(v1);
  }

  @Test
  void aFullRingTravelsWholeAndKeepsItsOrder() throws Exception {
    Escalation e = Escalation.on(3, 3, 0, Decision.REVIEW);
    EscalationState s = new EscalationState(3);
    for (long seq = 0; seq < 7; seq++) {
      s.apply(e, seq % 3 == 0 ? Decision.REVIEW : Decision.ALLOW, seq);
    }
    EscalationState copy = serializer.deserialize(new DataInputDeserializer(write(s)));
    assertThat(copy).isEqualTo(s);
    assertThat(copy.sequencesOldestFirst()).containsExactly(4, 5, 6);
    assertThat(serializer.copy(s)).isEqualTo(s).isNotSameAs(s);
  }

  @Test
  void anUnknownVersionIsRefusedWithBothVersionsNamed() {
    assertThatThrownBy(() -> serializer.deserialize(new DataInputDeserializer(new byte[] {9, 0, 1, 0, 0})))
        .hasMessageContaining("format version 9")
        .hasMessageContaining("reads version 1");
  }

  private byte[] write(EscalationState s) throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(64);
    serializer.serialize(s, out);
    return out.getCopyOfBuffer();
  }
}
