package dev.streammod.models.bench;

/**
 * What one path did over one or more slices: batches run, images scored, wall seconds, the whole
 * process's CPU seconds, and the CPU seconds of the Java threads doing the work (the calling
 * thread, or the batcher's two threads plus its feeders; ONNX Runtime's own pool threads, used
 * when intra-op threads exceed 1, are not among them).
 */
public record Measurement(
    long batches, long images, double wallSeconds, double cpuSeconds, double threadCpuSeconds) {
  public static final Measurement ZERO = new Measurement(0, 0, 0, 0, 0);

  public Measurement plus(Measurement o) {
    return new Measurement(
        batches + o.batches,
        images + o.images,
        wallSeconds + o.wallSeconds,
        cpuSeconds + o.cpuSeconds,
        threadCpuSeconds + o.threadCpuSeconds);
  }

  public double imagesPerSecond() {
    return wallSeconds <= 0 ? 0 : images / wallSeconds;
  }

  public double msPerBatch() {
    return batches == 0 ? 0 : wallSeconds * 1000 / batches;
  }

  /** Process CPU ms per image: the figure that holds when other processes load the cores. */
  public double cpuMsPerImage() {
    return images == 0 ? 0 : cpuSeconds * 1000 / images;
  }

  public double threadCpuMsPerImage() {
    return images == 0 ? 0 : threadCpuSeconds * 1000 / images;
  }

  /** Images per batch actually run. */
  public double meanBatch() {
    return batches == 0 ? 0 : (double) images / batches;
  }
}
