package dev.streammod.cli.dashboard;

import java.util.Map;

/**
 * One stream as the table shows it: the latest window's figures, its status, a throughput history
 * (segments/s per window, oldest first) and its newest REVIEW or BLOCK verdict (null if none).
 */
public record StreamRow(
    String id,
    StreamStatus status,
    double segmentsPerS,
    double framesPerS,
    double bytesPerS,
    long p50Ms,
    long p99Ms,
    double decodeMs,
    double inferMs,
    Map<String, Long> decisions,
    long errors,
    long degraded,
    long lastSeenMs,
    long periodMs,
    long windowEndMs,
    double[] history,
    LastFlag lastFlag) {

  /**
   * The stream's newest flagged verdict; {@code thumbnail} when the dashboard holds its evidence
   * ({@code GET /api/evidence?stream=ID}).
   */
  public record LastFlag(long sequence, String decision, long atMs, boolean thumbnail) {}
}
