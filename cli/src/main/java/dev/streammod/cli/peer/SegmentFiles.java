package dev.streammod.cli.peer;

import dev.streammod.decoders.synthetic.ContainerFormat;
import dev.streammod.decoders.synthetic.SceneKind;
import dev.streammod.decoders.synthetic.SegmentSpec;
import dev.streammod.decoders.synthetic.SyntheticSegments;
import dev.streammod.decoders.synthetic.TestPattern;
import dev.streammod.decoders.synthetic.VideoCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Segment files for a side-by-side run, encoded by the synthetic encoder the demo and the bench
 * publish from (H.264 MPEG-TS, x264 ultrafast, one key frame a second). Each file has content of
 * its own: its own seed (colours, shapes, motion) and place in the motion, and the scene or test
 * pattern of {@link #content}, so that the model's scores vary across files.
 */
public final class SegmentFiles {
  /** File name suffix of the segments. */
  public static final String SUFFIX = ".ts";

  private SegmentFiles() {}

  /** What to encode. */
  public record Shape(int width, int height, double fps, double seconds) {
    public Shape {
      if (width < 2 || height < 2 || (width & 1) != 0 || (height & 1) != 0) {
        throw new IllegalArgumentException("size must be even and >= 2x2, got " + width + "x" + height);
      }
      if (!(fps > 0) || !(seconds > 0)) {
        throw new IllegalArgumentException("fps and seconds must be > 0, got " + fps + " and " + seconds);
      }
    }

    long framesPerSegment() {
      return Math.max(1, Math.round(fps * seconds));
    }
  }

  /**
   * What segment {@code index} shows: one in ten is a still test pattern (flat colours, cycling
   * through the patterns), one in five the red scene, the rest the moving neutral scene the bench
   * publishes.
   */
  static String content(int index) {
    if (index % 10 == 9) {
      return PATTERNS[(index / 10) % PATTERNS.length].name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
    return scene(index).name().toLowerCase(Locale.ROOT);
  }

  private static final TestPattern[] PATTERNS = TestPattern.values();

  private static SceneKind scene(int index) {
    return index % 5 == 3 ? SceneKind.RED : SceneKind.NEUTRAL;
  }

  /** The file name of segment {@code index}: its number and content, in an order that sorts. */
  static String fileName(int index) {
    return String.format(Locale.ROOT, "seg-%04d-%s%s", index, content(index), SUFFIX);
  }

  /**
   * Encodes {@code count} segments of {@code shape} into {@code dir} (created if missing) on
   * {@code threads} threads and returns the files in order.
   */
  public static List<Path> write(Path dir, Shape shape, int count, int threads) throws InterruptedException {
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, got " + count);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Path>> done = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int index = i;
        done.add(pool.submit(() -> writeOne(dir, shape, index)));
      }
      List<Path> files = new ArrayList<>();
      for (Future<Path> f : done) {
        files.add(f.get());
      }
      return files;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("encoding a segment failed: " + cause, cause);
    } finally {
      pool.shutdownNow();
    }
  }

  private static Path writeOne(Path dir, Shape shape, int index) {
    SegmentSpec.Builder spec =
        SegmentSpec.builder()
            .codec(VideoCodec.H264)
            .container(ContainerFormat.MPEGTS)
            .size(shape.width(), shape.height())
            .fps(shape.fps())
            .seconds(shape.seconds())
            .seed(1000L + index)
            .startFrameIndex(index * shape.framesPerSegment());
    if (index % 10 == 9) {
      spec.pattern(PATTERNS[(index / 10) % PATTERNS.length]);
    } else {
      spec.scene(scene(index));
    }
    byte[] ts = SyntheticSegments.encode(spec.build()).bytes();
    Path file = dir.resolve(fileName(index));
    try {
      Files.write(file, ts);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  /**
   * The segment files of the arguments in the order given: a folder stands for its {@code .ts}
   * files, sorted by name.
   */
  public static List<Path> list(List<Path> arguments) {
    List<Path> files = new ArrayList<>();
    for (Path p : arguments) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(f -> f.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(f))
              .sorted()
              .forEach(files::add);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot list " + p, e);
        }
      } else if (Files.isRegularFile(p)) {
        files.add(p);
      } else {
        throw new IllegalArgumentException(p + " is neither a segment file nor a folder");
      }
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no segment files (*" + SUFFIX + ") in " + arguments);
    }
    return files;
  }
}
