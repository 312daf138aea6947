package dev.streammod.cli.dashboard;

import java.util.Locale;
import java.util.Map;

/**
 * One page of the stream table: sort, filters and page, validated.
 *
 * @param filter case-insensitive substring of the stream id; empty for all
 * @param status only streams in this status; null for all
 * @param page 1-based
 */
public record StreamQuery(
    SortKey sort, boolean descending, String filter, StreamStatus status, int page, int pageSize) {
  public static final int DEFAULT_PAGE_SIZE = 50;
  public static final int MAX_PAGE_SIZE = 500;
  public static final int MAX_FILTER_LENGTH = 200;

  public StreamQuery {
    if (sort == null) {
      throw new IllegalArgumentException("sort must not be null");
    }
    filter = filter == null ? "" : filter.trim();
    if (filter.length() > MAX_FILTER_LENGTH) {
      throw new IllegalArgumentException(
          "q must be at most " + MAX_FILTER_LENGTH + " characters, got " + filter.length());
    }
    if (page < 1) {
      throw new IllegalArgumentException("page must be >= 1, got " + page);
    }
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException(
          "size must be within 1-" + MAX_PAGE_SIZE + ", got " + pageSize);
    }
  }

  /** Worst first, then busiest: what an operator looks at first. */
  public static StreamQuery defaults() {
    return new StreamQuery(SortKey.STATUS, false, "", null, 1, DEFAULT_PAGE_SIZE);
  }

  /**
   * From query parameters: {@code sort} (a {@link SortKey}, default status), {@code order} (asc or
   * desc; default desc for numbers, asc for id and status), {@code q}, {@code status}, {@code page},
   * {@code size}.
   */
  public static StreamQuery fromParams(Map<String, String> p) {
    SortKey sort = p.get("sort") == null || p.get("sort").isBlank() ? SortKey.STATUS : SortKey.parse(p.get("sort"));
    String order = p.get("order");
    boolean descending;
    if (order == null || order.isBlank()) {
      descending = sort != SortKey.ID && sort != SortKey.STATUS;
    } else if (order.equalsIgnoreCase("desc")) {
      descending = true;
    } else if (order.equalsIgnoreCase("asc")) {
      descending = false;
    } else {
      throw new IllegalArgumentException("order must be asc or desc, got '" + order + "'");
    }
    return new StreamQuery(
        sort,
        descending,
        p.get("q"),
        StreamStatus.parse(p.get("status")),
        intParam(p, "page", 1),
        intParam(p, "size", DEFAULT_PAGE_SIZE));
  }

  boolean matches(String id) {
    return filter.isEmpty() || id.toLowerCase(Locale.ROOT).contains(filter.toLowerCase(Locale.ROOT));
  }

  private static int intParam(Map<String, String> p, String name, int fallback) {
    String v = p.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got '" + v + "'");
    }
  }
}
