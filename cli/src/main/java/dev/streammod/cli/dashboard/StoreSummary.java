package dev.streammod.cli.dashboard;

import java.util.Map;

/**
 * Totals over all streams. Rates, decisions and errors add up the latest window of each stream
 * whose record is fresh (its window ended less than {@link StatsStore#STALL_FACTOR} windows ago),
 * so a job that stopped reporting does not leave old rates on the page.
 *
 * @param live streams that are not stalled
 */
public record StoreSummary(
    long streams,
    long live,
    long stalled,
    long withErrors,
    long withDegraded,
    double segmentsPerS,
    double framesPerS,
    double bytesPerS,
    Map<String, Long> decisions,
    long errors,
    long degraded,
    long p99MaxMs,
    long lastWindowEndMs) {}
