package dev.streammod.cli.bench;

import java.util.Locale;

/**
 * One JSON object on one line, its keys in the order they are put and each number with the
 * decimals given, so that the benchmark's report lines keep a fixed shape that scripts can diff.
 */
final class JsonLine {
  private final StringBuilder json = new StringBuilder("{");

  JsonLine put(String key, long value) {
    return putJson(key, Long.toString(value));
  }

  JsonLine put(String key, double value, int decimals) {
    return putJson(key, String.format(Locale.ROOT, "%." + decimals + "f", value));
  }

  JsonLine put(String key, String value) {
    return putJson(key, '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"');
  }

  /** {@code json} is written as it is: an object or array already written. */
  JsonLine putJson(String key, String json) {
    this.json.append(this.json.length() == 1 ? "" : ",").append('"').append(key).append("\":").append(json);
    return this;
  }

  @Override
  public String toString() {
    return json + "}";
  }
}
