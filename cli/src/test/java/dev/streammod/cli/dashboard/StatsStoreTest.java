package dev.streammod.cli.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streammod.connectors.avro.StreamStats;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StatsStoreTest {
  static final long NOW = 1_700_000_100_000L;
  static final long WINDOW = 5000;

  private final AtomicLong clock = new AtomicLong(NOW);
  private final StatsStore store = new StatsStore(60_000, clock::get);

  /** A record for the window that ended at {@code end}, last segment at {@code lastSeen}. */
  static StreamStats stats(String id, long end, double segmentsPerS, long lastSeen, long period) {
    return StreamStats.newBuilder()
        .setStreamId(id)
        .setWindowStartMs(end - WINDOW)
        .setWindowEndMs(end)
        .setSegments(Math.round(segmentsPerS * WINDOW / 1000))
        .setSegmentsPerS(segmentsPerS)
        .setFramesPerS(segmentsPerS * 2)
        .setFrames(Math.round(segmentsPerS * 2 * WINDOW / 1000))
        .setBytesIn(Math.round(segmentsPerS * 50_000 * WINDOW / 1000))
        .setIngestToVerdictP50Ms(100)
        .setIngestToVerdictP99Ms(200)
        .setDecisions(Map.of("ALLOW", 2L, "REVIEW", 0L, "BLOCK", 1L, "ERROR", 0L))
        .setLastSeenMs(lastSeen)
        .setSegmentPeriodMs(period)
        .build();
  }

  static StreamStats live(String id, double segmentsPerS) {
    return stats(id, NOW - 1000, segmentsPerS, NOW - 500, 2000);
  }

  private StreamPage query(String... kv) {
    Map<String, String> p = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      p.put(kv[i], kv[i + 1]);
    }
    return store.query(StreamQuery.fromParams(p));
  }

  private static List<String> ids(StreamPage page) {
    return page.rows().stream().map(StreamRow::id).toList();
  }

  @Test
  void sortsByAColumnEitherWayWithIdBreakingTies() {
    store.update(live("b", 1.0));
    store.update(live("a", 1.0));
    store.update(live("c", 3.0));
    store.update(live("d", 0.5));

    assertThat(ids(query("sort", "segments_per_s"))).as("numbers default to descending").containsExactly("c", "a", "b", "d");
    assertThat(ids(query("sort", "segments_per_s", "order", "asc"))).containsExactly("d", "a", "b", "c");
    assertThat(ids(query("sort", "id"))).containsExactly("a", "b", "c", "d");
    assertThat(ids(query("sort", "id", "order", "desc"))).containsExactly("d", "c", "b", "a");
  }

  @Test
  void defaultOrderPutsTheWorstStatusFirst() {
    store.update(live("fine", 1));
    StreamStats erroring = StreamStats.newBuilder(live("erroring", 1)).setErrors(2).build();
    store.update(erroring);
    store.update(stats("stalled", NOW - 1000, 0, NOW - 30_000, 2000));
    store.update(StreamStats.newBuilder(live("slow", 1)).setDegraded(1).build());

    assertThat(ids(store.query(StreamQuery.defaults()))).containsExactly("stalled", "erroring", "slow", "fine");
  }

  @Test
  void filtersByIdSubstringIgnoringCaseAndByStatus() {
    store.update(live("Camera-North-1", 1));
    store.update(live("camera-south-2", 1));
    store.update(live("studio-1", 1));
    store.update(stats("camera-east-3", NOW - 1000, 0, NOW - 60_000, 2000));

    assertThat(ids(query("q", "CAMERA", "sort", "id"))).containsExactly("Camera-North-1", "camera-east-3", "camera-south-2");
    assertThat(ids(query("q", "-1"))).containsExactlyInAnyOrder("Camera-North-1", "studio-1");
    assertThat(ids(query("status", "stalled"))).containsExactly("camera-east-3");
    assertThat(ids(query("status", "ok", "q", "camera", "sort", "id"))).containsExactly("Camera-North-1", "camera-south-2");
    StreamPage none = query("q", "nothing-like-this");
    assertThat(none.rows()).isEmpty();
    assertThat(none.matched()).isZero();
    assertThat(none.total()).isEqualTo(4);
    assertThat(none.pages()).isEqualTo(1);
  }

  @Test
  void paginatesAndClampsAPagePastTheEnd() {
    for (int i = 0; i < 25; i++) {
      store.update(live(String.format("s%02d", i), 1));
    }
    StreamPage p1 = query("sort", "id", "size", "10");
    assertThat(p1.pages()).isEqualTo(3);
    assertThat(p1.matched()).isEqualTo(25);
    assertThat(ids(p1)).first().isEqualTo("s00");
    assertThat(ids(query("sort", "id", "size", "10", "page", "3"))).containsExactly("s20", "s21", "s22", "s23", "s24");
    StreamPage past = query("sort", "id", "size", "10", "page", "9");
    assertThat(past.page()).isEqualTo(3);
    assertThat(ids(past)).hasSize(5);
  }

  @Test
  void stalledMeansNoSegmentForMoreThanThreePeriods() {
    // Reported a second ago (window end NOW - 1000): ages are taken at the window's end.
    store.update(stats("p2", NOW - 1000, 0, NOW - 7000, 2000));
    store.update(stats("p2-late", NOW - 1000, 0, NOW - 7001, 2000));
    // No period estimate yet: the window length (5 s) stands in.
    store.update(stats("unknown-period", NOW - 1000, 0, NOW - 16_001, 0));
    store.update(stats("unknown-ok", NOW - 1000, 0, NOW - 16_000, 0));

    assertThat(statuses())
        .containsEntry("p2", StreamStatus.OK)
        .containsEntry("p2-late", StreamStatus.STALLED)
        .containsEntry("unknown-period", StreamStatus.STALLED)
        .containsEntry("unknown-ok", StreamStatus.OK);

    clock.addAndGet(20_000);
    assertThat(store.summary().stalled()).as("no report for two windows: silence counts").isEqualTo(4);
  }

  @Test
  void notStalledWhileTheNextReportIsStillDue() {
    // A 2 s stream reported every 5 s: its last segment came half a second before the window closed.
    long end = NOW - 9000;
    store.update(stats("s", end, 0.4, end - 500, 2000));
    assertThat(statuses()).containsEntry("s", StreamStatus.OK);
    clock.addAndGet(5000);
    assertThat(statuses()).as("the next report is late but within a window").containsEntry("s", StreamStatus.OK);
    clock.addAndGet(3000);
    assertThat(statuses()).containsEntry("s", StreamStatus.STALLED);
  }

  private Map<String, StreamStatus> statuses() {
    Map<String, StreamStatus> status = new HashMap<>();
    store.query(StreamQuery.defaults()).rows().forEach(r -> status.put(r.id(), r.status()));
    return status;
  }

  @Test
  void keepsHistoryInOrderIgnoresOldWindowsAndReplacesARepeat() {
    long end = NOW - 50_000;
    for (int i = 0; i < 10; i++) {
      store.update(stats("s", end + i * WINDOW, i, end + i * WINDOW, 2000));
    }
    store.update(stats("s", end, 99, end, 2000));
    store.update(stats("s", end + 9 * WINDOW, 42, end + 9 * WINDOW, 2000));

    StreamRow row = store.query(StreamQuery.defaults()).rows().get(0);
    assertThat(row.history()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 42);
    assertThat(row.segmentsPerS()).isEqualTo(42);

    clock.addAndGet(30_000);
    assertThat(store.query(StreamQuery.defaults()).rows().get(0).history())
        .as("only the last 60 s")
        .containsExactly(4, 5, 6, 7, 8, 42);
  }

  @Test
  void historyIsBounded() {
    for (int i = 0; i < StatsStore.MAX_HISTORY + 30; i++) {
      store.update(stats("s", NOW - 1000 - (StatsStore.MAX_HISTORY + 30 - i) * 100L, i, NOW, 2000));
    }
    assertThat(store.query(StreamQuery.defaults()).rows().get(0).history()).hasSize(StatsStore.MAX_HISTORY);
  }

  @Test
  void tombstoneRemovesTheStream() {
    store.update(live("a", 1));
    store.update(live("b", 1));
    store.remove("a");
    assertThat(store.size()).isEqualTo(1);
    assertThat(ids(store.query(StreamQuery.defaults()))).containsExactly("b");
  }

  @Test
  void summaryAddsUpFreshWindowsOnly() {
    store.update(live("a", 1.0));
    store.update(StreamStats.newBuilder(live("b", 0.5)).setErrors(1).setDegraded(2).setIngestToVerdictP99Ms(900).build());
    // The job stopped reporting this one long ago: it counts as a stream but not in the rates.
    store.update(stats("old", NOW - 60_000, 7.0, NOW - 61_000, 2000));

    StoreSummary s = store.summary();
    assertThat(s.streams()).isEqualTo(3);
    assertThat(s.live()).isEqualTo(2);
    assertThat(s.stalled()).isEqualTo(1);
    assertThat(s.segmentsPerS()).isEqualTo(1.5);
    assertThat(s.framesPerS()).isEqualTo(3.0);
    assertThat(s.bytesPerS()).isEqualTo(75_000.0);
    assertThat(s.decisions()).containsEntry("ALLOW", 4L).containsEntry("BLOCK", 2L).containsEntry("ERROR", 0L);
    assertThat(s.errors()).isEqualTo(1);
    assertThat(s.degraded()).isEqualTo(2);
    assertThat(s.withErrors()).isEqualTo(1);
    assertThat(s.p99MaxMs()).isEqualTo(900);
  }

  @Test
  void fiveThousandStreamsPageWithHistoryOnlyOnThePage() {
    for (int i = 0; i < 5000; i++) {
      store.update(live("stream-" + i, i % 7));
    }
    StreamPage p = query("sort", "segments_per_s", "size", "50", "q", "stream-4");
    assertThat(p.total()).isEqualTo(5000);
    assertThat(p.matched()).isEqualTo(1111);
    assertThat(p.rows()).hasSize(50).allSatisfy(r -> assertThat(r.history()).hasSize(1));
    assertThat(p.rows().get(0).segmentsPerS()).isEqualTo(6.0);
  }

  @Test
  void badQueriesAreRefusedWithTheParameterNamed() {
    assertThatThrownBy(() -> query("sort", "nope")).hasMessageContaining("sort").hasMessageContaining("nope");
    assertThatThrownBy(() -> query("order", "sideways")).hasMessageContaining("order");
    assertThatThrownBy(() -> query("status", "fine")).hasMessageContaining("status");
    assertThatThrownBy(() -> query("page", "0")).hasMessageContaining("page");
    assertThatThrownBy(() -> query("page", "x")).hasMessageContaining("page");
    assertThatThrownBy(() -> query("size", "100000")).hasMessageContaining("size");
    assertThatThrownBy(() -> query("q", "x".repeat(500))).hasMessageContaining("q must");
  }
}
