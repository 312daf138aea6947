package dev.streammod.models.convert;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * Reads regular files out of a gzip-compressed tar archive (ustar, with the pax and GNU long-name
 * extensions npm tarballs may use), in memory, without extracting anything to disk.
 */
final class TarGz {
  private static final int BLOCK = 512;

  private TarGz() {}

  /** The archive's regular files whose path the filter accepts, by path, in archive order. */
  static Map<String, byte[]> read(Path archive, Predicate<String> wanted) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (InputStream in =
        new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive)), 1 << 16)) {
      byte[] header = new byte[BLOCK];
      String longName = null;
      while (true) {
        if (!readFully(in, header)) {
          break; // a tar without its two zero blocks still ends here cleanly
        }
        if (isZero(header)) {
          break;
        }
        checkChecksum(header, archive);
        String name = longName != null ? longName : name(header);
        longName = null;
        long size = octal(header, 124, 12, archive);
        char type = (char) header[156];
        byte[] data = null;
        boolean keep = (type == '0' || type == '\0') && wanted.test(name);
        if (keep || type == 'x' || type == 'L') {
          if (size > Integer.MAX_VALUE - 16) {
            throw new IOException(
                archive + ": entry " + name + " is too large (" + size + " bytes)");
          }
          data = new byte[(int) size];
          if (size > 0 && !readFully(in, data)) {
            throw new IOException(archive + ": truncated in entry " + name);
          }
          skip(in, padding(size), archive);
        } else {
          skip(in, size + padding(size), archive);
        }
        if (type == 'L') {
          longName = new String(data, StandardCharsets.UTF_8).replace("\0", "");
        } else if (type == 'x') {
          longName = paxPath(data);
        } else if (keep) {
          files.put(name, data);
        }
      }
    }
    return files;
  }

  private static long padding(long size) {
    return (BLOCK - size % BLOCK) % BLOCK;
  }

  private static String name(byte[] h) {
    String name = field(h, 0, 100);
    if (h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r') {
      String prefix = field(h, 345, 155);
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
    }
    return name;
  }

  private static String paxPath(byte[] data) {
    // records: "<length> <key>=<value>\n"
    String text = new String(data, StandardCharsets.UTF_8);
    int i = 0;
    while (i < text.length()) {
      int space = text.indexOf(' ', i);
      if (space < 0) {
        break;
      }
      int len = Integer.parseInt(text.substring(i, space));
      String record = text.substring(space + 1, i + len - 1);
      if (record.startsWith("path=")) {
        return record.substring(5);
      }
      i += len;
    }
    return null;
  }

  private static String field(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) {
      end++;
    }
    return new String(h, off, end - off, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] h, int off, int len, Path archive) throws IOException {
    String s = field(h, off, len).trim();
    if (s.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(s, 8);
    } catch (NumberFormatException e) {
      throw new IOException(archive + ": not a tar archive (bad header field '" + s + "')", e);
    }
  }

  private static void checkChecksum(byte[] h, Path archive) throws IOException {
    long expected = octal(h, 148, 8, archive);
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xFF);
    }
    if (sum != expected) {
      throw new IOException(archive + ": not a tar archive (header checksum mismatch)");
    }
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean readFully(InputStream in, byte[] b) throws IOException {
    int n = in.readNBytes(b, 0, b.length);
    if (n == 0) {
      return false;
    }
    if (n < b.length) {
      throw new IOException("truncated tar archive");
    }
    return true;
  }

  private static void skip(InputStream in, long n, Path archive) throws IOException {
    long left = n;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new IOException(archive + ": truncated tar archive");
        }
        skipped = 1;
      }
      left -= skipped;
    }
  }
}
