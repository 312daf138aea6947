package dev.streammod.decoders;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVIOInterruptCB;
import org.bytedeco.ffmpeg.avformat.Read_packet_Pointer_BytePointer_int;
import org.bytedeco.ffmpeg.avformat.Seek_Pointer_long_int;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A seekable FFmpeg input ({@link AVIOContext}) over a range of a Java byte array, plus the
 * interrupt callback that lets FFmpeg abandon a decode past its deadline.
 *
 * <p>The callbacks are three JVM-wide native thunks (allocating one per segment would leak them:
 * JavaCPP never frees callback thunks); each call finds its input through the opaque pointer, a
 * native word whose address keys {@link #OPEN}.
 */
final class MemoryInput implements AutoCloseable {

  private static final int BUFFER_SIZE = 32 * 1024;
  private static final int SEEK_SET = 0;
  private static final int SEEK_CUR = 1;
  private static final int SEEK_END = 2;

  private static final int EINVAL = org.bytedeco.ffmpeg.presets.avutil.AVERROR_EINVAL();

  private static final Map<Long, MemoryInput> OPEN = new ConcurrentHashMap<>();
  private static final ReadCallback READ = new ReadCallback().retainReference();
  private static final SeekCallback SEEK = new SeekCallback().retainReference();
  private static final InterruptCallback INTERRUPT = new InterruptCallback().retainReference();

  private final byte[] data;
  private final int base;
  private final int length;
  private final BooleanSupplier interrupted;
  private final LongPointer opaque;
  private AVIOContext context;
  private int position;

  /**
   * @param data a heap buffer; its bytes from position to limit are the input
   * @param interrupted polled by FFmpeg inside long native loops (opening, probing); true aborts
   */
  MemoryInput(ByteBuffer data, BooleanSupplier interrupted) {
    this.data = data.array();
    this.base = data.arrayOffset() + data.position();
    this.length = data.remaining();
    this.interrupted = interrupted;
    this.opaque = new LongPointer(1);
    OPEN.put(opaque.address(), this);
    BytePointer buffer = new BytePointer(avutil.av_malloc(BUFFER_SIZE));
    if (buffer.isNull()) {
      close();
      throw new OutOfMemoryError("av_malloc(" + BUFFER_SIZE + ") failed for the AVIO buffer");
    }
    context = avformat.avio_alloc_context(buffer, BUFFER_SIZE, 0, opaque, READ, null, SEEK);
    if (context == null || context.isNull()) {
      avutil.av_free(buffer);
      context = null;
      close();
      throw new OutOfMemoryError("avio_alloc_context() failed");
    }
  }

  AVIOContext context() {
    return context;
  }

  /** Points {@code callback} (a format context's) at this input's deadline check. */
  void installInterrupt(AVIOInterruptCB callback) {
    callback.callback(INTERRUPT);
    callback.opaque(opaque);
  }

  int length() {
    return length;
  }

  /** Frees the AVIO context and its buffer; idempotent. Call after the format context is closed. */
  @Override
  public void close() {
    if (context != null) {
      // FFmpeg may have replaced the buffer it was given: free the one it holds now.
      avutil.av_free(context.buffer());
      avformat.avio_context_free(context);
      context = null;
    }
    if (!opaque.isNull()) {
      OPEN.remove(opaque.address());
      opaque.close();
    }
  }

  /** Inputs currently open in this JVM; a leak check for tests. */
  static int openCount() {
    return OPEN.size();
  }

  private int read(BytePointer buffer, int size) {
    int n = Math.min(size, length - position);
    if (n <= 0) {
      return avutil.AVERROR_EOF;
    }
    buffer.position(0).put(data, base + position, n);
    position += n;
    return n;
  }

  private long seek(long offset, int whence) {
    if ((whence & avformat.AVSEEK_SIZE) != 0) {
      return length;
    }
    long target;
    switch (whence & ~avformat.AVSEEK_FORCE) {
      case SEEK_SET -> target = offset;
      case SEEK_CUR -> target = position + offset;
      case SEEK_END -> target = length + offset;
      default -> {
        return EINVAL;
      }
    }
    if (target < 0 || target > length) {
      return EINVAL;
    }
    position = (int) target;
    return target;
  }

  private static MemoryInput of(Pointer opaque) {
    return opaque == null ? null : OPEN.get(opaque.address());
  }

  // Exceptions must not cross into native code: each callback answers with an error instead.

  private static final class ReadCallback extends Read_packet_Pointer_BytePointer_int {
    @Override
    public int call(Pointer opaque, BytePointer buffer, int size) {
      try {
        MemoryInput in = of(opaque);
        return in == null ? EINVAL : in.read(buffer, size);
      } catch (Throwable t) {
        return EINVAL;
      }
    }
  }

  private static final class SeekCallback extends Seek_Pointer_long_int {
    @Override
    public long call(Pointer opaque, long offset, int whence) {
      try {
        MemoryInput in = of(opaque);
        return in == null ? EINVAL : in.seek(offset, whence);
      } catch (Throwable t) {
        return EINVAL;
      }
    }
  }

  private static final class InterruptCallback extends AVIOInterruptCB.Callback_Pointer {
    @Override
    public int call(Pointer opaque) {
      try {
        MemoryInput in = of(opaque);
        return in != null && in.interrupted.getAsBoolean() ? 1 : 0;
      } catch (Throwable t) {
        return 1;
      }
    }
  }
}
