package dev.streammod.decoders;

import static dev.streammod.decoders.TestSegments.colourAt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.decoders.synthetic.ContainerFormat;
import dev.streammod.decoders.synthetic.EncodedSegment;
import dev.streammod.decoders.synthetic.SegmentSpec;
import dev.streammod.decoders.synthetic.SyntheticSegments;
import dev.streammod.decoders.synthetic.TestPattern;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Aspect handling on pictures of known geometry. The 16:9 source is {@link
 * TestPattern#CENTER_SQUARE}: a green square 180 px wide in the middle of 320x180, red bars of 70 px
 * left and right. Output is 224x224.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AspectModeTest {

  private static final EncodedSegment LANDSCAPE = square(320, 180, 0);
  private static final EncodedSegment PORTRAIT = square(180, 320, 0);

  private static EncodedSegment square(int width, int height, int rotation) {
    return SyntheticSegments.encode(
        SegmentSpec.builder()
            .pattern(TestPattern.CENTER_SQUARE)
            .size(width, height)
            .seconds(0.2)
            .container(rotation == 0 ? ContainerFormat.MPEGTS : ContainerFormat.MP4)
            .rotationDegrees(rotation)
            .build());
  }

  private static DecodedFrames decode(EncodedSegment segment, AspectMode aspect) {
    DecodeResult r =
        new SegmentDecoder(DecoderSettings.builder().size(224, 224).aspect(aspect).build())
            .decode(segment.initSegment(), segment.payload(), segment.containerHint());
    assertThat(r).isInstanceOf(DecodedFrames.class);
    return (DecodedFrames) r;
  }

  @Test
  void stretchFillsTheOutputAndDistorts() {
    DecodedFrames f = decode(LANDSCAPE, AspectMode.STRETCH);
    // 70 of 320 columns are red on each side: 49 of 224.
    assertThat(colourAt(f, 0, 20, 112)).isEqualTo('R');
    assertThat(colourAt(f, 0, 112, 112)).isEqualTo('G');
    assertThat(colourAt(f, 0, 203, 112)).isEqualTo('R');
    assertThat(colourAt(f, 0, 112, 2)).isEqualTo('G');
    assertThat(colourAt(f, 0, 112, 221)).isEqualTo('G');
    assertThat(greenColumns(f, 112)).isBetween(124, 128); // 180/320*224 = 126
  }

  @Test
  void letterboxKeepsTheShapeAndPadsBlack() {
    DecodedFrames f = decode(LANDSCAPE, AspectMode.LETTERBOX);
    // 320x180 fits as 224x126, 49 black rows above and below.
    for (int x = 0; x < 224; x += 37) {
      assertThat(TestSegments.pixel(f, 0, x, 48)).containsExactly(0, 0, 0);
      assertThat(TestSegments.pixel(f, 0, x, 175)).containsExactly(0, 0, 0);
      assertThat(colourAt(f, 0, x, 50)).isNotEqualTo('K');
      assertThat(colourAt(f, 0, x, 173)).isNotEqualTo('K');
    }
    assertThat(colourAt(f, 0, 112, 112)).isEqualTo('G');
    assertThat(colourAt(f, 0, 20, 112)).isEqualTo('R');
    assertThat(colourAt(f, 0, 203, 112)).isEqualTo('R');
    // The square stays square: 126 green columns for 126 content rows.
    assertThat(greenColumns(f, 112)).isBetween(124, 128);
  }

  @Test
  void letterboxPadsLeftAndRightForPortrait() {
    DecodedFrames f = decode(PORTRAIT, AspectMode.LETTERBOX);
    assertThat(TestSegments.pixel(f, 0, 48, 112)).containsExactly(0, 0, 0);
    assertThat(TestSegments.pixel(f, 0, 175, 112)).containsExactly(0, 0, 0);
    assertThat(colourAt(f, 0, 112, 112)).isEqualTo('G');
    assertThat(colourAt(f, 0, 112, 20)).isEqualTo('B');
    assertThat(colourAt(f, 0, 112, 203)).isEqualTo('B');
  }

  @Test
  void centerCropKeepsTheShapeAndCutsTheSides() {
    DecodedFrames f = decode(LANDSCAPE, AspectMode.CENTER_CROP);
    // Only the centre 180x180 remains: the green square, corner to corner, no red at all.
    for (int[] p : new int[][] {{1, 1}, {222, 1}, {1, 222}, {222, 222}, {112, 112}}) {
      assertThat(colourAt(f, 0, p[0], p[1])).as("pixel %d,%d", p[0], p[1]).isEqualTo('G');
    }
    assertThat(TestSegments.meanRgb(f, 0)[0]).isLessThan(0.03);
  }

  @Test
  void centerCropOfPortraitCutsTopAndBottom() {
    DecodedFrames f = decode(PORTRAIT, AspectMode.CENTER_CROP);
    assertThat(colourAt(f, 0, 112, 1)).isEqualTo('G');
    assertThat(colourAt(f, 0, 112, 222)).isEqualTo('G');
    assertThat(TestSegments.meanRgb(f, 0)[2]).isLessThan(0.03);
  }

  @Test
  void aspectIsThatOfTheUprightPicture() {
    // A 320x180 picture turned 90 degrees by its display matrix is 180x320 upright: letterboxing
    // pads left and right, and the bars (red in the coded picture) end up above and below.
    DecodedFrames f = decode(square(320, 180, 90), AspectMode.LETTERBOX);
    assertThat(f.rotationDegrees()).isEqualTo(90);
    assertThat(TestSegments.pixel(f, 0, 48, 112)).containsExactly(0, 0, 0);
    assertThat(TestSegments.pixel(f, 0, 175, 112)).containsExactly(0, 0, 0);
    assertThat(colourAt(f, 0, 112, 112)).isEqualTo('G');
    assertThat(colourAt(f, 0, 112, 20)).isEqualTo('R');
    assertThat(colourAt(f, 0, 112, 203)).isEqualTo('R');
  }

  @Test
  void geometryArithmetic() {
    FrameGeometry box = FrameGeometry.of(1920, 1080, 1, 224, 224, AspectMode.LETTERBOX, false);
    assertThat(box).isEqualTo(new FrameGeometry(0, 0, 1920, 1080, 224, 126, 0, 49, 224, 224));
    FrameGeometry crop = FrameGeometry.of(1920, 1080, 1, 224, 224, AspectMode.CENTER_CROP, false);
    assertThat(crop).isEqualTo(new FrameGeometry(420, 0, 1080, 1080, 224, 224, 0, 0, 224, 224));
    FrameGeometry stretch = FrameGeometry.of(1920, 1080, 1, 224, 224, AspectMode.STRETCH, false);
    assertThat(stretch).isEqualTo(new FrameGeometry(0, 0, 1920, 1080, 224, 224, 0, 0, 224, 224));
    // Anamorphic 1440x1080 with 4:3 pixels is 16:9 on screen.
    assertThat(FrameGeometry.of(1440, 1080, 4.0 / 3, 224, 224, AspectMode.LETTERBOX, false))
        .isEqualTo(new FrameGeometry(0, 0, 1440, 1080, 224, 126, 0, 49, 224, 224));
    // Turned by 90 degrees afterwards: the canvas is the transposed output.
    assertThat(FrameGeometry.of(1920, 1080, 1, 320, 160, AspectMode.LETTERBOX, true))
        .isEqualTo(new FrameGeometry(0, 0, 1920, 1080, 160, 90, 0, 115, 160, 320));
  }

  private static int greenColumns(DecodedFrames f, int row) {
    int n = 0;
    for (int x = 0; x < f.width(); x++) {
      if (colourAt(f, 0, x, row) == 'G') {
        n++;
      }
    }
    return n;
  }
}
