package dev.streammod.decoders.bench;

import dev.streammod.decoders.DecodeResult;
import dev.streammod.decoders.DecodedFrames;
import dev.streammod.decoders.DecoderSettings;
import dev.streammod.decoders.SegmentDecoder;
import dev.streammod.decoders.synthetic.ContainerFormat;
import dev.streammod.decoders.synthetic.EncodedSegment;
import dev.streammod.decoders.synthetic.SceneKind;
import dev.streammod.decoders.synthetic.SegmentSpec;
import dev.streammod.decoders.synthetic.SyntheticSegments;
import dev.streammod.decoders.synthetic.VideoCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Our decoder against the {@code ffmpeg} command line doing the same work on the same files: key
 * frames only ({@code -skip_frame nokey}), scaled with bilinear swscale to 224x224 rgb24, written to
 * a sink. Single-threaded (one segment at a time, {@code -threads 1}) and on two cores (two
 * segments at a time: two decoder threads, two ffmpeg processes; and one ffmpeg with {@code
 * -threads 2}). Segments are 2 s, 30 fps, a key frame every second, MPEG-TS.
 *
 * <p>Not a test: a main class that prints a table. Run it with
 *
 * <pre>
 * mvn -B -q -pl decoders test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.streammod.decoders.bench.DecoderBenchmark [-Dexec.args="--seconds=3"]
 * </pre>
 *
 * ({@code --help} lists the options). It needs {@code ffmpeg} on the PATH (Debian: {@code apt-get
 * install -y ffmpeg}) as the reference only, unless {@code --ours-only}; the decoder under test
 * uses the FFmpeg of the JavaCPP presets. {@code ffmpeg} timings include starting a process per
 * segment, which is what shelling out per segment costs.
 */
public final class DecoderBenchmark {

  private static final int OUT = 224;
  private static final int FRAME_BYTES = OUT * OUT * 3;

  private DecoderBenchmark() {}

  private record Input(String name, EncodedSegment segment, Path file) {}

  private record Rate(double segmentsPerSecond, double framesPerSecond) {}

  private static final String USAGE =
      """
      DecoderBenchmark [options]
        --seconds=S       measured time per contestant and input, in 5 slices (default 3)
        --inputs=A,B      inputs to run, of h264-720p, h264-1080p, hevc-720p, hevc-1080p (default all)
        --ours-only       only our decoder: no ffmpeg CLI needed, its columns print as -
        --help            this text
      Prints one table row per input and core count: segments/s, frames/s, CPU-ms and KiB of Java
      heap allocated per segment (by the decoding threads) for our decoder, and the CLI's rates
      beside them.""";

