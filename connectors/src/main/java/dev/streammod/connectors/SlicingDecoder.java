package dev.streammod.connectors;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

/**
 * Avro binary decoding of a byte array in which every {@code bytes} value is a view of the array
 * itself, not a copy: a video segment's payload (most of its record) is never copied on its way
 * from the Kafka record to the decoder. The views keep the whole array alive as long as they are
 * held.
 *
 * <p>Everything but {@code bytes} is read by Avro's own unbuffered decoder over the same array, so
 * the position of the next value is always this class's to know.
 */
final class SlicingDecoder extends Decoder {
  private final Input in;
  private final BinaryDecoder binary;

  SlicingDecoder(byte[] bytes, int offset) {
    this.in = new Input(bytes, offset);
    this.binary = DecoderFactory.get().directBinaryDecoder(in, null);
  }

  /** Bytes not read yet. */
  int remaining() {
    return in.available();
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    long length = binary.readLong();
    if (length < 0 || length > in.available()) {
      throw new EOFException(
          "a bytes value of " + length + " bytes, with " + in.available() + " bytes left");
    }
    return in.slice((int) length);
  }

  @Override
  public void skipBytes() throws IOException {
    binary.skipBytes();
  }

  @Override
  public void readNull() throws IOException {
    binary.readNull();
  }

  @Override
  public boolean readBoolean() throws IOException {
    return binary.readBoolean();
  }

  @Override
  public int readInt() throws IOException {
    return binary.readInt();
  }

  @Override
  public long readLong() throws IOException {
    return binary.readLong();
  }

  @Override
  public float readFloat() throws IOException {
    return binary.readFloat();
  }

  @Override
  public double readDouble() throws IOException {
    return binary.readDouble();
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    return binary.readString(old);
  }

  @Override
  public String readString() throws IOException {
    return binary.readString();
  }

  @Override
  public void skipString() throws IOException {
    binary.skipString();
  }

  @Override
  public void readFixed(byte[] bytes, int start, int length) throws IOException {
    binary.readFixed(bytes, start, length);
  }

  @Override
  public void skipFixed(int length) throws IOException {
    binary.skipFixed(length);
  }

  @Override
  public int readEnum() throws IOException {
    return binary.readEnum();
  }

  @Override
  public long readArrayStart() throws IOException {
    return binary.readArrayStart();
  }

  @Override
  public long arrayNext() throws IOException {
    return binary.arrayNext();
  }

  @Override
  public long skipArray() throws IOException {
    return binary.skipArray();
  }

  @Override
  public long readMapStart() throws IOException {
    return binary.readMapStart();
  }

  @Override
  public long mapNext() throws IOException {
    return binary.mapNext();
  }

  @Override
  public long skipMap() throws IOException {
    return binary.skipMap();
  }

  @Override
  public int readIndex() throws IOException {
    return binary.readIndex();
  }

  /** The array as a stream whose position is known. */
  private static final class Input extends ByteArrayInputStream {
    Input(byte[] bytes, int offset) {
      super(bytes, offset, bytes.length - offset);
    }

    /**
     * The next {@code length} bytes as a view backed by the array (so that readers can reach the
     * array without a copy; none writes to it); the stream moves past them.
     */
    ByteBuffer slice(int length) {
      ByteBuffer view = ByteBuffer.wrap(buf, pos, length).slice();
      pos += length;
      return view;
    }
  }
}
