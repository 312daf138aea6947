package dev.streammod.cli.bench;

import java.util.Locale;

/**
 * One row of a run's time series, sampled every second and after each forced full GC. {@code
 * heapLiveMb} is the live heap measured by that GC, NaN in the other rows; the window figures are
 * of the verdicts since the previous row.
 */
public record Sample(
    double seconds,
    String phase,
    double offeredPerSecond,
    long produced,
    long verdicts,
    long backlog,
    long lag,
    double heapUsedMb,
    double heapAfterGcMb,
    double heapLiveMb,
    double rssMb,
    int batcherQueuedFrames,
    long windowVerdicts,
    long windowP50Ms,
    long windowP99Ms) {

  /** The header of {@link #progressLine}. */
  static final String PROGRESS_HEADER =
      "   time  phase   offered/s  produced  verdicts  backlog      lag  verdicts/s  p50 ms  p99 ms  heap MiB  rss MiB  batcher q";

  private static final CsvColumns<Sample> CSV =
      new CsvColumns<Sample>()
          .add("seconds", "%.1f", Sample::seconds)
          .add("phase", "%s", Sample::phase)
          .add("offered_per_s", "%.1f", Sample::offeredPerSecond)
          .add("produced", "%d", Sample::produced)
          .add("verdicts", "%d", Sample::verdicts)
          .add("backlog", "%d", Sample::backlog)
          .add("lag", "%d", Sample::lag)
          .add("heap_used_mb", "%.1f", Sample::heapUsedMb)
          .add("heap_after_gc_mb", "%.1f", Sample::heapAfterGcMb)
          .addText(
              "heap_live_mb",
              s -> Double.isNaN(s.heapLiveMb()) ? "" : String.format(Locale.ROOT, "%.1f", s.heapLiveMb()))
          .add("rss_mb", "%.1f", Sample::rssMb)
          .add("batcher_queued_frames", "%d", Sample::batcherQueuedFrames)
          .add("window_verdicts", "%d", Sample::windowVerdicts)
          .add("window_p50_ms", "%d", Sample::windowP50Ms)
          .add("window_p99_ms", "%d", Sample::windowP99Ms);

  static String csvHeader() {
    return CSV.header();
  }

  String csvRow() {
    return CSV.row(this);
  }

  /** The progress line of this row, with the verdict rate since the previous line. */
  String progressLine(double verdictsPerSecond) {
    return String.format(
        Locale.ROOT,
        "%6.0fs  %-6s  %9.1f  %8d  %8d  %7d  %7d  %10.1f  %6d  %6d  %8.0f  %7.0f  %9d",
        seconds, phase, offeredPerSecond, produced, verdicts, backlog, lag, verdictsPerSecond,
        windowP50Ms, windowP99Ms, heapUsedMb, rssMb, batcherQueuedFrames);
  }
}
