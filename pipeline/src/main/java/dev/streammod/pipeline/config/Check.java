package dev.streammod.pipeline.config;

/** Validation helpers whose messages name the field and the value that was refused. */
final class Check {
  private Check() {}

  static int positive(String field, Integer value, int fallback) {
    int v = value == null ? fallback : value;
    if (v <= 0) {
      throw new IllegalArgumentException(field + " must be > 0, got " + v);
    }
    return v;
  }

  static long positive(String field, Long value, long fallback) {
    long v = value == null ? fallback : value;
    if (v <= 0) {
      throw new IllegalArgumentException(field + " must be > 0, got " + v);
    }
    return v;
  }

  static String nonBlank(String field, String value, String fallback) {
    String v = value == null ? fallback : value;
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(field + " must not be empty, got '" + v + "'");
    }
    return v;
  }

  static <E extends Enum<E>> E oneOf(String field, String value, Class<E> type, E fallback) {
    if (value == null) {
      return fallback;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value.replace('-', '_'))) {
        return e;
      }
    }
    StringBuilder allowed = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      allowed.append(allowed.length() == 0 ? "" : ", ").append(e.name().toLowerCase().replace('_', '-'));
    }
    throw new IllegalArgumentException(
        field + " must be one of [" + allowed + "], got '" + value + "'");
  }
}
