package dev.streammod.models.convert;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Writes small .tgz archives for tests, the way npm does (ustar; pax headers for long paths). */
final class TestTarballs {
  private static final int BLOCK = 512;

  private TestTarballs() {}

  static byte[] tgz(Map<String, byte[]> files) throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      String path = e.getKey();
      if (path.getBytes(StandardCharsets.UTF_8).length > 100) {
        String record = " path=" + path + "\n";
        int len = record.length() + 1;
        while (String.valueOf(len).length() + record.length() != len) {
          len = String.valueOf(len).length() + record.length();
        }
        byte[] pax = (len + record).getBytes(StandardCharsets.UTF_8);
        entry(raw, "PaxHeader/long", 'x', pax);
        entry(raw, path.substring(path.length() - 90), '0', e.getValue());
      } else {
        entry(raw, path, '0', e.getValue());
      }
    }
    raw.writeBytes(new byte[2 * BLOCK]);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(raw.toByteArray());
    }
    return gz.toByteArray();
  }

  private static void entry(ByteArrayOutputStream raw, String name, char type, byte[] data) {
    byte[] h = new byte[BLOCK];
    put(h, 0, name);
    put(h, 100, String.format("%07o", 0644));
    put(h, 108, String.format("%07o", 0));
    put(h, 116, String.format("%07o", 0));
    put(h, 124, String.format("%011o", data.length));
    put(h, 136, String.format("%011o", 0));
    h[156] = (byte) type;
    put(h, 257, "ustar");
    h[263] = '0';
    h[264] = '0';
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xFF;
    }
    put(h, 148, String.format("%06o", sum));
    h[154] = 0;
    raw.writeBytes(h);
    raw.writeBytes(data);
    raw.writeBytes(new byte[(BLOCK - data.length % BLOCK) % BLOCK]);
  }

  private static void put(byte[] h, int off, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(b, 0, h, off, b.length);
  }
}
