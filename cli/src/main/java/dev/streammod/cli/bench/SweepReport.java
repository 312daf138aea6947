package dev.streammod.cli.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Writes benchmark results as CSV and as a PNG chart drawn with Java2D: sustained segments/s
 * (left axis) and p99 ingest-to-verdict latency (right axis) against the number of streams.
 */
public final class SweepReport {
  private static final int W = 900;
  private static final int H = 520;
  private static final int LEFT = 80;
  private static final int RIGHT = 90;
  private static final int TOP = 50;
  private static final int BOTTOM = 60;
  private static final Color THROUGHPUT = new Color(0x1f77b4);
  private static final Color OFFERED = new Color(0x9ecae1);
  private static final Color LATENCY = new Color(0xd62728);

  private SweepReport() {}

  public static void writeCsv(List<BenchResult> results, Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(BenchResult.csvHeader());
    results.forEach(r -> lines.add(r.csvRow()));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, lines);
  }

  public static void writeTimeSeries(BenchResult result, Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(Sample.csvHeader());
    result.samples().forEach(s -> lines.add(s.csvRow()));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, lines);
  }

  /** Throughput and p99 latency against streams; {@code deadlineMs} > 0 draws that line. */
  public static void writeChart(List<BenchResult> results, long deadlineMs, Path file) throws IOException {
    if (results.isEmpty()) {
      throw new IllegalArgumentException("no results to chart");
    }
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, W, H);
      int pw = W - LEFT - RIGHT;
      int ph = H - TOP - BOTTOM;
      double maxStreams = results.stream().mapToInt(r -> r.offered().streams()).max().orElse(1);
      double maxRate =
          niceCeiling(
              results.stream()
                  .mapToDouble(r -> Math.max(r.throughput().segmentsPerSecond(), r.offered().offeredPerSecond()))
                  .max()
                  .orElse(1));
      double maxLatency =
          niceCeiling(
              Math.max(
                  deadlineMs,
                  results.stream().mapToLong(r -> r.latency().p99Ms()).max().orElse(1)));

      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      g.setColor(new Color(0xdddddd));
      for (int i = 0; i <= 5; i++) {
        int y = TOP + ph - i * ph / 5;
        g.drawLine(LEFT, y, LEFT + pw, y);
      }
      g.setColor(Color.DARK_GRAY);
      g.drawRect(LEFT, TOP, pw, ph);
      for (int i = 0; i <= 5; i++) {
        int y = TOP + ph - i * ph / 5;
        String l = fmt(maxRate * i / 5);
        g.setColor(THROUGHPUT);
        g.drawString(l, LEFT - 8 - g.getFontMetrics().stringWidth(l), y + 4);
        String r = fmt(maxLatency * i / 5);
        g.setColor(LATENCY);
        g.drawString(r, LEFT + pw + 8, y + 4);
      }
      g.setColor(Color.DARK_GRAY);
      for (BenchResult r : results) {
        int x = LEFT + (int) Math.round(r.offered().streams() / maxStreams * pw);
        g.drawLine(x, TOP + ph, x, TOP + ph + 5);
        String l = String.valueOf(r.offered().streams());
        g.drawString(l, x - g.getFontMetrics().stringWidth(l) / 2, TOP + ph + 20);
      }
      g.drawString("concurrent streams", LEFT + pw / 2 - 55, H - 18);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
      g.drawString("streammod bench: sustained throughput and p99 ingest-to-verdict latency", LEFT, 28);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      g.setColor(THROUGHPUT);
      g.drawString("segments/s", 8, TOP - 10);
      g.setColor(LATENCY);
      g.drawString("p99 ms", LEFT + pw + 8, TOP - 10);

      if (deadlineMs > 0) {
        int y = TOP + ph - (int) Math.round(deadlineMs / maxLatency * ph);
        g.setColor(LATENCY);
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 6f}, 0f));
        g.drawLine(LEFT, y, LEFT + pw, y);
        g.drawString(deadlineMs + " ms", LEFT + pw - 60, y - 4);
      }
      series(g, results, maxStreams, pw, ph, r -> r.offered().offeredPerSecond() / maxRate, OFFERED, 1.5f);
      series(g, results, maxStreams, pw, ph, r -> r.throughput().segmentsPerSecond() / maxRate, THROUGHPUT, 2.5f);
      series(g, results, maxStreams, pw, ph, r -> Math.min(1.0, r.latency().p99Ms() / maxLatency), LATENCY, 2.5f);

      int ly = TOP + 12;
      legend(g, LEFT + 12, ly, THROUGHPUT, "sustained segments/s");
      legend(g, LEFT + 12, ly + 16, OFFERED, "offered segments/s");
      legend(g, LEFT + 12, ly + 32, LATENCY, "p99 latency (ms, right axis)");
    } finally {
      g.dispose();
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    ImageIO.write(img, "png", file.toFile());
  }

  private interface Value {
    double of(BenchResult r);
  }

  private static void series(
      Graphics2D g, List<BenchResult> results, double maxStreams, int pw, int ph, Value v, Color c, float width) {
    g.setColor(c);
    g.setStroke(new BasicStroke(width));
    int px = -1;
    int py = -1;
    for (BenchResult r : results) {
      int x = LEFT + (int) Math.round(r.offered().streams() / maxStreams * pw);
      int y = TOP + ph - (int) Math.round(Math.max(0, v.of(r)) * ph);
      if (px >= 0) {
        g.drawLine(px, py, x, y);
      }
      g.fillOval(x - 4, y - 4, 8, 8);
      px = x;
      py = y;
    }
    g.setStroke(new BasicStroke(1f));
  }

  private static void legend(Graphics2D g, int x, int y, Color c, String text) {
    g.setColor(c);
    g.fillRect(x, y - 8, 14, 8);
    g.setColor(Color.DARK_GRAY);
    g.drawString(text, x + 20, y);
  }

  static double niceCeiling(double v) {
    if (v <= 0) {
      return 1;
    }
    double mag = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * mag >= v) {
        return m * mag;
      }
    }
    return 10 * mag;
  }

  private static String fmt(double v) {
    return v >= 100 || v == Math.rint(v)
        ? String.format(Locale.ROOT, "%.0f", v)
        : String.format(Locale.ROOT, "%.1f", v);
  }
}
