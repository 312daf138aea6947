package dev.streammod.connectors;

/**
 * One Kafka record as it came off the topic, undecoded, with where it came from. A Flink POJO
 * (public no-arg constructor, public fields), so Flink's PojoSerializer handles it without Kryo.
 */
public final class RawRecord {
  public String topic;
  public int partition;
  public long offset;

  /** The Kafka record timestamp, epoch milliseconds. */
  public long timestamp;

  /** May be null. */
  public byte[] key;

  /** May be null (a tombstone). */
  public byte[] value;

  public RawRecord() {}

  public RawRecord(
      String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.timestamp = timestamp;
    this.key = key;
    this.value = value;
  }

  /** {@code topic-partition@offset}, for messages and logs. */
  public String position() {
    return topic + "-" + partition + "@" + offset;
  }

  @Override
  public String toString() {
    return "RawRecord["
        + position()
        + ", timestamp="
        + timestamp
        + ", key="
        + (key == null ? "null" : key.length + " bytes")
        + ", value="
        + (value == null ? "null" : value.length + " bytes")
        + "]";
  }
}
