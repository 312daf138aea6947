/**
 * The throughput benchmark behind {@code bin/moderation bench}: the whole pipeline in one JVM (an
 * in-JVM Kafka broker, the job on a local MiniCluster, FFmpeg, ONNX Runtime) under a synthetic
 * load of live streams, measured against its own raw ceilings taken in the same run.
 *
 * <ul>
 *   <li>{@link dev.streammod.cli.bench.LoadGenerator} publishes up to thousands of streams
 *       from one thread following a {@link dev.streammod.cli.bench.LoadProfile} (steady, ramp,
 *       burst), reusing a {@link dev.streammod.cli.demo.SegmentPool} of real H.264 segments.
 *   <li>{@link dev.streammod.cli.bench.VerdictMeter} reads committed verdicts and keeps
 *       bounded books: one bit per segment, counters, fixed-size latency histograms.
 *   <li>{@link dev.streammod.cli.bench.ResourceSampler} samples heap, RSS and consumer lag;
 *       {@link dev.streammod.cli.bench.CpuBreakdown} says where the CPU went.
 *   <li>{@link dev.streammod.cli.bench.RawRates} measures FFmpeg alone and ONNX Runtime alone.
 *   <li>{@link dev.streammod.cli.bench.BenchOptions} says what a run does; {@link
 *       dev.streammod.cli.bench.BenchRunner} sets it all up and {@code LoadRun} drives and
 *       measures the load; {@link dev.streammod.cli.bench.BenchResult} holds the figures and
 *       {@link dev.streammod.cli.bench.SweepReport} writes CSV and a PNG chart.
 * </ul>
 *
 * <p>The broker and the load generator share the cores with the job, so figures from one machine
 * are an upper bound on the job's overhead, not a measure of it: the CPU breakdown says how much
 * of the machine went to each part. Benchmarks print figures; they are never timed tests.
 */
package dev.streammod.cli.bench;
