package dev.streammod.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SegmentResultSerializerTest {
  private final TypeSerializer<SegmentResult> serializer =
      SegmentResultSerializer.typeInfo().createSerializer(new SerializerConfigImpl());

  private SegmentResult roundTrip(SegmentResult r) throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(64);
    serializer.serialize(r, out);
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    SegmentResult back = serializer.deserialize(in);
    assertThat(in.available()).as("every byte read").isZero();
    // copy(DataInputView, DataOutputView) writes the same bytes
    DataOutputSerializer copied = new DataOutputSerializer(64);
    serializer.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
    assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
    return back;
  }

  @Test
  void scoredResultsTravelWhole() throws Exception {
    Scored s =
        new Scored(
            new SegmentId("cam-7", 42, "video.segments", 3, 1234, 1_700_000_000_000L),
            new ModelRef("nsfw-mobilenet-v2", "1"),
            new SegmentScores(
                new String[] {"Neutral", "Porn"},
                new float[] {0.25f, 0.75f},
                2,
                new PolicyOutcome(Decision.REVIEW, "explicit-review", 1),
                2000,
                new float[] {0.3f, 0.7f}),
            true,
            17,
            160_000,
            new Timings(1.5, 2.5, 3.5, 4.5, 5.5, 20.25));
    assertThat(roundTrip(s)).isEqualTo(s);
    Scored withSecond =
        s.withSecond(
            new SecondOpinion(
                new ModelRef("nsfw-inception-v3", "1"),
                Cascade.Mode.CONFIRM,
                Decision.REVIEW,
                Cascade.DecidedBy.DISAGREEMENT,
                "default-allow",
                1,
                1,
                new String[] {"Neutral", "Porn"},
                new float[] {0.9f, 0.1f},
                12.5,
                null));
    assertThat(roundTrip(withSecond)).isEqualTo(withSecond);
    Scored withEvidence = withSecond.withEvidence(new Evidence(new byte[] {(byte) 0xFF, (byte) 0xD8, 1}, null, 160, 90, 2000, null));
    assertThat(roundTrip(withEvidence)).isEqualTo(withEvidence);
    Scored noEvidence = s.withEvidence(Evidence.failed("refused"));
    assertThat(roundTrip(noEvidence)).isEqualTo(noEvidence);
  }

  @Test
  void failedResultsKeepTheRecordAndLongMessages() throws Exception {
    Failed f =
        new Failed(
            new SegmentId("unkeyed/video.segments-0@9", -1, "video.segments", 0, 9, 5),
            new ModelRef("colour-stats", "1"),
            Stage.DECODE,
            ErrorCode.CORRUPT_CONTAINER,
            "x".repeat(70_000),
            null,
            new byte[] {1, 2, 3},
            0,
            Timings.NONE);
    assertThat(roundTrip(f)).isEqualTo(f);
  }

  @Test
  void theSnapshotRestoresTheSameSerializer() {
    TypeSerializerSnapshot<SegmentResult> snapshot = serializer.snapshotConfiguration();
    assertThat(snapshot.restoreSerializer()).isSameAs(SegmentResultSerializer.INSTANCE);
    assertThat(serializer.isImmutableType()).isTrue();
  }
}
