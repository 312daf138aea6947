package dev.streammod.pipeline.bench;

import dev.streammod.decoders.synthetic.SceneKind;
import dev.streammod.decoders.synthetic.SyntheticSegments;
import dev.streammod.pipeline.demo.SegmentKind;
import dev.streammod.pipeline.demo.SyntheticStreams;
import java.util.ArrayList;
import java.util.List;

/**
 * Real H.264 MPEG-TS segments encoded once by FFmpeg and reused under fresh stream ids and
 * sequence numbers, so that thousands of streams cost no encoding: moving neutral content, red
 * content the colour-statistics model flags, and corrupt copies.
 */
public final class SegmentPool {
  private final SyntheticStreams.Shape shape;
  private final byte[][] neutral;
  private final byte[][] red;
  private final byte[][] corrupt;

  /** Encodes {@code size} neutral segments, and half as many red and corrupt ones (at least one). */
  public SegmentPool(SyntheticStreams.Shape shape, int size) {
    if (size < 2) {
      throw new IllegalArgumentException("pool size must be >= 2, got " + size);
    }
    this.shape = shape;
    long frames = Math.round(shape.fps() * shape.segment().toMillis() / 1000.0);
    neutral = new byte[size][];
    red = new byte[Math.max(1, size / 2)][];
    corrupt = new byte[red.length][];
    for (int i = 0; i < neutral.length; i++) {
      neutral[i] = encode(SceneKind.NEUTRAL, i, i * frames);
    }
    for (int i = 0; i < red.length; i++) {
      red[i] = encode(SceneKind.RED, 100 + i, i * frames);
      corrupt[i] = SyntheticSegments.corrupt(neutral[i], 7 + i);
    }
  }

  private byte[] encode(SceneKind kind, long seed, long startFrame) {
    return SyntheticSegments.h264TransportStream(
        kind,
        shape.width(),
        shape.height(),
        shape.fps(),
        shape.segment().toMillis() / 1000.0,
        seed,
        startFrame);
  }

  public SyntheticStreams.Shape shape() {
    return shape;
  }

  /** The pooled bytes for segment {@code sequence} of stream {@code index}; shared, do not modify. */
  public byte[] payload(SegmentKind kind, int index, long sequence) {
    return switch (kind) {
      case NEUTRAL -> neutral[(int) ((index + sequence) % neutral.length)];
      case RED -> red[(int) ((index + sequence) % red.length)];
      case CORRUPT -> corrupt[(int) ((index + sequence) % corrupt.length)];
    };
  }

  /** The decodable segments in the proportion the demo plan publishes them (mostly neutral). */
  public List<byte[]> decodable() {
    List<byte[]> all = new ArrayList<>();
    for (byte[] n : neutral) {
      all.add(n);
    }
    all.add(red[0]);
    return all;
  }

  public long averageBytes() {
    long total = 0;
    for (byte[] n : neutral) {
      total += n.length;
    }
    return total / neutral.length;
  }
}
