package dev.streammod.connectors;

import java.util.OptionalLong;

/**
 * Bytes that are not a readable Avro single-object encoded record of the expected type. The message
 * says what was wrong and how many bytes there were; {@link #reason()} is stable enough to be used
 * as an error code (for example in a dead-letter record).
 */
public final class AvroDecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What was wrong with the bytes. */
  public enum Reason {
    /** Null or zero bytes. */
    EMPTY,
    /** Shorter than the 10-byte header, or not starting with the single-object marker C3 01. */
    NOT_SINGLE_OBJECT,
    /** Header is fine, but no known schema version of the record type has this fingerprint. */
    UNKNOWN_SCHEMA,
    /** The body ended before the record was complete. */
    TRUNCATED,
    /** The body could not be read with the writer schema (corrupt lengths, union or enum index). */
    MALFORMED,
    /** A complete record was read but bytes were left over. */
    TRAILING_BYTES,
    /** Raised by calling code with its own message (see {@link #AvroDecodeException(String)}). */
    OTHER
  }

  private final Reason reason;
  private final String recordType;
  private final int byteLength;
  private final Long fingerprint;

  /** For callers that reject a record before or after decoding it; reason {@link Reason#OTHER}. */
  public AvroDecodeException(String message) {
    this(Reason.OTHER, message);
  }

  /** For callers that reject a record themselves, e.g. a null value as {@link Reason#EMPTY}. */
  public AvroDecodeException(Reason reason, String message) {
    super(message);
    this.reason = reason;
    this.recordType = "";
    this.byteLength = 0;
    this.fingerprint = null;
  }

  AvroDecodeException(
      Reason reason,
      String recordType,
      int byteLength,
      Long fingerprint,
      String detail,
      Throwable cause) {
    super(message(reason, recordType, byteLength, fingerprint, detail), cause);
    this.reason = reason;
    this.recordType = recordType;
    this.byteLength = byteLength;
    this.fingerprint = fingerprint;
  }

  private static String message(
      Reason reason, String recordType, int byteLength, Long fingerprint, String detail) {
    StringBuilder sb =
        new StringBuilder("Cannot decode ")
            .append(recordType)
            .append(" from ")
            .append(byteLength)
            .append(" bytes: ")
            .append(reason);
    if (fingerprint != null) {
      sb.append(" (schema fingerprint bytes ").append(fingerprintHex(fingerprint)).append(')');
    }
    if (detail != null && !detail.isEmpty()) {
      sb.append(": ").append(detail);
    }
    return sb.toString();
  }

  /** The fingerprint as 16 hex digits, in the byte order it has on the wire (little endian). */
  static String fingerprintHex(long fingerprint) {
    return String.format("%016x", Long.reverseBytes(fingerprint));
  }

  public Reason reason() {
    return reason;
  }

  /** Simple name of the expected record type, e.g. {@code VideoSegment}. */
  public String recordType() {
    return recordType;
  }

  /** How many bytes were given (0 for null). */
  public int byteLength() {
    return byteLength;
  }

  /** The writer schema fingerprint from the header, when the header could be read. */
  public OptionalLong fingerprint() {
    return fingerprint == null ? OptionalLong.empty() : OptionalLong.of(fingerprint);
  }
}
