package dev.streammod.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streammod.cli.bench.LoadGenerator;
import dev.streammod.cli.bench.LoadProfile;
import dev.streammod.cli.bench.PayloadMode;
import dev.streammod.cli.bench.ResourceSampler;
import dev.streammod.cli.demo.SegmentKind;
import dev.streammod.cli.demo.SegmentPool;
import dev.streammod.cli.demo.SegmentPublisher;
import dev.streammod.cli.demo.SyntheticStreams;
import dev.streammod.cli.demo.VerdictTally;
import dev.streammod.connectors.Topics;
import dev.streammod.connectors.avro.DeadLetter;
import dev.streammod.connectors.avro.Decision;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overloaded for a long time, the job loses nothing and nothing grows but the backlog: the job jar
 * on the standalone cluster (a broker, a JobManager and two TaskManagers, each its own process) is
 * offered {@code soak.factor} times the capacity this test measures first, for {@code
 * soak.seconds}; then the load stops and the backlog drains. Real 1280x720 H.264 segments and the
 * shipped model on the CPU, one key frame per segment as the bench runs it. The records carry
 * {@code file:} URIs into a pool of encoded segments, so the broker's disk stays small however long
 * the run.
 *
 * <p>It checks that every segment gets exactly one committed verdict and only corrupt ones a dead
 * letter, that the job's consumer lag grows while overloaded and is zero after the drain, and that
 * each TaskManager's resident set and live heap (after a collection forced with {@code jcmd}) stay
 * flat. It prints a row every {@code soak.report-seconds} and a {@code soak:} summary.
 *
 * <p>In {@code mvn verify} 45 s of overload; the full run is the same test with {@code
 * -Dsoak.seconds=600}.
 */
@Timeout(value = 90, unit = TimeUnit.MINUTES)
class OverloadSoakIT {
  private static final int OVERLOAD_S = Integer.getInteger("soak.seconds", 45);
  private static final double FACTOR = Double.parseDouble(System.getProperty("soak.factor", "2.0"));
  /** Live streams offering the load; 0: as many as 2-s segments at the offered rate need. */
  private static final int STREAMS = Integer.getInteger("soak.streams", 0);
  private static final int WARMUP_S = Integer.getInteger("soak.warmup-seconds", 20);
  private static final int CALIBRATION_S = Integer.getInteger("soak.calibration-seconds", 20);
  private static final int REPORT_S = Integer.getInteger("soak.report-seconds", 10);
  private static final int POOL = Integer.getInteger("soak.pool", 4);
  private static final int CHECKPOINT_MS = Integer.getInteger("soak.checkpoint-ms", 1000);
  private static final int TASK_MANAGERS = 2;
  private static final int CALIBRATION_STREAMS = 200;
  private static final Duration SEGMENT = Duration.ofSeconds(2);
  private static final long MIB = 1 << 20;

  @TempDir Path work;

  @Test
  void nothingIsLostAndOnlyTheBacklogGrowsAtTwiceTheCapacity() throws Exception {
    assertThat(FACTOR).as("soak.factor").isGreaterThan(1.0);
    long t0 = System.nanoTime();
    SegmentPool pool = new SegmentPool(new SyntheticStreams.Shape(1280, 720, 30, SEGMENT), POOL);
    Path segments = pool.writeTo(work.resolve("segments"));
    System.out.printf(
        Locale.ROOT,
        "soak pool: %d neutral 1280x720 30 fps H.264 segments of 2 s (%d KiB each) in %s, encoded in %d ms%n",
        POOL, pool.averageBytes() / 1024, segments, (System.nanoTime() - t0) / 1_000_000);
    Path dir = work.resolve("cluster");
    StandaloneCluster.with(dir, TASK_MANAGERS, 1, cluster -> run(cluster, new TaskManagers(dir, cluster), pool, segments));
  }

