package dev.streammod.cli.bench;

/**
 * The raw rates of one run, measured before the job starts on the pooled segments: decoding alone
 * on {@code decodeThreads} threads and inference alone at {@code maxBatch}. The slower of the two
 * is the ceiling the pipeline's rates are given as a ratio of.
 */
record RawCeiling(RawRates.Rate decode, RawRates.Rate infer, int decodeThreads, int maxBatch) {

  /** Sampled frames per decoded segment; 1 when nothing decoded. */
  double framesPerSegment() {
    return decode.items() == 0 ? 1 : (double) decode.frames() / decode.items();
  }

  /** The most segments/s the slower of decoding and inference allows. */
  double segmentsPerSecond() {
    return Math.min(decode.itemsPerSecond(), infer.framesPerSecond() / Math.max(framesPerSegment(), 1e-9));
  }

  /** {@code framesPerSecond} over the slower raw rate; 0 without one. */
  double ratio(double framesPerSecond) {
    double slower = Math.min(decode.framesPerSecond(), infer.framesPerSecond());
    return slower <= 0 ? 0 : framesPerSecond / slower;
  }

  /** {@code framesPerCpuSecond} over the slower raw rate per CPU-second; 0 without one. */
  double ratioPerCpu(double framesPerCpuSecond) {
    double slower = Math.min(decode.framesPerCpuSecond(), infer.framesPerCpuSecond());
    return slower <= 0 ? 0 : framesPerCpuSecond / slower;
  }

  /**
   * CPU-ms per segment of decoding one alone plus inferring its frames alone: what the job would
   * spend if nothing else cost anything; 0 without both rates.
   */
  double cpuMsPerSegment() {
    if (decode.items() == 0 || infer.frames() == 0) {
      return 0;
    }
    return 1000 * (decode.cpuSeconds() / decode.items() + infer.cpuSeconds() / infer.frames() * framesPerSegment());
  }

  /** The result's figures for a pipeline that ran at these rates. */
  BenchResult.Ceiling figures(double framesPerSecond, double framesPerCpuSecond) {
    return new BenchResult.Ceiling(
        decode.framesPerSecond(),
        decode.itemsPerSecond(),
        infer.framesPerSecond(),
        ratio(framesPerSecond),
        ratioPerCpu(framesPerCpuSecond),
        framesPerSegment(),
        cpuMsPerSegment());
  }
}
