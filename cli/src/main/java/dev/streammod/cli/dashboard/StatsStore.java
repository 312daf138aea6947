package dev.streammod.cli.dashboard;

import dev.streammod.connectors.avro.Decision;
import dev.streammod.connectors.avro.StreamStats;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The dashboard's view of the stream-stats topic: the latest record per stream plus a short
 * throughput history. Thread-safe: one feed thread writes, HTTP threads read. Each update swaps in
 * a new immutable entry, so readers never see a half-written stream.
 */
public final class StatsStore {
  /** A stream is stalled when no segment came for more than this many of its periods. */
  public static final double STALL_FACTOR = 3.0;

  /** Samples of history kept per stream at most (10 minutes of 5-second windows). */
  public static final int MAX_HISTORY = 120;

  private record Entry(StreamStats latest, long[] historyEnds, double[] history, Flag flag) {}

  /** The newest flagged verdict of a stream, with its thumbnail when one came. */
  private record Flag(long sequence, String decision, long atMs, byte[] jpeg) {
    static Flag of(StreamStats s, Flag old) {
      if (s.getLastFlagSequence() < 0 || (old != null && s.getLastFlagSequence() < old.sequence)) {
        return old;
      }
      byte[] jpeg = null;
      if (s.getLastFlagJpeg() != null) {
        ByteBuffer b = s.getLastFlagJpeg().duplicate();
        jpeg = new byte[b.remaining()];
        b.get(jpeg);
      } else if (old != null && old.sequence == s.getLastFlagSequence()) {
        jpeg = old.jpeg; // sent once, with the window of the flag
      }
      String decision = s.getLastFlagDecision() == null ? null : s.getLastFlagDecision().toString();
      return new Flag(
          s.getLastFlagSequence(), decision, s.getLastFlagAtMs(), isJpeg(jpeg) ? jpeg : null);
    }

    private static boolean isJpeg(byte[] b) {
      return b != null
          && b.length > 3
          && (b[0] & 0xff) == 0xFF
          && (b[1] & 0xff) == 0xD8
          && (b[2] & 0xff) == 0xFF;
    }
  }

  private final Map<String, Entry> streams = new ConcurrentHashMap<>();
  private final long historyMs;
  private final LongSupplier clock;

