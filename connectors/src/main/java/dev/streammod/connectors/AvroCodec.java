package dev.streammod.connectors;

import dev.streammod.connectors.AvroDecodeException.Reason;
import dev.streammod.connectors.avro.DeadLetter;
import dev.streammod.connectors.avro.ModerationVerdict;
import dev.streammod.connectors.avro.StreamStats;
import dev.streammod.connectors.avro.VideoSegment;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.DatumReader;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding (marker {@code C3 01}, 8-byte schema fingerprint, binary body) for
 * one generated record type.
 *
 * <p>Records written with an older version of the schema decode into the current generated class:
 * older writer schemas ship as resources {@code schemas/<RecordName>-v1.avsc}, {@code -v2.avsc},
 * ... (numbered from 1 without gaps, each self-contained) and each gets its own reader, found by
 * the fingerprint in the record's header. Each must be readable by the current schema; the codec
 * checks that when it first loads them.
 *
 * <p>Before Avro decodes a body, {@link AvroShapeCheck} walks it with the writer schema and checks
 * every length, count and index against the bytes present, so corrupt input is rejected cheaply and
 * never makes Avro allocate more than the input's size. {@code bytes} fields are decoded as views of
 * the input, not copies.
 *
 * <p>Thread-safe. Serializable so it can be a field of a Flink function: only the record class
 * travels; the Avro encoder and decoder are rebuilt lazily after deserialization.
 */