  public static void main(String[] args) throws Exception {
    double seconds = 3;
    List<String> names = List.of("h264-720p", "h264-1080p", "hevc-720p", "hevc-1080p");
    boolean oursOnly = false;
    for (String a : args) {
      if (a.equals("--help")) {
        System.out.println(USAGE);
        return;
      } else if (a.startsWith("--seconds=")) {
        seconds = Double.parseDouble(a.substring("--seconds=".length()));
      } else if (a.startsWith("--inputs=")) {
        names = List.of(a.substring("--inputs=".length()).toLowerCase(Locale.ROOT).split(","));
      } else if (a.equals("--ours-only")) {
        oursOnly = true;
      } else {
        throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
      }
    }
    String ffmpeg = oursOnly ? null : findFfmpeg();
    Path dir = Files.createTempDirectory("decoder-bench");
    List<Input> inputs = new ArrayList<>();
    for (String name : names) {
      SegmentSpec spec = spec(name);
      long t = System.nanoTime();
      EncodedSegment segment = SyntheticSegments.encode(spec);
      Path file = dir.resolve(name + ".ts");
      Files.write(file, segment.payload());
      String label = spec.codec() + " " + spec.height() + "p";
      System.err.printf(
          Locale.ROOT,
          "encoded %s: %d bytes in %.1f s%n",
          label,
          segment.payload().length,
          (System.nanoTime() - t) / 1e9);
      inputs.add(new Input(label, segment, file));
    }
    if (!oursOnly) {
      System.err.println("ffmpeg: " + version(ffmpeg));
    }

    SegmentDecoder decoder =
        new SegmentDecoder(DecoderSettings.builder().size(OUT, OUT).maxFrames(8).build());
    StringBuilder table = new StringBuilder();
    table.append(
        String.format(
            Locale.ROOT,
            "| input | cores | ours seg/s | ours frames/s | ours CPU-ms/seg | ours KiB alloc/seg"
                + " | CLI, process per segment: seg/s | ours / CLI"
                + " | CLI, %d segments per process: seg/s | ours / CLI |%n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|%n",
            CONCAT));
    for (Input in : inputs) {
      DecodedFrames check = (DecodedFrames) decoder.decode(in.segment().payload(), "mpegts");
      if (oursOnly) {
        System.err.printf(Locale.ROOT, "%s: ours %d frames%n", in.name(), check.count());
      } else {
        byte[] cli = runFfmpeg(ffmpeg, List.of("-i", in.file().toString()), 1);
        System.err.printf(
            Locale.ROOT,
            "%s: ours %d frames, ffmpeg %d frames, mean |difference| of frame 0 %.2f per byte%n",
            in.name(),
            check.count(),
            cli.length / FRAME_BYTES,
            meanAbsDiff(check.rgb(), cli, FRAME_BYTES));
      }
      Path list = dir.resolve(in.file().getFileName() + ".txt");
      Files.write(list, java.util.Collections.nCopies(CONCAT, "file '" + in.file() + "'"));
      List<String> perSegment = List.of("-i", in.file().toString());
      List<String> concat = List.of("-f", "concat", "-safe", "0", "-i", list.toString());

      // Contestants take turns in short slices, so that load from elsewhere hits all alike.
      Contestant ours1 = new Contestant(1, () -> new long[] {1, decodeFrames(decoder, in)});
      Contestant ours2 = new Contestant(2, () -> new long[] {1, decodeFrames(decoder, in)});
      Contestant perSegment1 = cli(oursOnly, 1, () -> cliRun(ffmpeg, perSegment, 1, 1));
      Contestant concat1 = cli(oursOnly, 1, () -> cliRun(ffmpeg, concat, 1, CONCAT));
      Contestant perSegment2 = cli(oursOnly, 2, () -> cliRun(ffmpeg, perSegment, 1, 1));
      Contestant concat2 = cli(oursOnly, 2, () -> cliRun(ffmpeg, concat, 1, CONCAT));
      Contestant perSegmentThreads2 = cli(oursOnly, 1, () -> cliRun(ffmpeg, perSegment, 2, 1));
      Contestant concatThreads2 = cli(oursOnly, 1, () -> cliRun(ffmpeg, concat, 2, CONCAT));
      List<Contestant> c =
          List.of(
              ours1, perSegment1, concat1, ours2, perSegment2, concat2, perSegmentThreads2,
              concatThreads2);
      for (Contestant x : c) {
        x.run(0.3); // warm-up
        x.reset();
      }
      int rounds = 5;
      for (int r = 0; r < rounds; r++) {
        for (Contestant x : c) {
          x.run(seconds / rounds);
        }
      }
      row(table, in.name(), "1 (`-threads 1`)", ours1, perSegment1, concat1);
      row(table, in.name(), "2 (2 segments at once)", ours2, perSegment2, concat2);
      if (!oursOnly) {
        row(table, in.name(), "2 (ffmpeg `-threads 2`)", ours2, perSegmentThreads2, concatThreads2);
      }
    }
    System.out.println();
    System.out.print(table);
    deleteAll(dir);
  }

  /** The benchmark input {@code name}: 2 s, 30 fps, a key frame every second, MPEG-TS. */
  private static SegmentSpec spec(String name) {
    String[] parts = name.split("-");
    VideoCodec codec =
        switch (parts[0]) {
          case "h264" -> VideoCodec.H264;
          case "hevc" -> VideoCodec.HEVC;
          default -> throw new IllegalArgumentException("unknown input " + name + "\n" + USAGE);
        };
    int height =
        switch (parts.length == 2 ? parts[1] : "") {
          case "720p" -> 720;
          case "1080p" -> 1080;
          default -> throw new IllegalArgumentException("unknown input " + name + "\n" + USAGE);
        };
    return SegmentSpec.builder()
        .codec(codec)
        .container(ContainerFormat.MPEGTS)
        .size(height * 16 / 9, height)
        .fps(30)
        .seconds(2)
        .scene(SceneKind.NEUTRAL)
        .seed(3)
        .build();
  }

  /** A CLI contestant, or one that does nothing when the CLI is not run. */
  private static Contestant cli(boolean skip, int workers, Callable<long[]> work) {
    return skip ? Contestant.NONE : new Contestant(workers, work);
  }

  private static final int CONCAT = 20;

  /**
   * A workload run on {@code workers} threads, timed over several slices. CPU time and Java heap
   * allocation are those of the worker threads: our decoder's whole cost, not a child process's.
   */
  private static final class Contestant {
    static final Contestant NONE = new Contestant(0, null);

    private final int workers;
    private final Callable<long[]> work;
    private long segments;
    private long frames;
    private long cpuNanos;
    private long allocatedBytes;
    private double seconds;

    Contestant(int workers, Callable<long[]> work) {
      this.workers = workers;
      this.work = work;
    }

    void reset() {
      segments = 0;
      frames = 0;
      cpuNanos = 0;
      allocatedBytes = 0;
      seconds = 0;
    }

