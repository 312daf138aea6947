package dev.streammod.decoders;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FrameSelectorTest {

  @Test
  void fixedRateKeepsFirstFrameAtOrAfterEachBoundary() {
    // 15 fps source, 2 fps sampling: boundaries 0, 0.5, 1.0, 1.5 s.
    assertThat(select(SamplingPolicy.fixedRate(2), frames(15, 30)))
        .containsExactly(0L, 533_333L, 1_000_000L, 1_533_333L);
  }

  @Test
  void fixedRateAtOrAboveSourceRateKeepsEveryFrame() {
    assertThat(select(SamplingPolicy.fixedRate(30), frames(15, 10))).hasSize(10);
  }

  @Test
  void timestampRoundedJustBelowABoundaryCountsAsOnIt() {
    assertThat(select(SamplingPolicy.fixedRate(1), List.of(0L, 999_999L, 1_999_600L)))
        .containsExactly(0L, 999_999L, 1_999_600L);
  }

  @Test
  void gapOverSeveralBoundariesKeepsOneFrameAndStaysOnTheGrid() {
    assertThat(select(SamplingPolicy.fixedRate(2), List.of(0L, 1_700_000L, 1_800_000L, 2_000_000L)))
        .containsExactly(0L, 1_700_000L, 2_000_000L);
  }

  @Test
  void keyframesKeepsEveryFrameTheDecoderReturns() {
    assertThat(select(SamplingPolicy.keyframes(), List.of(0L, 1_000_000L))).hasSize(2);
  }

  private static List<Long> frames(double fps, int count) {
    List<Long> ts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ts.add((long) (i * 1_000_000L / fps));
    }
    return ts;
  }

  private static List<Long> select(SamplingPolicy policy, List<Long> timestamps) {
    FrameSelector selector = FrameSelector.of(policy);
    List<Long> kept = new ArrayList<>();
    for (long t : timestamps) {
      if (selector.accept(t, false)) {
        kept.add(t);
      }
    }
    return kept;
  }
}