  private void run(StandaloneCluster cluster, TaskManagers tms, SegmentPool pool, Path segments) throws Exception {
    String bootstrap = cluster.bootstrapServers();
    cluster.createJobTopics(4);
    String config =
        String.join(
            "\n",
            "kafka:",
            "  bootstrap-servers: " + bootstrap,
            "  starting-offsets: earliest",
            "model:",
            "  device: cpu",
            "decoder:",
            "  max-frames: 1",
            "fetch:",
            "  allowed-schemes: [file]",
            "  allowed-path-prefixes: [" + segments + "]",
            "job:",
            "  parallelism: " + TASK_MANAGERS,
            "  checkpoint-interval-ms: " + CHECKPOINT_MS,
            "stats:",
            "  enabled: false",
            "");
    cluster.runJob(config, TASK_MANAGERS);

    Map<String, SyntheticStreams.Sent> sent = new ConcurrentHashMap<>();
    try (VerdictTally tally = new VerdictTally(bootstrap, Topics.VERDICTS, Topics.DEAD_LETTERS, sent);
        ResourceSampler group = new ResourceSampler(bootstrap, Topics.SEGMENTS, "streammod");
        SegmentPublisher calibrationPublisher =
            new SegmentPublisher(bootstrap, Topics.SEGMENTS, "soak-calibration", SEGMENT, Map.of())) {
      Capacity capacity = calibrate(calibrationPublisher, pool, tally, sent);
      awaitVerdicts(tally, sent.size(), Duration.ofMinutes(2));
      long[] liveIdle = tms.liveHeap();

      double rate = FACTOR * capacity.perSecond();
      int streams = STREAMS > 0 ? STREAMS : (int) Math.max(1, Math.round(rate * SEGMENT.toMillis() / 1000.0));
      LoadProfile profile = LoadProfile.steady(streams, Duration.ofNanos(Math.round(streams / rate * 1e9)));
      System.out.printf(
          Locale.ROOT,
          "soak load: %d streams, one segment each per %d ms = %.1f segments/s offered (%.2fx the measured"
              + " %.1f segments/s) for %d s, by reference (file: URIs)%n",
          streams, profile.period().toMillis(), profile.steadyRate(), profile.steadyRate() / capacity.perSecond(),
          capacity.perSecond(), OVERLOAD_S);
      System.out.println("soak      t  phase     offered/s  verdicts/s     lag  backlog  heap MiB per TM  RSS MiB per TM");

      Series series = new Series(tms, tally, group);
      long[] liveThird;
      long lagThird;
      long backlogEnd;
      long lagEnd;
      long[] liveEnd;
      long produced;
      long drainNanos;
      double drainRate;
      try (LoadGenerator load =
          new LoadGenerator(bootstrap, Topics.SEGMENTS, profile, pool, PayloadMode.FILE)) {
        Recorder recorder = new Recorder(load, sent);
        long calibrationSent = sent.size();
        series.begin("overload", calibrationSent, tally.verdicts());
        load.start();
        long start = System.nanoTime();
        long third = start + TimeUnit.SECONDS.toNanos(OVERLOAD_S) / 3;
        long end = start + TimeUnit.SECONDS.toNanos(OVERLOAD_S);
        boolean thirdDone = false;
        liveThird = null;
        lagThird = -1;
        while (System.nanoTime() < end) {
          tally.poll(Duration.ofMillis(200));
          recorder.record();
          series.tick(load.produced());
          if (!thirdDone && System.nanoTime() >= third) {
            liveThird = tms.liveHeap();
            lagThird = group.lag();
            thirdDone = true;
          }
        }
        load.stop();
        recorder.record();
        produced = load.produced();
        lagEnd = group.lag();
        backlogEnd = calibrationSent + produced - tally.verdicts();
        liveEnd = tms.liveHeap();
        assertThat(load.failedSends()).as("segments the load generator could not send").isZero();
        assertThat(sent).hasSize((int) (calibrationSent + produced));
        System.out.printf(
            Locale.ROOT,
            "soak overload over: %d segments offered in %d s (%.1f/s, at most %d ms behind schedule); backlog %d, lag %d%n",
            produced, OVERLOAD_S, produced / (double) OVERLOAD_S, load.maxLatenessMs(), backlogEnd, lagEnd);

        long drainStart = System.nanoTime();
        long verdictsAtStop = tally.verdicts();
        series.phase("drain");
        Duration drainLimit = Duration.ofSeconds(Math.max(180, Math.round(3 * (FACTOR - 1) * OVERLOAD_S) + 60));
        long deadline = drainStart + drainLimit.toNanos();
        while (tally.segmentsWithVerdict() < sent.size() && System.nanoTime() < deadline) {
          tally.poll(Duration.ofMillis(200));
          series.tick(produced);
        }
        drainNanos = System.nanoTime() - drainStart;
        drainRate = (tally.verdicts() - verdictsAtStop) / (drainNanos / 1e9);
        series.row(produced);
      }

      // A few checkpoints more: a duplicate, were there one, would be committed by then, and the
      // source commits its last offsets.
      long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      long lagAfter = group.lag();
      while (System.nanoTime() < settle || (lagAfter != 0 && System.nanoTime() < settle + TimeUnit.SECONDS.toNanos(30))) {
        tally.poll(Duration.ofMillis(200));
        lagAfter = group.lag();
      }
      long[] liveAfter = tms.liveHeap();

      long total = sent.size();
      long corrupt = sent.values().stream().filter(s -> s.kind() == SegmentKind.CORRUPT).count();
      List<String> validDeadLetters = validDeadLetters(tally.deadLetterRecords(), sent);
      long[][] rssThirds = series.rssThirds(OVERLOAD_S);
      System.out.printf(
          Locale.ROOT,
          "soak: capacity %.1f segments/s (%d verdicts in %.1f s from a backlog); offered %.1f/s (%.2fx) by %d streams"
              + " for %d s; segments %d (%d corrupt), verdicts %d (segments with one %d, missing %d, duplicated %d,"
              + " ERROR %d), dead letters %d (of valid segments %d); lag at 1/3 %d, at end of overload %d (backlog %d),"
              + " drained in %.1f s at %.1f/s, lag after %d; TM RSS MiB mean first/last third %s/%s; TM live heap MiB"
              + " after forced GC idle %s, 1/3 %s, end %s, drained %s; latency p50 %d ms, p99 %d ms%n",
          capacity.perSecond(), capacity.verdicts(), capacity.seconds(), produced / (double) OVERLOAD_S,
          produced / (double) OVERLOAD_S / capacity.perSecond(), streams, OVERLOAD_S, total, corrupt, tally.verdicts(),
          tally.segmentsWithVerdict(), tally.missing(), tally.duplicated(), tally.decisions(Decision.ERROR),
          tally.deadLetters(), validDeadLetters.size(), lagThird, lagEnd, backlogEnd, drainNanos / 1e9, drainRate,
          lagAfter, mib(rssThirds[0]), mib(rssThirds[1]), mib(liveIdle), mib(liveThird), mib(liveEnd), mib(liveAfter),
          tally.latencyPercentile(50), tally.latencyPercentile(99));

      assertThat(tally.missing()).as("segments without a verdict").isZero();
      assertThat(tally.duplicated()).as("segments with more than one verdict").isZero();
      assertThat(tally.verdicts()).as("verdicts").isEqualTo(total);
      assertThat(tally.unreadable()).as("unreadable records").isZero();
      assertThat(validDeadLetters).as("dead letters of valid segments").isEmpty();
      assertThat(tally.deadLetters()).as("dead letters").isEqualTo(corrupt);
      assertThat(tally.decisions(Decision.ERROR)).as("ERROR verdicts (only corrupt segments)").isEqualTo(corrupt);

      double expectedGrowth = (produced / (double) OVERLOAD_S - capacity.perSecond()) * OVERLOAD_S;
      assertThat(lagEnd).as("consumer lag at the end of the overload, above the lag at a third").isGreaterThan(lagThird);
      assertThat((double) backlogEnd)
          .as("backlog at the end of the overload, against a quarter of (offered - capacity) x time")
          .isGreaterThanOrEqualTo(0.25 * expectedGrowth);
      assertThat(lagAfter).as("consumer lag after the drain").isZero();
      for (int i = 0; i < TASK_MANAGERS; i++) {
        assertThat(rssThirds[1][i])
            .as("TaskManager %d RSS, mean of the last third of the overload against the first", i + 1)
            .isLessThanOrEqualTo(Math.round(rssThirds[0][i] * 1.25));
        assertThat(liveEnd[i])
            .as("TaskManager %d live heap at the end of the overload against a third in", i + 1)
            .isLessThanOrEqualTo(Math.round(liveThird[i] * 1.25) + 32 * MIB);
      }
    }
  }

