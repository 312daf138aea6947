package dev.streammod.pipeline.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streammod.connectors.avro.Decision;
import dev.streammod.pipeline.policy.EscalationState.Escalated;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EscalationTest {
  private static final List<String> LABELS = List.of("Drawing", "Hentai", "Neutral", "Porn", "Sexy");
  private static final Policy.Bound RULES = Policy.defaultFor("nsfw-mobilenet-v2").bind(LABELS, "nsfw-mobilenet-v2");

  private static float[] frame(float porn) {
    return new float[] {0f, 0f, 1f - porn, porn, 0f};
  }

  /** Decisions of a stream whose single frame per segment scores {@code porn[i]}. */
  private static List<Escalated> run(Escalation e, float... porn) {
    EscalationState state = new EscalationState(e.window());
    List<Escalated> out = new ArrayList<>();
    for (int seq = 0; seq < porn.length; seq++) {
      Decision frames = RULES.evaluateFrame(frame(porn[seq])).decision();
      out.add(e.enabled() ? state.apply(e, frames, seq) : Escalated.unchanged(frames));
    }
    return out;
  }

  private static int flips(List<Escalated> decisions) {
    int flips = 0;
    for (int i = 1; i < decisions.size(); i++) {
      flips += decisions.get(i).decision() != decisions.get(i - 1).decision() ? 1 : 0;
    }
    return flips;
  }

  @Test
  void aStreamFlickeringAroundTheBlockThresholdFlipsFarLessAndNoFrameBlockIsLetThrough() {
    // Porn just above and below explicit-block's 0.8, and now and then well below.
    float[] porn = new float[60];
    for (int i = 0; i < porn.length; i++) {
      porn[i] = i % 2 == 0 ? 0.81f : (i % 7 == 0 ? 0.1f : 0.79f);
    }
    List<Escalated> plain = run(Escalation.off(), porn);
    List<Escalated> escalated = run(Escalation.on(5, 3, 3, Decision.BLOCK), porn);

    assertThat(flips(plain)).isEqualTo(59);
    assertThat(flips(escalated)).as("flips with escalation").isLessThanOrEqualTo(flips(plain) / 10);
    for (int i = 0; i < porn.length; i++) {
      if (plain.get(i).decision() == Decision.BLOCK) {
        assertThat(escalated.get(i).decision()).as("segment %d", i).isEqualTo(Decision.BLOCK);
      }
    }
  }

  @Test
  void flaggedSegmentsInTheWindowRaiseTheDecisionAndNameTheSegments() {
    // REVIEW (0.6), ALLOW, REVIEW, ALLOW, REVIEW: the fifth segment is the third flagged in five.
    List<Escalated> d = run(Escalation.on(5, 3, 0, Decision.BLOCK), 0.6f, 0.1f, 0.6f, 0.1f, 0.6f, 0.1f);
    assertThat(d.subList(0, 4)).extracting(Escalated::escalated).containsOnly(false);
    assertThat(d.get(4).decision()).isEqualTo(Decision.BLOCK);
    assertThat(d.get(4).sequences()).containsExactly(0, 2, 4);
    assertThat(d.get(4).reason()).contains("3 of the stream's last 5 segments");
    assertThat(d.get(5).decision()).as("two flagged in the last five: no longer").isEqualTo(Decision.ALLOW);
  }

  @Test
  void aBlockedStreamNeedsCleanSegmentsInARowBeforeItReadsAllowAgain() {
    List<Escalated> d = run(Escalation.on(5, 5, 3, Decision.REVIEW), 0.9f, 0.1f, 0.1f, 0.6f, 0.1f, 0.1f, 0.1f, 0.1f);
    assertThat(d).extracting(Escalated::decision)
        .containsExactly(
            Decision.BLOCK, // by its frame: the hold starts
            Decision.REVIEW, // clean 1 of 3
            Decision.REVIEW, // clean 2 of 3
            Decision.REVIEW, // REVIEW by its frame: the count starts again
            Decision.REVIEW, // clean 1
            Decision.REVIEW, // clean 2
            Decision.ALLOW, // clean 3: released
            Decision.ALLOW);
    assertThat(d.get(1).reason()).contains("segment 0").contains("1 of 3 clean");
    assertThat(d.get(1).sequences()).containsExactly(0);
    assertThat(d.get(3).escalated()).as("a REVIEW by its frames is not raised to REVIEW").isFalse();
  }

  @Test
  void escalationNeverLowersAndErrorsChangeNothing() {
    Escalation e = Escalation.on(3, 1, 2, Decision.REVIEW);
    EscalationState state = new EscalationState(3);
    assertThat(state.apply(e, Decision.BLOCK, 0).decision()).isEqualTo(Decision.BLOCK);
    assertThat(state.apply(e, Decision.ERROR, 1)).isEqualTo(Escalated.unchanged(Decision.ERROR));
    String before = state.toString();
    state.apply(e, Decision.ERROR, 2);
    assertThat(state).hasToString(before);
    assertThat(state.apply(e, Decision.BLOCK, 3).decision()).isEqualTo(Decision.BLOCK);
  }

  @Test
  void badSettingsAreRefusedWithTheKeyAndValue() {
    assertThatThrownBy(() -> new Escalation(true, 0, null, null, null, null))
        .hasMessage("policy.escalation.window must be in [1, 64], got 0");
    assertThatThrownBy(() -> new Escalation(true, 4, 5, null, null, null))
        .hasMessage("policy.escalation.flagged must be in [1, policy.escalation.window (4)], got 5");
    assertThatThrownBy(() -> new Escalation(true, null, null, -1, null, null))
        .hasMessageContaining("policy.escalation.clear-after must be in [0, 10000], got -1");
    assertThatThrownBy(() -> new Escalation(true, null, null, null, Decision.ALLOW, null))
        .hasMessage("policy.escalation.decision must be REVIEW or BLOCK, got ALLOW");
    assertThatThrownBy(() -> new Escalation(true, null, null, null, null, 10L))
        .hasMessage("policy.escalation.state-ttl-ms must be >= 1000, got 10");
    Escalation defaults = new Escalation(true, null, null, null, null, null);
    assertThat(defaults).isEqualTo(new Escalation(true, 5, 3, 3, Decision.REVIEW, 3_600_000L));
    assertThat(Escalation.off().enabled()).isFalse();
  }

  @Test
  void escalationIsReadFromAPolicyFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("p.yaml");
    java.nio.file.Files.writeString(
        file,
        "rules:\n  - {name: b, labels: [Porn], threshold: 0.8, decision: BLOCK}\n"
            + "escalation: {enabled: true, window: 4, flagged: 2, clear-after: 1, decision: BLOCK}\n");
    assertThat(Policy.read(file).escalation()).isEqualTo(new Escalation(true, 4, 2, 1, Decision.BLOCK, null));
    java.nio.file.Files.writeString(
        file, "rules:\n  - {name: b, labels: [Porn], threshold: 0.8, decision: BLOCK}\nescalation: {window: 99}\n");
    assertThatThrownBy(() -> Policy.read(file)).hasMessageContaining("policy.escalation.window must be in [1, 64], got 99");
  }
}