public final class AvroCodec<T extends SpecificRecord> implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Where older writer schemas live on the classpath. */
  public static final String SCHEMA_RESOURCE_DIR = "schemas/";

  private static final int HEADER_LENGTH = 10;
  private static final byte MARKER_0 = (byte) 0xC3;
  private static final byte MARKER_1 = (byte) 0x01;

  private final Class<T> type;
  private transient volatile Codecs<T> codecs;

  private AvroCodec(Class<T> type) {
    this.type = Objects.requireNonNull(type, "type");
  }

  public static AvroCodec<VideoSegment> videoSegments() {
    return new AvroCodec<>(VideoSegment.class);
  }

  public static AvroCodec<ModerationVerdict> verdicts() {
    return new AvroCodec<>(ModerationVerdict.class);
  }

  public static AvroCodec<DeadLetter> deadLetters() {
    return new AvroCodec<>(DeadLetter.class);
  }

  public static AvroCodec<StreamStats> streamStats() {
    return new AvroCodec<>(StreamStats.class);
  }

  /** A codec for any generated record class; older schemas are looked up by its simple name. */
  public static <R extends SpecificRecord> AvroCodec<R> of(Class<R> type) {
    return new AvroCodec<>(type);
  }

  public Class<T> recordClass() {
    return type;
  }

  /** The current (reader and writer) schema: the one the generated class was built from. */
  public Schema schema() {
    return codecs().schema;
  }

  /** Older writer schemas this codec can read, oldest first. */
  public List<Schema> olderSchemas() {
    return codecs().olderSchemas;
  }

  /** Single-object encoding of the record with the current schema. */
  public byte[] encode(T record) {
    Objects.requireNonNull(record, "record");
    Codecs<T> c = codecs();
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try {
      c.encoder.encode(record, out);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode " + type.getSimpleName(), e);
    } catch (RuntimeException e) {
      // Avro reports a missing required field as a NullPointerException naming the field.
      throw new IllegalArgumentException(
          "Cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  /**
   * Decodes single-object encoded bytes written with the current schema or any registered older
   * one. Its {@code bytes} fields are views of {@code bytes}, not copies (a segment's payload is
   * most of its record): the caller must not change the array while the record is in use.
   *
   * @throws AvroDecodeException naming the reason and the byte length; never a raw Avro exception
   */
  public T decode(byte[] bytes) throws AvroDecodeException {
    String name = type.getSimpleName();
    if (bytes == null || bytes.length == 0) {
      throw new AvroDecodeException(Reason.EMPTY, name, 0, null, "no bytes", null);
    }
    int length = bytes.length;
    if (bytes[0] != MARKER_0 || (length > 1 && bytes[1] != MARKER_1)) {
      throw new AvroDecodeException(
          Reason.NOT_SINGLE_OBJECT,
          name,
          length,
          null,
          "expected marker C3 01, found " + hexPrefix(bytes, 2),
          null);
    }
    if (length < HEADER_LENGTH) {
      throw new AvroDecodeException(
          Reason.TRUNCATED,
          name,
          length,
          null,
          "the single-object header alone needs " + HEADER_LENGTH + " bytes",
          null);
    }
    long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Codecs<T> c = codecs();
    Schema writer = c.schemasByFingerprint.get(fingerprint);
    if (writer == null) {
      throw unknownSchema(name, length, fingerprint, c);
    }
    checkShape(writer, bytes, name, fingerprint);
    SlicingDecoder in = new SlicingDecoder(bytes, HEADER_LENGTH);
    T record;
    try {
      record = c.readers.get(fingerprint).read(null, in);
    } catch (IOException | RuntimeException e) {
      boolean eof = hasCause(e, EOFException.class);
      throw new AvroDecodeException(
          eof ? Reason.TRUNCATED : Reason.MALFORMED,
          name,
          length,
          fingerprint,
          eof ? "the body ended early" : describe(e),
          e);
    }
    int left = in.remaining();
    if (left > 0) {
      throw new AvroDecodeException(
          Reason.TRAILING_BYTES,
          name,
          length,
          fingerprint,
          left + " bytes left after a complete record",
          null);
    }
    return record;
  }

  private static AvroDecodeException unknownSchema(
      String name, int length, long fingerprint, Codecs<?> c) {
    return new AvroDecodeException(
        Reason.UNKNOWN_SCHEMA,
        name,
        length,
        fingerprint,
        "known fingerprints are "
            + c.knownFingerprints
            + " (a newer writer, or another record"
            + " type? older versions of "
            + name
            + " belong under "
            + SCHEMA_RESOURCE_DIR
            + ")",
        null);
  }

  private static void checkShape(Schema writer, byte[] bytes, String name, long fingerprint)
      throws AvroDecodeException {
    try {
      AvroShapeCheck.check(writer, bytes, HEADER_LENGTH);
    } catch (AvroShapeCheck.Problem p) {
      throw new AvroDecodeException(
          p.reason, name, bytes.length, fingerprint, p.getMessage(), null);
    }
  }

  private Codecs<T> codecs() {
    Codecs<T> c = codecs;
    if (c == null) {
      synchronized (this) {
        c = codecs;
        if (c == null) {
          c = new Codecs<>(type);
          codecs = c;
        }
      }
    }
    return c;
  }

  @Override
  public String toString() {
    return "AvroCodec[" + type.getName() + "]";
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> kind) {
    for (Throwable x = t; x != null; x = x.getCause()) {
      if (kind.isInstance(x)) {
        return true;
      }
      if (x.getCause() == x) {
        break;
      }
    }
    return false;
  }

  private static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getMessage();
    return root.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
  }

  private static String hexPrefix(byte[] bytes, int max) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(max, bytes.length); i++) {
      sb.append(String.format("%02X", bytes[i]))
          .append(i + 1 < Math.min(max, bytes.length) ? " " : "");
    }
    return sb.toString();
  }

  /** Loads {@code schemas/<Name>-vN.avsc} for N = 1, 2, ... until one is missing. */
  static List<Schema> loadOlderSchemas(Class<?> type, Schema current) {
    List<Schema> older = new ArrayList<>();
    ClassLoader loader = type.getClassLoader();
    for (int version = 1; ; version++) {
      String resource = SCHEMA_RESOURCE_DIR + type.getSimpleName() + "-v" + version + ".avsc";
      Schema schema;
      try (InputStream in = loader.getResourceAsStream(resource)) {
        if (in == null) {
          break;
        }
        schema = new Schema.Parser().parse(in);
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException("Cannot parse schema resource " + resource + ": " + e, e);
      }
      if (!schema.getFullName().equals(current.getFullName())) {
        throw new IllegalStateException(
            "Schema resource "
                + resource
                + " defines "
                + schema.getFullName()
                + ", expected "
                + current.getFullName());
      }
      SchemaCompatibility.SchemaPairCompatibility compatibility =
          SchemaCompatibility.checkReaderWriterCompatibility(current, schema);
      if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
        throw new IllegalStateException(
            "The current "
                + current.getName()
                + " schema cannot read records written with "
                + resource
                + ": "
                + compatibility.getResult().getIncompatibilities());
      }
      older.add(schema);
    }
    return List.copyOf(older);
  }

  /** The non-serializable half, built once per codec instance. */
  private static final class Codecs<T> {
    final Schema schema;
    final List<Schema> olderSchemas;
    final BinaryMessageEncoder<T> encoder;
    /** A reader per writer schema, by fingerprint; Avro's readers are safe to share. */
    final Map<Long, DatumReader<T>> readers;
    final String knownFingerprints;
    final Map<Long, Schema> schemasByFingerprint;

    Codecs(Class<T> type) {
      SpecificData model = SpecificData.getForClass(type);
      this.schema = model.getSchema(type);
      this.olderSchemas = loadOlderSchemas(type, schema);
      this.encoder = new BinaryMessageEncoder<>(model, schema);
      List<Schema> all = new ArrayList<>(olderSchemas);
      all.add(schema);
      Map<Long, Schema> byFingerprint = new HashMap<>();
      for (Schema s : all) {
        byFingerprint.put(SchemaNormalization.parsingFingerprint64(s), s);
      }
      this.schemasByFingerprint = Map.copyOf(byFingerprint);
      Map<Long, DatumReader<T>> readersByFingerprint = new HashMap<>();
      byFingerprint.forEach(
          (fingerprint, writer) -> {
            @SuppressWarnings("unchecked")
            DatumReader<T> reader = (DatumReader<T>) model.createDatumReader(writer, schema);
            readersByFingerprint.put(fingerprint, reader);
          });
      this.readers = Map.copyOf(readersByFingerprint);
      this.knownFingerprints =
          all.stream()
              .map(
                  s ->
                      AvroDecodeException.fingerprintHex(
                          SchemaNormalization.parsingFingerprint64(s)))
              .distinct()
              .collect(Collectors.joining(", ", "[", "]"));
    }
  }
}
