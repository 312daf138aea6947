package dev.streammod.pipeline.stats;

import dev.streammod.connectors.TopicSpec;

/**
 * The stream-stats topic: compacted, so that a reader starting late still finds the latest record
 * of every stream the job tracks (and tombstones drop the streams it forgot), while the last few
 * minutes stay uncompacted for the dashboard's sparklines.
 */
public final class StatsTopic {
  /** Records younger than this are never compacted away: the dashboard's history window. */
  public static final long MIN_COMPACTION_LAG_MS = 15 * 60 * 1000L;

  private StatsTopic() {}

  public static TopicSpec spec(String name, int partitions) {
    return TopicSpec.compactTopic(name, partitions)
        .withConfig("min.compaction.lag.ms", Long.toString(MIN_COMPACTION_LAG_MS))
        // Roll segments hourly so compaction (which skips the active segment) runs at low rates.
        .withConfig("segment.ms", Long.toString(60 * 60 * 1000L))
        .withConfig("delete.retention.ms", Long.toString(60 * 60 * 1000L));
  }
}
