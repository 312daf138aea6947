package dev.streammod.cli.demo;

import dev.streammod.decoders.synthetic.SceneKind;
import dev.streammod.decoders.synthetic.SyntheticSegments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Real H.264 MPEG-TS segments encoded once by FFmpeg and reused under fresh stream ids and
 * sequence numbers, so that thousands of streams cost no encoding: moving neutral content, red
 * content the colour-statistics model flags, and corrupt copies. The demo's {@link
 * SyntheticStreams} and the bench's load generator publish from one. {@link #writeTo} also puts
 * them in files, for segments published by reference.
 */
public final class SegmentPool {
  private final SyntheticStreams.Shape shape;
  private final byte[][] neutral;
  private final byte[][] red;
  private final byte[][] corrupt;
  private String[] neutralUris;
  private String[] redUris;
  private String[] corruptUris;

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

  /**
   * Writes every pooled segment to a file in {@code dir} (created if missing), after which {@link
   * #uri} names them. Returns {@code dir}.
   */
  public Path writeTo(Path dir) {
    try {
      Files.createDirectories(dir);
      neutralUris = write(dir, "neutral", neutral);
      redUris = write(dir, "red", red);
      corruptUris = write(dir, "corrupt", corrupt);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the pooled segments to " + dir, e);
    }
  }

  private static String[] write(Path dir, String name, byte[][] segments) throws IOException {
    String[] uris = new String[segments.length];
    for (int i = 0; i < segments.length; i++) {
      Path file = dir.resolve(name + "-" + i + ".ts");
      Files.write(file, segments[i]);
      uris[i] = file.toUri().toString();
    }
    return uris;
  }

  /**
   * The {@code file:} URI of the bytes {@link #payload} gives for the same arguments; only after
   * {@link #writeTo}.
   */
  public String uri(SegmentKind kind, int index, long sequence) {
    if (neutralUris == null) {
      throw new IllegalStateException("the pool has not been written to files: call writeTo first");
    }
    return switch (kind) {
      case NEUTRAL -> neutralUris[(int) ((index + sequence) % neutralUris.length)];
      case RED -> redUris[(int) ((index + sequence) % redUris.length)];
      case CORRUPT -> corruptUris[(int) ((index + sequence) % corruptUris.length)];
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