  /** Verdicts per second while a backlog never runs dry, measured between two checkpoints' commits. */
  private record Capacity(double perSecond, long verdicts, double seconds) {}

  /**
   * Keeps a backlog of segments of {@value #CALIBRATION_STREAMS} streams of their own on the topic
   * (at least 6 s of work at the rate seen so far), and after {@code soak.warmup-seconds} counts the
   * verdicts that become readable in {@code soak.calibration-seconds}. Verdicts become readable a
   * checkpoint at a time, so the rate is taken between the first and the last commit seen.
   */
  private static Capacity calibrate(
      SegmentPublisher publisher, SegmentPool pool, VerdictTally tally, Map<String, SyntheticStreams.Sent> sent) {
    long[] sequences = new long[CALIBRATION_STREAMS];
    String[] ids = new String[CALIBRATION_STREAMS];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = String.format(Locale.ROOT, "calibration-%04d", i);
    }
    long start = System.nanoTime();
    long warm = start + TimeUnit.SECONDS.toNanos(WARMUP_S);
    long end = warm + TimeUnit.SECONDS.toNanos(CALIBRATION_S);
    long published = 0;
    long firstVerdictAt = -1;
    long seen = 0;
    long markAt = -1;
    long markCount = 0;
    long lastAt = -1;
    long lastCount = 0;
    int next = 0;
    while (System.nanoTime() < end) {
      double rateSoFar =
          firstVerdictAt < 0 ? 0 : tally.verdicts() / Math.max(1.0, (System.nanoTime() - firstVerdictAt) / 1e9);
      long target = Math.max(500, Math.round(6 * rateSoFar));
      while (published - tally.verdicts() < target) {
        int i = next;
        next = (next + 1) % ids.length;
        long seq = sequences[i]++;
        SegmentKind kind = SegmentKind.of(i, seq);
        long now = System.currentTimeMillis();
        publisher.send(publisher.segment(ids[i], seq, kind, now).setPayloadUri(pool.uri(kind, i, seq)).build());
        sent.put(SyntheticStreams.key(ids[i], seq), new SyntheticStreams.Sent(kind, now));
        published++;
      }
      tally.poll(Duration.ofMillis(100));
      long now = System.nanoTime();
      long v = tally.verdicts();
      if (v != seen) {
        if (firstVerdictAt < 0) {
          firstVerdictAt = now;
        }
        if (now >= warm && markAt < 0) {
          markAt = now;
          markCount = v;
        } else if (markAt >= 0) {
          lastAt = now;
          lastCount = v;
        }
        seen = v;
      }
    }
    publisher.flush();
    assertThat(publisher.failedSends()).as("calibration segments not sent").isZero();
    assertThat(lastAt).as("verdicts committed at two checkpoints during the calibration").isGreaterThan(markAt);
    double seconds = (lastAt - markAt) / 1e9;
    Capacity c = new Capacity((lastCount - markCount) / seconds, lastCount - markCount, seconds);
    System.out.printf(
        Locale.ROOT,
        "soak capacity: %.1f segments/s (%d verdicts in %.1f s, after a %d s warm-up; %d segments published)%n",
        c.perSecond(), c.verdicts(), c.seconds(), WARMUP_S, published);
    return c;
  }

  private static void awaitVerdicts(VerdictTally tally, long segments, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (tally.segmentsWithVerdict() < segments && System.nanoTime() < deadline) {
      tally.poll(Duration.ofMillis(200));
    }
    assertThat(tally.segmentsWithVerdict()).as("calibration segments with a verdict").isEqualTo(segments);
  }

  /** Dead letters whose segment was not a corrupt one, as "stream#sequence: code". */
  private static List<String> validDeadLetters(List<DeadLetter> deadLetters, Map<String, SyntheticStreams.Sent> sent) {
    List<String> out = new ArrayList<>();
    for (DeadLetter d : deadLetters) {
      String key = SyntheticStreams.key(String.valueOf(d.getStreamId()), d.getSequence() == null ? -1 : d.getSequence());
      SyntheticStreams.Sent s = sent.get(key);
      if (s == null || s.kind() != SegmentKind.CORRUPT) {
        out.add(key + ": " + d.getErrorCode());
      }
    }
    return out;
  }

  private static String mib(long[] bytes) {
    return bytes == null
        ? "-"
        : Arrays.stream(bytes).mapToObj(b -> b < 0 ? "?" : String.valueOf(b / MIB)).collect(Collectors.joining(" ", "[", "]"));
  }

  /**
   * Puts each segment the load generator has sent into {@code sent}, with the time it is noticed
   * (within one poll of its sending), so that latencies can be read from the tally.
   */
  private static final class Recorder {
    private final LoadGenerator load;
    private final Map<String, SyntheticStreams.Sent> sent;
    private final long[] recorded;
    private final String[] ids;

    Recorder(LoadGenerator load, Map<String, SyntheticStreams.Sent> sent) {
      this.load = load;
      this.sent = sent;
      this.recorded = new long[load.streams()];
      this.ids = new String[load.streams()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = SyntheticStreams.streamId(i);
      }
    }

    void record() {
      long now = System.currentTimeMillis();
      for (int i = 0; i < ids.length; i++) {
        long n = load.sent(i);
        for (long seq = recorded[i]; seq < n; seq++) {
          sent.put(SyntheticStreams.key(ids[i], seq), new SyntheticStreams.Sent(SegmentKind.of(i, seq), now));
        }
        recorded[i] = n;
      }
    }
  }

  /**
   * The time series: each TaskManager's RSS every second, and every {@code soak.report-seconds} a
   * printed row with the offered and verdict rates since the last row, the job's consumer lag, the
   * backlog (sent minus verdicts read) and each TaskManager's heap and RSS.
   */
  private static final class Series {
    private final TaskManagers tms;
    private final VerdictTally tally;
    private final ResourceSampler group;
    private final List<long[]> rss = new ArrayList<>(); // {t ms, rss of TM 1, TM 2, ...}, overload only
    private String phase;
    private long startNanos;
    private long lastRssNanos;
    private long lastRowNanos;
    private long lastProduced;
    private long lastVerdicts;
    private long sentBefore;

    Series(TaskManagers tms, VerdictTally tally, ResourceSampler group) {
      this.tms = tms;
      this.tally = tally;
      this.group = group;
    }

    /** Starts the clock; {@code sentBefore}: segments sent before the load generator's. */
    void begin(String name, long sentBefore, long verdicts) {
      phase = name;
      startNanos = System.nanoTime();
      lastRowNanos = startNanos;
      lastRssNanos = startNanos - TimeUnit.SECONDS.toNanos(1);
      lastProduced = 0;
      lastVerdicts = verdicts;
      this.sentBefore = sentBefore;
    }

    void phase(String name) {
      phase = name;
    }

    void tick(long produced) throws IOException {
      long now = System.nanoTime();
      if (now - lastRssNanos >= TimeUnit.SECONDS.toNanos(1)) {
        lastRssNanos = now;
        if (phase.equals("overload")) {
          long[] sample = new long[tms.count() + 1];
          sample[0] = (now - startNanos) / 1_000_000;
          System.arraycopy(tms.rss(), 0, sample, 1, tms.count());
          rss.add(sample);
        }
      }
      if (now - lastRowNanos >= TimeUnit.SECONDS.toNanos(REPORT_S)) {
        row(produced);
      }
    }

    void row(long produced) throws IOException {
      long now = System.nanoTime();
      double seconds = Math.max(1e-3, (now - lastRowNanos) / 1e9);
      long verdicts = tally.verdicts();
      System.out.printf(
          Locale.ROOT,
          "soak %5.0fs  %-8s %10.1f  %10.1f  %6d  %7d  %-15s  %s%n",
          (now - startNanos) / 1e9, phase, (produced - lastProduced) / seconds, (verdicts - lastVerdicts) / seconds,
          group.lag(), sentBefore + produced - verdicts, mib(tms.heapUsed()), mib(tms.rss()));
      lastRowNanos = now;
      lastProduced = produced;
      lastVerdicts = verdicts;
    }

    /** Mean RSS per TaskManager over the first and the last third of the overload. */
    long[][] rssThirds(int overloadSeconds) {
      long third = overloadSeconds * 1000L / 3;
      long[][] out = new long[2][tms.count()];
      for (int i = 0; i < tms.count(); i++) {
        int tm = i + 1;
        out[0][i] = Math.round(rss.stream().filter(s -> s[0] < third).mapToLong(s -> s[tm]).average().orElse(-1));
        out[1][i] =
            Math.round(rss.stream().filter(s -> s[0] >= 2 * third).mapToLong(s -> s[tm]).average().orElse(-1));
      }
      return out;
    }
  }

  /**
   * The TaskManager processes of the cluster: resident set from {@code /proc/<pid>/status} (pids
   * from the script's pid files), heap used from Flink's REST API, and the live heap after a full
   * collection forced with {@code jcmd}, as REST cannot force one.
   */
  private static final class TaskManagers {
    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path pids;
    private final String restUrl;
    private final int count;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");

    TaskManagers(Path clusterDir, StandaloneCluster cluster) {
      this.pids = clusterDir.resolve("pids");
      this.restUrl = cluster.restUrl();
      this.count = cluster.taskManagers();
    }

    int count() {
      return count;
    }

    private long pid(int i) throws IOException {
      return Long.parseLong(Files.readString(pids.resolve("taskmanager-" + i + ".pid")).strip());
    }

    /** VmRSS of each TaskManager in bytes. */
    long[] rss() throws IOException {
      long[] out = new long[count];
      for (int i = 1; i <= count; i++) {
        out[i - 1] = -1;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid(i) + "/status"), StandardCharsets.UTF_8)) {
          if (line.startsWith("VmRSS:")) {
            out[i - 1] = Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
          }
        }
      }
      return out;
    }

    /**
     * {@code Status.JVM.Memory.Heap.Used} of each TaskManager in bytes (-1 where REST gave none);
     * the JobManager refreshes these at most every 10 s.
     */
    long[] heapUsed() {
      long[] out = new long[count];
      for (int i = 1; i <= count; i++) {
        out[i - 1] = -1;
        try {
          JsonNode metrics = get("/taskmanagers/taskmanager-" + i + "/metrics?get=Status.JVM.Memory.Heap.Used");
          for (JsonNode m : metrics) {
            out[i - 1] = Long.parseLong(m.path("value").asText("-1"));
          }
        } catch (IOException | RuntimeException e) {
          // printed as "?"; the assertions rest on RSS and the live heap
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return out;
    }

    /**
     * The live heap of each TaskManager in bytes: {@code GC.class_histogram} collects and counts
     * what is left in the same pause, so allocation after the collection does not count.
     */
    long[] liveHeap() throws Exception {
      long[] out = new long[count];
      for (int i = 1; i <= count; i++) {
        long pid = pid(i);
        String histogram = jcmd(pid, "GC.class_histogram");
        Matcher m = HISTOGRAM_TOTAL.matcher(histogram);
        if (!m.find()) {
          throw new IllegalStateException("jcmd " + pid + " GC.class_histogram gave no total:\n" + histogram);
        }
        out[i - 1] = Long.parseLong(m.group(1));
      }
      return out;
    }

    private String jcmd(long pid, String command) throws Exception {
      Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), command).redirectErrorStream(true).start();
      byte[] output = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(
            "jcmd " + pid + " " + command + " failed: " + new String(output, StandardCharsets.UTF_8));
      }
      return new String(output, StandardCharsets.UTF_8);
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(restUrl + path)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IOException("GET " + path + " gave " + r.statusCode() + ": " + r.body());
      }
      return JSON.readTree(r.body());
    }
  }
}
