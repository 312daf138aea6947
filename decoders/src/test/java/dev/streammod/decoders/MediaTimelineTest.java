package dev.streammod.decoders;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MediaTimelineTest {

  @Test
  void timestampsAreRelativeToTheFirstFrame() {
    MediaTimeline t = new MediaTimeline(25);
    assertThat(t.relative(1_400_000)).isZero();
    assertThat(t.relative(1_440_000)).isEqualTo(40_000);
    assertThat(t.relative(2_400_000)).isEqualTo(1_000_000);
  }

  @Test
  void jumpBackwardsContinuesOneFrameLater() {
    MediaTimeline t = new MediaTimeline(25);
    t.relative(95_000_000_000L);
    t.relative(95_000_040_000L);
    // A 33-bit MPEG-TS clock wrap: raw time falls back to near zero.
    assertThat(t.relative(10_000)).isEqualTo(80_000);
    assertThat(t.relative(50_000)).isEqualTo(120_000);
  }

  @Test
  void hugeJumpForwardIsADiscontinuity() {
    MediaTimeline t = new MediaTimeline(10);
    t.relative(0);
    assertThat(t.relative(3_600_000_000L)).isEqualTo(100_000);
  }

  @Test
  void estimatesFramesFromTheNominalRate() {
    MediaTimeline t = new MediaTimeline(15);
    assertThat(t.framesUpTo(0)).isEqualTo(1);
    assertThat(t.framesUpTo(1_000_000)).isEqualTo(16);
    assertThat(new MediaTimeline(90_000).framesUpTo(1_000_000)).isZero();
  }
}