  /**
   * @param historyMs how far back the throughput history reaches
   * @param clock epoch milliseconds; tests pass their own
   */
  public StatsStore(long historyMs, LongSupplier clock) {
    if (historyMs <= 0) {
      throw new IllegalArgumentException("historyMs must be > 0, got " + historyMs);
    }
    this.historyMs = historyMs;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public StatsStore() {
    this(5 * 60_000L, System::currentTimeMillis);
  }

  /**
   * Takes a record in. A record for a window older than the one held only adds nothing (records of
   * one stream arrive in order from one partition; a repeat after a job restart is ignored).
   */
  public void update(StreamStats s) {
    streams.compute(
        s.getStreamId(),
        (id, old) -> {
          long end = s.getWindowEndMs();
          if (old == null) {
            return new Entry(
                s, new long[] {end}, new double[] {s.getSegmentsPerS()}, Flag.of(s, null));
          }
          long[] ends = old.historyEnds;
          double[] values = old.history;
          long lastEnd = ends[ends.length - 1];
          if (end < lastEnd) {
            // An older window's figures add nothing, but a newer flag it reports still counts.
            Flag flag = Flag.of(s, old.flag);
            return flag == old.flag ? old : new Entry(old.latest, ends, values, flag);
          }
          if (end == lastEnd) {
            double[] v = values.clone();
            v[v.length - 1] = s.getSegmentsPerS();
            return new Entry(s, ends, v, Flag.of(s, old.flag));
          }
          int keep = Math.min(ends.length, MAX_HISTORY - 1);
          long[] e2 = Arrays.copyOfRange(ends, ends.length - keep, ends.length + 1);
          double[] v2 = Arrays.copyOfRange(values, values.length - keep, values.length + 1);
          e2[keep] = end;
          v2[keep] = s.getSegmentsPerS();
          return new Entry(s, e2, v2, Flag.of(s, old.flag));
        });
  }

  /** The job stopped tracking the stream (a tombstone on the topic). */
  public void remove(String streamId) {
    streams.remove(streamId);
  }

  public int size() {
    return streams.size();
  }

  public StreamPage query(StreamQuery q) {
    long now = clock.getAsLong();
    List<StreamRow> matched = new ArrayList<>();
    int total = 0;
    for (Map.Entry<String, Entry> e : streams.entrySet()) {
      total++;
      if (!q.matches(e.getKey())) {
        continue;
      }
      StreamStatus status = status(e.getValue().latest, now);
      if (q.status() != null && q.status() != status) {
        continue;
      }
      matched.add(row(e.getValue(), status));
    }
    matched.sort(q.sort().comparator(q.descending()));
    int pages = Math.max(1, (matched.size() + q.pageSize() - 1) / q.pageSize());
    int page = Math.min(q.page(), pages);
    int from = (page - 1) * q.pageSize();
    int to = Math.min(matched.size(), from + q.pageSize());
    List<StreamRow> rows = new ArrayList<>(to - from);
    for (StreamRow r : matched.subList(from, to)) {
      rows.add(withHistory(r, now));
    }
    return new StreamPage(
        total,
        matched.size(),
        page,
        q.pageSize(),
        pages,
        q.sort().label(),
        q.descending() ? "desc" : "asc",
        now,
        Collections.unmodifiableList(rows));
  }

  public StoreSummary summary() {
    long now = clock.getAsLong();
    long total = 0;
    long stalled = 0;
    long withErrors = 0;
    long withDegraded = 0;
    double segments = 0;
    double frames = 0;
    double bytes = 0;
    long errors = 0;
    long degraded = 0;
    long p99Max = 0;
    long lastEnd = 0;
    Map<String, Long> decisions = new LinkedHashMap<>();
    for (Decision d : Decision.values()) {
      decisions.put(d.name(), 0L);
    }
    for (Entry e : streams.values()) {
      StreamStats s = e.latest;
      total++;
      StreamStatus status = status(s, now);
      if (status == StreamStatus.STALLED) {
        stalled++;
      }
      lastEnd = Math.max(lastEnd, s.getWindowEndMs());
      if (!fresh(s, now)) {
        continue;
      }
      if (s.getErrors() > 0) {
        withErrors++;
      }
      if (s.getDegraded() > 0) {
        withDegraded++;
      }
      segments += s.getSegmentsPerS();
      frames += s.getFramesPerS();
      bytes += bytesPerS(s);
      errors += s.getErrors();
      degraded += s.getDegraded();
      p99Max = Math.max(p99Max, s.getIngestToVerdictP99Ms());
      for (Map.Entry<String, Long> d : s.getDecisions().entrySet()) {
        decisions.merge(d.getKey(), d.getValue(), Long::sum);
      }
    }
    return new StoreSummary(
        total,
        total - stalled,
        stalled,
        withErrors,
        withDegraded,
        segments,
        frames,
        bytes,
        decisions,
        errors,
        degraded,
        p99Max,
        lastEnd);
  }

  /**
   * STALLED when the newest segment is older than {@link #STALL_FACTOR} periods; the period is the
   * job's estimate, or the window length while it has none.
   *
   * <p>"Older" as of what the dashboard can know: the latest record tells how things stood at its
   * window's end, and the next one is due a window later. Until it is overdue by one more window,
   * the age is taken at the window's end, so a 2 s stream reported every 5 s does not look stalled
   * while its next record is on its way; after that, silence counts with the clock.
   */
  static StreamStatus status(StreamStats s, long now) {
    long period = s.getSegmentPeriodMs() > 0 ? s.getSegmentPeriodMs() : windowMs(s);
    long lastSeen = s.getLastSeenMs() > 0 ? s.getLastSeenMs() : s.getWindowEndMs();
    long knownAt = Math.max(s.getWindowEndMs(), now - 2 * windowMs(s));
    if (knownAt - lastSeen > STALL_FACTOR * period) {
      return StreamStatus.STALLED;
    }
    if (s.getErrors() > 0) {
      return StreamStatus.ERRORS;
    }
    if (s.getDegraded() > 0) {
      return StreamStatus.DEGRADED;
    }
    return StreamStatus.OK;
  }

  private static boolean fresh(StreamStats s, long now) {
    return now - s.getWindowEndMs() <= STALL_FACTOR * windowMs(s);
  }

  private static long windowMs(StreamStats s) {
    return Math.max(1, s.getWindowEndMs() - s.getWindowStartMs());
  }

  private static double bytesPerS(StreamStats s) {
    return s.getBytesIn() / (windowMs(s) / 1000.0);
  }

  private static StreamRow row(Entry e, StreamStatus status) {
    StreamStats s = e.latest;
    return new StreamRow(
        s.getStreamId(),
        status,
        s.getSegmentsPerS(),
        s.getFramesPerS(),
        bytesPerS(s),
        s.getIngestToVerdictP50Ms(),
        s.getIngestToVerdictP99Ms(),
        s.getDecodeMsMean(),
        s.getInferMsMean(),
        s.getDecisions(),
        s.getErrors(),
        s.getDegraded(),
        s.getLastSeenMs(),
        s.getSegmentPeriodMs(),
        s.getWindowEndMs(),
        null,
        e.flag == null
            ? null
            : new StreamRow.LastFlag(
                e.flag.sequence, e.flag.decision, e.flag.atMs, e.flag.jpeg != null));
  }

  /** The JPEG thumbnail of the stream's newest flagged verdict, if the dashboard holds one. */
  public Optional<byte[]> evidence(String streamId) {
    Entry e = streams.get(streamId);
    return e == null || e.flag == null || e.flag.jpeg == null
        ? Optional.empty()
        : Optional.of(e.flag.jpeg.clone());
  }

  /** Adds the history to a row of the page only: 5,000 rows need none, 50 do. */
  private StreamRow withHistory(StreamRow r, long now) {
    Entry e = streams.get(r.id());
    double[] h = new double[0];
    if (e != null) {
      long since = now - historyMs;
      int from = 0;
      while (from < e.historyEnds.length && e.historyEnds[from] < since) {
        from++;
      }
      h = Arrays.copyOfRange(e.history, from, e.history.length);
    }
    return new StreamRow(
        r.id(),
        r.status(),
        r.segmentsPerS(),
        r.framesPerS(),
        r.bytesPerS(),
        r.p50Ms(),
        r.p99Ms(),
        r.decodeMs(),
        r.inferMs(),
        r.decisions(),
        r.errors(),
        r.degraded(),
        r.lastSeenMs(),
        r.periodMs(),
        r.windowEndMs(),
        h,
        r.lastFlag());
  }
}
