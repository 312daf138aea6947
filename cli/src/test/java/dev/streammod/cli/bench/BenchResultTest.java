package dev.streammod.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The report lines of a result, to the byte: scripts parse the JSON line and the CSV files, and
 * people read the summary. Each figure has its own value, so a figure written under another key
 * shows.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BenchResultTest {
  private static final Sample WARMUP =
      new Sample(1.0, "warmup", 10.5, 11, 9, 2, 3, 100.25, 90.5, Double.NaN, 300.75, 5, 7, 40, 90);
  private static final Sample STEADY =
      new Sample(2.04, "steady", 20.5, 31, 29, 4, 6, 110.25, 95.5, 60.125, 310.75, 6, 8, 41, 91);

  /** CPU seconds rising by group, so that each group's share differs. */
  private static Map<String, Double> cpu(double base) {
    Map<String, Double> seconds = new LinkedHashMap<>();
    for (int i = 0; i < CpuBreakdown.GROUPS.length; i++) {
      seconds.put(CpuBreakdown.GROUPS[i], base + i * 0.25);
    }
    seconds.put("total", base * 20);
    seconds.put("wall", base * 3);
    return seconds;
  }

  private static BenchResult full() {
    return new BenchResult(
        new BenchResult.Offered(17, 2500, 6.8, 1234),
        new BenchResult.Throughput(1230, 6.54321, 13.0864, 2.0011),
        new BenchResult.Latency(101, 202, 303, 404),
        new BenchResult.Ceiling(505.5, 252.75, 606.6, 0.81234, 0.71234, 2.125, 9.5),
        new BenchResult.Checks(4, 3, 2, 11, 707, 12, 13),
        new BenchResult.Memory(800.15, 120.35, Double.NaN, 130.45, 140.55, 400.65, 450.75, 420.85),
        new BenchResult.Queues(21, 22, 23),
        new BenchResult.Batching(List.of(0L, 10L, 20L, 30L, 17L)),
        new BenchResult.Timing(33, 44.44, 55.55),
        new BenchResult.Setup(6, 32, 7, "keyframes", 8, 250, "file", "process"),
        cpu(1.5),
        new BenchResult.Catchup(600, 12.345, 24.69, 0.5432, cpu(2.5)),
        List.of(WARMUP, STEADY));
  }

  private static BenchResult empty() {
    return new BenchResult(
        new BenchResult.Offered(3, 1000, 3.0, 0),
        new BenchResult.Throughput(0, 0, 0, 0),
        new BenchResult.Latency(-1, -1, -1, -1),
        new BenchResult.Ceiling(0, 0, 0, 0, 0, 1, 0),
        new BenchResult.Checks(0, 0, 0, 0, -1, 0, 0),
        new BenchResult.Memory(0, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5),
        new BenchResult.Queues(0, 0, 0),
        new BenchResult.Batching(List.of(0L, 0L)),
        new BenchResult.Timing(0, 0, 0),
        new BenchResult.Setup(1, 1, 0, "all", 1, 0, "inline", "in-jvm"),
        Map.of(),
        BenchResult.Catchup.NONE,
        List.of());
  }

  @Test
  void jsonLineHasEveryKeyInItsOrderAndFormat() {
    assertThat(full().toJson())
        .isEqualTo(
            "{\"streams\":17,\"period_ms\":2500,\"offered_per_s\":6.80,\"produced\":1234,"
            + "\"verdicts\":1230,\"segments_per_s\":6.54,\"frames_per_s\":13.09,"
            + "\"frames_per_segment\":2.00,\"p50_ms\":101,\"p95_ms\":202,\"p99_ms\":303,\"max_ms\":404,"
            + "\"raw_decode_fps\":505.50,\"raw_decode_segments_per_s\":252.75,"
            + "\"raw_infer_fps\":606.60,\"ratio\":0.812,\"ratio_cpu\":0.712,\"lost\":4,\"duplicates\":3,"
            + "\"unexpected_decisions\":2,\"degraded\":11,\"degraded_p99_ms\":707,\"errors\":12,"
            + "\"dead_letters\":13,\"heap_used_max_mb\":800.2,\"heap_live_start_mb\":120.4,"
            + "\"heap_live_last_periodic_mb\":-1.0,\"heap_live_after_drain_mb\":130.5,"
            + "\"heap_live_max_mb\":140.6,\"rss_start_mb\":400.7,\"rss_max_mb\":450.8,"
            + "\"rss_end_mb\":420.9,\"lag_max\":21,\"backlog_max\":22,\"batcher_queue_max_frames\":23,"
            + "\"batch_mean\":2.70,\"batch_p50\":3,\"batch_p99\":4,\"batches\":77,"
            + "\"max_publish_lateness_ms\":33,\"steady_s\":44.4,\"total_s\":55.6,\"decode_threads\":6,"
            + "\"max_batch\":32,\"max_wait_ms\":7,\"sampling\":\"keyframes\",\"max_frames\":8,"
            + "\"deadline_ms\":250,\"payload\":\"file\",\"cpu\":{\"decode\":0.050,\"inference\":0.058,"
            + "\"flink-tasks\":0.067,\"flink-runtime\":0.075,\"kafka-broker\":0.083,"
            + "\"bench-harness\":0.092,\"jit\":0.100,\"gc\":0.108,\"jvm-other\":0.117,"
            + "\"cores_busy\":6.67},\"cpu_ms_per_segment\":{\"decode\":5.159,\"inference\":6.018,"
            + "\"flink-tasks\":6.878,\"flink-runtime\":7.738,\"kafka-broker\":8.598,"
            + "\"bench-harness\":9.457,\"jit\":10.317,\"gc\":11.177,\"jvm-other\":12.037,"
            + "\"total\":103.171},\"catchup_backlog\":600,\"catchup_segments_per_s\":12.35,"
            + "\"catchup_frames_per_s\":24.69,\"catchup_ratio\":0.543,"
            + "\"catchup_cpu_ms_per_segment\":{\"decode\":27.001,\"inference\":29.702,"
            + "\"flink-tasks\":32.402,\"flink-runtime\":35.102,\"kafka-broker\":37.802,"
            + "\"bench-harness\":40.502,\"jit\":43.202,\"gc\":45.903,\"jvm-other\":48.603,"
            + "\"total\":540.030},\"broker\":\"process\",\"job_cpu_ms_per_segment\":47.287,"
            + "\"raw_cpu_ms_per_segment\":9.500,\"ratio_job_cpu\":0.201}");
  }

  @Test
  void jsonLineOfARunWithoutVerdictsOrCatchup() {
    assertThat(empty().toJson())
        .isEqualTo(
            "{\"streams\":3,\"period_ms\":1000,\"offered_per_s\":3.00,\"produced\":0,\"verdicts\":0,"
            + "\"segments_per_s\":0.00,\"frames_per_s\":0.00,\"frames_per_segment\":0.00,\"p50_ms\":-1,"
            + "\"p95_ms\":-1,\"p99_ms\":-1,\"max_ms\":-1,\"raw_decode_fps\":0.00,"
            + "\"raw_decode_segments_per_s\":0.00,\"raw_infer_fps\":0.00,\"ratio\":0.000,"
            + "\"ratio_cpu\":0.000,\"lost\":0,\"duplicates\":0,\"unexpected_decisions\":0,\"degraded\":0,"
            + "\"degraded_p99_ms\":-1,\"errors\":0,\"dead_letters\":0,\"heap_used_max_mb\":0.0,"
            + "\"heap_live_start_mb\":1.5,\"heap_live_last_periodic_mb\":2.5,"
            + "\"heap_live_after_drain_mb\":3.5,\"heap_live_max_mb\":4.5,\"rss_start_mb\":5.5,"
            + "\"rss_max_mb\":6.5,\"rss_end_mb\":7.5,\"lag_max\":0,\"backlog_max\":0,"
            + "\"batcher_queue_max_frames\":0,\"batch_mean\":0.00,\"batch_p50\":0,\"batch_p99\":0,"
            + "\"batches\":0,\"max_publish_lateness_ms\":0,\"steady_s\":0.0,\"total_s\":0.0,"
            + "\"decode_threads\":1,\"max_batch\":1,\"max_wait_ms\":0,\"sampling\":\"all\",\"max_frames\":1,"
            + "\"deadline_ms\":0,\"payload\":\"inline\",\"cpu\":{\"decode\":0.000,\"inference\":0.000,"
            + "\"flink-tasks\":0.000,\"flink-runtime\":0.000,\"kafka-broker\":0.000,"
            + "\"bench-harness\":0.000,\"jit\":0.000,\"gc\":0.000,\"jvm-other\":0.000,"
            + "\"cores_busy\":0.00},\"cpu_ms_per_segment\":{\"decode\":0.000,\"inference\":0.000,"
            + "\"flink-tasks\":0.000,\"flink-runtime\":0.000,\"kafka-broker\":0.000,"
            + "\"bench-harness\":0.000,\"jit\":0.000,\"gc\":0.000,\"jvm-other\":0.000,\"total\":0.000},"
            + "\"catchup_backlog\":0,\"catchup_segments_per_s\":-1.00,\"catchup_frames_per_s\":-1.00,"
            + "\"catchup_ratio\":-1.000,\"catchup_cpu_ms_per_segment\":{},\"broker\":\"in-jvm\","
            + "\"job_cpu_ms_per_segment\":0.000,\"raw_cpu_ms_per_segment\":0.000,\"ratio_job_cpu\":0.000}");
  }

  @Test
  void summaryLinesAreThoseOfTheConsole() {
    assertThat(full().summary())
        .containsExactly(
            "result  : 17 streams, 6.8 segments/s offered; sustained 6.5 segments/s, 13.1 frames/s (2.00 frames/segment)",
            "latency : publish-to-verdict p50 101 ms, p95 202 ms, p99 303 ms, max 404 ms",
            "ceiling : raw decode 505.5 frames/s (252.8 segments/s), raw inference 606.6 frames/s; ratio 0.812 (per CPU-second: 0.712)",
            "job cpu : 47.29 CPU-ms per segment of the job's own (decode, inference, Flink, JIT, GC; broker process, not counted), raw decode + inference 9.50; ratio 0.201",
            "catch-up: 12.3 segments/s, 24.7 frames/s working off a backlog of 600 without the publisher; ratio 0.543",
            "batches : 77, mean 2.7 frames, p50 3, p99 4 (max batch 32, max wait 7 ms)",
            "memory  : live heap 120 MiB before the load, 141 max, 130 after the drain (heap used max 800); RSS 401 -> 421 MiB (max 451); lag max 21, backlog max 22, batcher queue max 23 frames",
            "checks  : 1234 produced, 1230 with a verdict, 4 lost, 3 duplicated, 2 unexpected decisions, 12 ERROR, 11 degraded (p99 707 ms)");
    assertThat(empty().summary())
        .containsExactly(
            "result  : 3 streams, 3.0 segments/s offered; sustained 0.0 segments/s, 0.0 frames/s (0.00 frames/segment)",
            "latency : publish-to-verdict p50 -1 ms, p95 -1 ms, p99 -1 ms, max -1 ms",
            "ceiling : raw decode 0.0 frames/s (0.0 segments/s), raw inference 0.0 frames/s; ratio 0.000 (per CPU-second: 0.000)",
            "job cpu : 0.00 CPU-ms per segment of the job's own (decode, inference, Flink, JIT, GC; broker in-jvm, not counted), raw decode + inference 0.00; ratio 0.000",
            "batches : 0, mean 0.0 frames, p50 0, p99 0 (max batch 1, max wait 0 ms)",
            "memory  : live heap 2 MiB before the load, 5 max, 4 after the drain (heap used max 0); RSS 6 -> 8 MiB (max 7); lag max 0, backlog max 0, batcher queue max 0 frames",
            "checks  : 0 produced, 0 with a verdict, 0 lost, 0 duplicated, 0 unexpected decisions, 0 ERROR, 0 degraded (p99 -1 ms)");
  }

  @Test
  void csvRowsMatchTheirHeaders() {
    assertThat(BenchResult.csvHeader()).isEqualTo("streams,period_ms,offered_per_s,segments_per_s,frames_per_s,p50_ms,p95_ms,p99_ms,raw_decode_fps,raw_infer_fps,ratio,lost,degraded,heap_live_max_mb,rss_max_mb,lag_max");
    assertThat(full().csvRow()).isEqualTo("17,2500,6.80,6.54,13.09,101,202,303,505.50,606.60,0.812,4,11,140.6,450.8,21");
    assertThat(empty().csvRow()).isEqualTo("3,1000,3.00,0.00,0.00,-1,-1,-1,0.00,0.00,0.000,0,0,4.5,6.5,0");
    assertThat(Sample.csvHeader())
        .isEqualTo(
            "seconds,phase,offered_per_s,produced,verdicts,backlog,lag,heap_used_mb,heap_after_gc_mb,heap_live_mb,rss_mb,batcher_queued_frames,window_verdicts,window_p50_ms,window_p99_ms");
    assertThat(WARMUP.csvRow()).as("no live heap without a full GC").isEqualTo("1.0,warmup,10.5,11,9,2,3,100.3,90.5,,300.8,5,7,40,90");
    assertThat(STEADY.csvRow()).isEqualTo("2.0,steady,20.5,31,29,4,6,110.3,95.5,60.1,310.8,6,8,41,91");
  }

  @Test
  void batchingIsTheDifferenceOfTheBatchersHistograms() {
    BenchResult.Batching b =
        BenchResult.Batching.between(new long[] {0, 5, 1, 0, 0}, new long[] {0, 15, 21, 30, 17});
    assertThat(b.sizes()).containsExactly(0L, 10L, 20L, 30L, 17L);
    assertThat(b.batches()).isEqualTo(77);
    assertThat(b.mean()).isEqualTo(208 / 77.0);
    assertThat(b.percentile(50)).isEqualTo(3);
    assertThat(b.percentile(99)).isEqualTo(4);
    assertThat(empty().batching().percentile(50)).isZero();
  }
}
