package dev.streammod.cli.dashboard;

import java.util.Comparator;
import java.util.Locale;

/** The columns the stream table can be sorted by; the API spelling is the lower-case name. */
public enum SortKey {
  ID(Comparator.comparing(StreamRow::id)),
  STATUS(Comparator.comparing(StreamRow::status)),
  SEGMENTS_PER_S(Comparator.comparingDouble(StreamRow::segmentsPerS)),
  FRAMES_PER_S(Comparator.comparingDouble(StreamRow::framesPerS)),
  BYTES_PER_S(Comparator.comparingDouble(StreamRow::bytesPerS)),
  P50_MS(Comparator.comparingLong(StreamRow::p50Ms)),
  P99_MS(Comparator.comparingLong(StreamRow::p99Ms)),
  DECODE_MS(Comparator.comparingDouble(StreamRow::decodeMs)),
  INFER_MS(Comparator.comparingDouble(StreamRow::inferMs)),
  ERRORS(Comparator.comparingLong(StreamRow::errors)),
  DEGRADED(Comparator.comparingLong(StreamRow::degraded)),
  LAST_SEEN(Comparator.comparingLong(StreamRow::lastSeenMs));

  private final Comparator<StreamRow> ascending;

  SortKey(Comparator<StreamRow> ascending) {
    this.ascending = ascending;
  }

  /** The order, ties broken by stream id so pages are stable. */
  public Comparator<StreamRow> comparator(boolean descending) {
    Comparator<StreamRow> c = descending ? ascending.reversed() : ascending;
    return this == ID ? c : c.thenComparing(StreamRow::id);
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static SortKey parse(String value) {
    for (SortKey k : values()) {
      if (k.name().equalsIgnoreCase(value.trim())) {
        return k;
      }
    }
    StringBuilder allowed = new StringBuilder();
    for (SortKey k : values()) {
      allowed.append(allowed.length() == 0 ? "" : ", ").append(k.label());
    }
    throw new IllegalArgumentException("sort must be one of " + allowed + ", got '" + value + "'");
  }
}
