package dev.streammod.decoders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streammod.decoders.synthetic.ContainerFormat;
import dev.streammod.decoders.synthetic.EncodedSegment;
import dev.streammod.decoders.synthetic.SceneKind;
import dev.streammod.decoders.synthetic.SegmentSpec;
import dev.streammod.decoders.synthetic.SyntheticSegments;
import dev.streammod.decoders.synthetic.VideoCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thousands of damaged segments, of several codecs and containers: truncations, bit flips, damaged
 * headers, random bytes, wrong hints, splices of two segments, cut and repeated ranges. Every one
 * must give frames or a typed failure (never an exception, never {@code INTERNAL}, never a crash
 * of the JVM), and native memory must not grow: resident set size is read from {@code
 * /proc/self/status} after a warm-up round and again at the end (the surefire configuration pins the
 * Java heap, so heap growth does not show up as RSS). The warm-up is long enough for the JIT's
 * second tier and the allocator's per-thread arenas to settle: both grow RSS once, in steps, during
 * the first few thousand decodes, then stay flat.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DecoderFuzzTest {

  private static final int WARM_UP = 1_200;
  private static final int SEGMENTS = 2_400;
  private static final long MAX_RSS_GROWTH_BYTES = 64L << 20;
  private static final String[] HINTS = {
    null, "mpegts", "mp4", "matroska", "webm", "flv", "mpegvideo", "h264", "avi", "no-such"
  };

  private record Source(String name, byte[] init, byte[] bytes, String hint) {}

  private static List<Source> sources() {
    List<Source> sources = new ArrayList<>();
    add(sources, SegmentSpec.builder().codec(VideoCodec.H264).container(ContainerFormat.MPEGTS));
    add(
        sources,
        SegmentSpec.builder()
            .codec(VideoCodec.HEVC)
            .container(ContainerFormat.FRAGMENTED_MP4)
            .pixelFormat("yuv420p10le"));
    add(sources, SegmentSpec.builder().codec(VideoCodec.VP9).container(ContainerFormat.WEBM));
    add(sources, SegmentSpec.builder().codec(VideoCodec.AV1).container(ContainerFormat.MP4));
    add(sources, SegmentSpec.builder().codec(VideoCodec.MPEG2).fps(25).audio(true));
    add(
        sources,
        SegmentSpec.builder().codec(VideoCodec.H264).container(ContainerFormat.FLV).audio(true));
    add(
        sources,
        SegmentSpec.builder()
            .codec(VideoCodec.HEVC)
            .container(ContainerFormat.MATROSKA)
            .rotationDegrees(90));
    return sources;
  }

  private static void add(List<Source> sources, SegmentSpec.Builder spec) {
    SegmentSpec s = spec.size(128, 96).seconds(1).scene(SceneKind.NEUTRAL).gopFrames(5).build();
    if (SyntheticSegments.unsupportedReason(s).isPresent()) {
      return;
    }
    EncodedSegment e = SyntheticSegments.encode(s);
    sources.add(new Source(s.toString(), e.initSegment(), e.payload(), e.containerHint()));
  }

  @Test
  void damagedSegmentsGiveTypedResultsAndNoNativeGrowth() throws Exception {
    List<Source> sources = sources();
    assertThat(sources).hasSizeGreaterThanOrEqualTo(6);
    SegmentDecoder keyframes =
        new SegmentDecoder(
            DecoderSettings.builder()
                .size(64, 64)
                .maxFrames(4)
                .decodeTimeout(Duration.ofSeconds(20))
                .build());
    SegmentDecoder everyFrame =
        new SegmentDecoder(
            DecoderSettings.builder()
                .size(48, 32)
                .aspect(AspectMode.LETTERBOX)
                .sampling(SamplingPolicy.fixedRate(10))
                .maxFrames(6)
                .maxPixels(640 * 480)
                .decodeTimeout(Duration.ofSeconds(20))
                .build());
    SegmentDecoder[] decoders = {keyframes, everyFrame};

    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      run(pool, sources, decoders, 1_000_000, WARM_UP);
      System.gc();
      long rssBefore = residentBytes();
      long started = System.nanoTime();
      Outcomes outcomes = run(pool, sources, decoders, 0, SEGMENTS);
      double seconds = (System.nanoTime() - started) / 1e9;
      System.gc();
      long rssAfter = residentBytes();
      long growth = rssAfter - rssBefore;
      System.out.printf(
          "fuzz: %d mutated segments from %d sources in %.1f s; %d decoded, failures %s;"
              + " RSS before %.1f MiB, after %.1f MiB, growth %.1f MiB (%.0f bytes/segment)%n",
          SEGMENTS,
          sources.size(),
          seconds,
          outcomes.decoded,
          outcomes.failures,
          rssBefore / 1048576.0,
          rssAfter / 1048576.0,
          growth / 1048576.0,
          (double) growth / SEGMENTS);
      assertThat(outcomes.unexpected).as("exceptions or INTERNAL failures").isEmpty();
      assertThat(outcomes.decoded + outcomes.failureCount()).isEqualTo(SEGMENTS);
      // Both outcomes happen: the mutations are neither all harmless nor all fatal.
      assertThat(outcomes.decoded).isGreaterThan(SEGMENTS / 20);
      assertThat(outcomes.failureCount()).isGreaterThan(SEGMENTS / 20);
      assertThat(growth).as("RSS growth in bytes").isLessThan(MAX_RSS_GROWTH_BYTES);
      assertThat(MemoryInput.openCount()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  /** What came back, merged over threads. */
  private static final class Outcomes {
    long decoded;
    final Map<DecodeErrorCode, Long> failures = new EnumMap<>(DecodeErrorCode.class);
    final List<String> unexpected = new ArrayList<>();

    long failureCount() {
      return failures.values().stream().mapToLong(Long::longValue).sum();
    }

    void add(Outcomes o) {
      decoded += o.decoded;
      o.failures.forEach((k, v) -> failures.merge(k, v, Long::sum));
      unexpected.addAll(o.unexpected);
    }
  }

  private static Outcomes run(
      ExecutorService pool, List<Source> sources, SegmentDecoder[] decoders, long seed, int count)
      throws Exception {
    List<Future<Outcomes>> futures = new ArrayList<>();
    int threads = 2;
    for (int t = 0; t < threads; t++) {
      long threadSeed = seed + t * 7_919L;
      int share = count / threads + (t < count % threads ? 1 : 0);
      futures.add(
          pool.submit(
              () -> {
                Outcomes o = new Outcomes();
                SplittableRandom random = new SplittableRandom(threadSeed);
                for (int i = 0; i < share; i++) {
                  fuzzOne(random, sources, decoders, o);
                }
                return o;
              }));
    }
    Outcomes all = new Outcomes();
    for (Future<Outcomes> f : futures) {
      all.add(f.get(150, TimeUnit.SECONDS));
    }
    return all;
  }

  private static void fuzzOne(
      SplittableRandom random, List<Source> sources, SegmentDecoder[] decoders, Outcomes o) {
    Source source = sources.get(random.nextInt(sources.size()));
    Source other = sources.get(random.nextInt(sources.size()));
    byte[] init = source.init();
    byte[] data = source.bytes().clone();
    String hint = source.hint();
    int kind = random.nextInt(10);
    String what;
    switch (kind) {
      case 0 -> {
        data = Arrays.copyOf(data, 1 + random.nextInt(data.length));
        what = "truncated to " + data.length;
      }
      case 1 -> {
        int flips = 1 + random.nextInt(64);
        for (int f = 0; f < flips; f++) {
          data[random.nextInt(data.length)] ^= (byte) (1 << random.nextInt(8));
        }
        what = flips + " bit flips";
      }
      case 2 -> {
        int n = 1 + random.nextInt(16);
        byte[] target = init != null && random.nextBoolean() ? (init = init.clone()) : data;
        for (int f = 0; f < n; f++) {
          target[random.nextInt(Math.min(target.length, 512))] = (byte) random.nextInt(256);
        }
        what = n + " header bytes overwritten";
      }
      case 3 -> {
        data = new byte[1 + random.nextInt(64 * 1024)];
        random.nextBytes(data);
        init = null;
        hint = HINTS[random.nextInt(HINTS.length)];
        what = "random bytes";
      }
      case 4 -> {
        hint = HINTS[random.nextInt(HINTS.length)];
        what = "hint " + hint;
      }
      case 5 -> {
        byte[] tail = other.bytes();
        int cutA = random.nextInt(data.length);
        int cutB = random.nextInt(tail.length);
        byte[] spliced = new byte[cutA + tail.length - cutB];
        System.arraycopy(data, 0, spliced, 0, cutA);
        System.arraycopy(tail, cutB, spliced, cutA, tail.length - cutB);
        data = spliced;
        what = "spliced with " + other.name();
      }
      case 6 -> {
        int from = random.nextInt(data.length);
        int len = Math.min(data.length - from, 1 + random.nextInt(8192));
        byte[] cut = new byte[data.length - len];
        System.arraycopy(data, 0, cut, 0, from);
        System.arraycopy(data, from + len, cut, from, data.length - from - len);
        data = cut.length == 0 ? new byte[] {0} : cut;
        what = "range cut";
      }
      case 7 -> {
        int from = random.nextInt(data.length);
        int len = Math.min(data.length - from, 1 + random.nextInt(8192));
        byte[] longer = new byte[data.length + len];
        System.arraycopy(data, 0, longer, 0, from + len);
        System.arraycopy(data, from, longer, from + len, data.length - from);
        data = longer;
        what = "range repeated";
      }
      case 8 -> {
        int from = random.nextInt(data.length);
        int len = Math.min(data.length - from, 1 + random.nextInt(4096));
        Arrays.fill(data, from, from + len, (byte) (random.nextBoolean() ? 0 : 0xFF));
        what = "range filled";
      }
      default -> {
        // Another segment's init segment in front of this payload.
        init = other.init() != null ? other.init() : Arrays.copyOf(other.bytes(), 2048);
        what = "foreign init segment from " + other.name();
      }
    }
    SegmentDecoder decoder = decoders[random.nextInt(decoders.length)];
    DecodeResult result;
    try {
      result = decoder.decode(init, data, hint);
    } catch (Throwable t) {
      o.unexpected.add(source.name() + " " + what + ": " + t);
      return;
    }
    if (result instanceof DecodedFrames f) {
      if (f.rgb().length != f.count() * f.frameBytes() || f.count() < 1) {
        o.unexpected.add(source.name() + " " + what + ": inconsistent " + f);
      }
      o.decoded++;
    } else if (result instanceof DecodeFailure f) {
      if (f.code() == DecodeErrorCode.INTERNAL) {
        o.unexpected.add(source.name() + " " + what + ": " + f.message());
      }
      o.failures.merge(f.code(), 1L, Long::sum);
    } else {
      o.unexpected.add(source.name() + " " + what + ": null result");
    }
  }

  /** VmRSS of this process, from /proc/self/status. */
  static long residentBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.trim().split("\\s+");
        return Long.parseLong(parts[1]) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS line in /proc/self/status");
  }
}
