package dev.streammod.connectors;

import java.nio.charset.StandardCharsets;

/**
 * A record to write: a string key (written as UTF-8; null for no key) and the value bytes. A Flink
 * POJO (public no-arg constructor, public fields), so Flink's PojoSerializer handles it.
 */
public final class KeyedBytes {
  /**
   * Written as UTF-8; null writes a record without a key. Records with the same key go to the same
   * partition.
   */
  public String key;

  public byte[] value;

  public KeyedBytes() {}

  public KeyedBytes(String key, byte[] value) {
    this.key = key;
    this.value = value;
  }

  public static KeyedBytes of(String key, byte[] value) {
    return new KeyedBytes(key, value);
  }

  byte[] keyBytes() {
    return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "KeyedBytes[key="
        + key
        + ", value="
        + (value == null ? "null" : value.length + " bytes")
        + "]";
  }
}
