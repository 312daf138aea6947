package dev.streammod.pipeline.moderation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streammod.decoders.synthetic.SceneKind;
import dev.streammod.decoders.synthetic.SyntheticSegments;
import dev.streammod.models.testing.ColourStatsModel;
import dev.streammod.pipeline.config.JobSettings;
import dev.streammod.pipeline.config.SettingsLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A slot's moderation built from the job's settings: it moderates, closes once, and says so after. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ModerationSpecTest {
  @TempDir Path repository;

  private ModerationSpec spec() {
    ColourStatsModel.write(repository, 64, 64);
    JobSettings s =
        SettingsLoader.loadText(
            "", "test", Map.of("model.repository", repository.toString(), "model.name", ColourStatsModel.NAME));
    return new ModerationSpec(s.model(), s.decoder(), s.batching(), s.fetch(), s.policy(), s.cascade(), null, 4, 10_000);
  }

  @Test
  void opensModeratesAndClosesIdempotently() throws Exception {
    ExecutorService completion = Executors.newSingleThreadExecutor();
    try {
      SegmentModeration m = spec().open(new SegmentModeration.Slot(3, "moderate (4/8)", completion));
      byte[] red = SyntheticSegments.h264TransportStream(SceneKind.RED, 320, 240, 15, 2.0, 1, 0);
      SegmentResult r =
          m.moderate(TestSegments.record("a", 0, red, null, System.currentTimeMillis()))
              .result()
              .get(30, TimeUnit.SECONDS);
      assertThat(r).as("%s", r).isInstanceOf(SegmentResult.Scored.class);
      assertThat(((SegmentResult.Scored) r).scores().topLabel()).isEqualTo("red");

      m.close();
      m.close();
      assertThat(m.admitted()).isZero();
      assertThat(m.queuedFrames()).isZero();
      assertThatThrownBy(() -> m.moderate(TestSegments.record("a", 1, red, null, 0)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
    } finally {
      completion.shutdownNow();
    }
  }

  @Test
  void aBoundOrTimeoutBelowOneIsRefused() {
    ModerationSpec s = spec();
    assertThatThrownBy(
            () -> new ModerationSpec(s.model(), s.decoder(), s.batching(), s.fetch(), s.policy(), s.cascade(), null, 0, 1))
        .hasMessageContaining("inFlight and timeoutMs must be >= 1, got 0 and 1");
  }
}