    void run(double slice) throws Exception {
      if (workers == 0) {
        return;
      }
      ExecutorService pool = Executors.newFixedThreadPool(workers);
      try {
        long start = System.nanoTime();
        long deadline = start + (long) (slice * 1e9);
        List<Future<long[]>> futures = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
          futures.add(
              pool.submit(
                  () -> {
                    var threads =
                        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                    long cpu = threads.getCurrentThreadCpuTime();
                    long allocated = threads.getCurrentThreadAllocatedBytes();
                    long s = 0;
                    long f = 0;
                    do {
                      long[] r = work.call();
                      s += r[0];
                      f += r[1];
                    } while (System.nanoTime() < deadline);
                    return new long[] {
                      s,
                      f,
                      threads.getCurrentThreadCpuTime() - cpu,
                      threads.getCurrentThreadAllocatedBytes() - allocated
                    };
                  }));
        }
        for (Future<long[]> f : futures) {
          long[] r = f.get();
          segments += r[0];
          frames += r[1];
          cpuNanos += r[2];
          allocatedBytes += r[3];
        }
        seconds += (System.nanoTime() - start) / 1e9;
      } finally {
        pool.shutdownNow();
      }
    }

    boolean ran() {
      return segments > 0;
    }

    double segmentsPerSecond() {
      return segments / seconds;
    }

    double framesPerSecond() {
      return frames / seconds;
    }

    double cpuMillisPerSegment() {
      return cpuNanos / 1e6 / segments;
    }

    double allocatedKibPerSegment() {
      return allocatedBytes / 1024.0 / segments;
    }
  }

  private static void row(
      StringBuilder t,
      String input,
      String cores,
      Contestant ours,
      Contestant perSegment,
      Contestant concat) {
    t.append(
        String.format(
            Locale.ROOT,
            "| %s | %s | %.1f | %.1f | %.2f | %.0f | %s | %s | %s | %s |%n",
            input,
            cores,
            ours.segmentsPerSecond(),
            ours.framesPerSecond(),
            ours.cpuMillisPerSegment(),
            ours.allocatedKibPerSegment(),
            rate(perSegment),
            ratio(ours, perSegment),
            rate(concat),
            ratio(ours, concat)));
  }

  private static String rate(Contestant c) {
    return c.ran() ? String.format(Locale.ROOT, "%.1f", c.segmentsPerSecond()) : "-";
  }

  private static String ratio(Contestant ours, Contestant cli) {
    return cli.ran()
        ? String.format(Locale.ROOT, "%.2f", ours.segmentsPerSecond() / cli.segmentsPerSecond())
        : "-";
  }

  private static int decodeFrames(SegmentDecoder decoder, Input in) {
    DecodeResult r = decoder.decode(in.segment().payload(), "mpegts");
    if (!(r instanceof DecodedFrames f)) {
      throw new IllegalStateException("benchmark input did not decode: " + r);
    }
    return f.count();
  }

  /** Runs one ffmpeg process; {segments, frames}. */
  private static long[] cliRun(String ffmpeg, List<String> input, int threads, int segments)
      throws Exception {
    return new long[] {segments, runFfmpeg(ffmpeg, input, threads).length / FRAME_BYTES};
  }

  /**
   * One ffmpeg process over {@code input}: key frames only, audio off, bilinear scale to the model
   * size, rgb24, every frame as decoded (no frame-rate conversion), raw to stdout.
   */
  private static byte[] runFfmpeg(String ffmpeg, List<String> input, int threads)
      throws Exception {
    String t = Integer.toString(threads);
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-threads", t,
            "-skip_frame", "nokey"));
    command.addAll(input);
    command.addAll(
        List.of(
            "-an", "-filter_threads", t, "-vf", "scale=" + OUT + ":" + OUT + ":flags=bilinear",
            "-pix_fmt", "rgb24", "-fps_mode", "passthrough", "-f", "rawvideo", "-"));
    Process p =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream(8 * FRAME_BYTES);
    try (InputStream in = p.getInputStream()) {
      in.transferTo(out);
    }
    int rc = p.waitFor();
    if (rc != 0) {
      throw new IllegalStateException("ffmpeg exited with " + rc + ": " + command);
    }
    return out.toByteArray();
  }

  private static double meanAbsDiff(byte[] a, byte[] b, int n) {
    if (a.length < n || b.length < n) {
      return Double.NaN;
    }
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum += Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
    }
    return (double) sum / n;
  }

  private static String findFfmpeg() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir, "ffmpeg");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new IllegalStateException(
        "no ffmpeg on the PATH: install the reference CLI (apt-get install -y ffmpeg)");
  }

  private static String version(String ffmpeg) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(ffmpeg, "-version").redirectErrorStream(true).start();
    String first;
    try (InputStream in = p.getInputStream()) {
      first = new String(in.readAllBytes()).lines().findFirst().orElse("?");
    }
    p.waitFor();
    return first;
  }

  private static void deleteAll(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(dir);
  }
}
