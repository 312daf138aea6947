package dev.streammod.connectors;

import dev.streammod.connectors.AvroDecodeException.Reason;
import org.apache.avro.Schema;

/**
 * Walks an Avro binary body with its writer schema, checking every length, count and index against
 * the bytes actually present, without allocating anything.
 *
 * <p>Why: Avro's readers allocate a string, bytes or collection at whatever length the data claims
 * before reading it, and its skip methods move backwards on a negative length. One corrupt varint
 * could then ask for gigabytes or loop. After this check passes, every length in the body fits
 * inside it, so decoding allocates at most about the size of the input.
 */
final class AvroShapeCheck {
  /** Items of collections whose elements take no bytes (e.g. an array of nulls) we accept. */
  private static final long ZERO_SIZE_ITEM_BUDGET = 1_000_000;

  private final byte[] bytes;
  private final int end;
  private int pos;
  private long zeroSizeBudget = ZERO_SIZE_ITEM_BUDGET;

  private AvroShapeCheck(byte[] bytes, int offset) {
    this.bytes = bytes;
    this.pos = offset;
    this.end = bytes.length;
  }

  /** Problem found in the body: a reason and what was wrong where. */
  static final class Problem extends Exception {
    private static final long serialVersionUID = 1L;
    final Reason reason;

    Problem(Reason reason, String detail) {
      super(detail, null, false, false);
      this.reason = reason;
    }
  }

  /** Checks that {@code bytes[offset..]} is exactly one datum of {@code schema}. */
  static void check(Schema schema, byte[] bytes, int offset) throws Problem {
    AvroShapeCheck c = new AvroShapeCheck(bytes, offset);
    c.datum(schema, schema.getName());
    if (c.pos < c.end) {
      throw new Problem(
          Reason.TRAILING_BYTES, (c.end - c.pos) + " bytes left after a complete record");
    }
  }

  private void datum(Schema schema, String path) throws Problem {
    switch (schema.getType()) {
      case NULL:
        return;
      case BOOLEAN:
        if (pos >= end) {
          throw new Problem(Reason.TRUNCATED, path + ": the body ended before a boolean");
        }
        if ((bytes[pos] & 0xFF) > 1) {
          throw new Problem(Reason.MALFORMED, path + ": boolean byte " + (bytes[pos] & 0xFF));
        }
        pos++;
        return;
      case INT:
        varint(5, path);
        return;
      case LONG:
        varint(10, path);
        return;
      case FLOAT:
        skip(4, path);
        return;
      case DOUBLE:
        skip(8, path);
        return;
      case STRING:
      case BYTES:
        skip(length(path), path);
        return;
      case FIXED:
        skip(schema.getFixedSize(), path);
        return;
      case ENUM:
        {
          long index = varint(5, path);
          if (index < 0 || index >= schema.getEnumSymbols().size()) {
            throw new Problem(
                Reason.MALFORMED,
                path
                    + ": enum index "
                    + index
                    + " outside 0.."
                    + (schema.getEnumSymbols().size() - 1));
          }
          return;
        }
      case UNION:
        {
          long index = varint(10, path);
          if (index < 0 || index >= schema.getTypes().size()) {
            throw new Problem(
                Reason.MALFORMED,
                path + ": union branch " + index + " outside 0.." + (schema.getTypes().size() - 1));
          }
          datum(schema.getTypes().get((int) index), path);
          return;
        }
      case RECORD:
        for (Schema.Field field : schema.getFields()) {
          datum(field.schema(), path + "." + field.name());
        }
        return;
      case ARRAY:
        collection(schema.getElementType(), false, path);
        return;
      case MAP:
        collection(schema.getValueType(), true, path);
        return;
      default:
        throw new Problem(Reason.MALFORMED, path + ": unsupported type " + schema.getType());
    }
  }

  private void collection(Schema item, boolean map, String path) throws Problem {
    while (true) {
      long count = varint(10, path);
      if (count == 0) {
        return;
      }
      if (count < 0) {
        count = -count; // a negative count is followed by the block's size in bytes
        long size = varint(10, path);
        if (size < 0 || size > end - pos) {
          throw new Problem(
              size < 0 ? Reason.MALFORMED : Reason.TRUNCATED,
              path + ": block claims " + size + " bytes, " + (end - pos) + " left");
        }
      }
      for (long i = 0; i < count; i++) {
        int before = pos;
        if (map) {
          skip(length(path), path);
        }
        datum(item, path + "[" + i + "]");
        if (pos == before && --zeroSizeBudget < 0) {
          throw new Problem(Reason.MALFORMED, path + ": " + count + " items that take no bytes");
        }
      }
    }
  }

  private long length(String path) throws Problem {
    long length = varint(10, path);
    if (length < 0) {
      throw new Problem(Reason.MALFORMED, path + ": negative length " + length);
    }
    return length;
  }

  private void skip(long n, String path) throws Problem {
    if (n > end - pos) {
      throw new Problem(
          Reason.TRUNCATED, path + ": needs " + n + " bytes, " + (end - pos) + " left");
    }
    pos += (int) n;
  }

  /** Zig-zag varint of at most {@code maxBytes} bytes. */
  private long varint(int maxBytes, String path) throws Problem {
    long raw = 0;
    for (int i = 0; i < maxBytes; i++) {
      if (pos >= end) {
        throw new Problem(Reason.TRUNCATED, path + ": the body ended inside a number");
      }
      int b = bytes[pos++] & 0xFF;
      raw |= (long) (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new Problem(Reason.MALFORMED, path + ": number longer than " + maxBytes + " bytes");
  }
}
