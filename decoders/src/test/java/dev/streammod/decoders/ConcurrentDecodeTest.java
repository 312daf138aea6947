package dev.streammod.decoders;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConcurrentDecodeTest {

  @Test
  void oneDecoderSharedByFourThreadsGivesIdenticalResults() throws Exception {
    SegmentDecoder decoder =
        new SegmentDecoder(DecoderSettings.builder().sampling(SamplingPolicy.fixedRate(3)).build());
    byte[][] inputs = {TestSegments.NEUTRAL, TestSegments.RED};
    DecodedFrames[] expected = {
      (DecodedFrames) decoder.decode(inputs[0], "mpegts"),
      (DecodedFrames) decoder.decode(inputs[1], "mpegts")
    };

    int threads = 4;
    int perThread = 6;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<List<DecodeResult>>> futures = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int offset = t;
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  List<DecodeResult> results = new ArrayList<>();
                  for (int i = 0; i < perThread; i++) {
                    results.add(decoder.decode(inputs[(offset + i) % 2], "mpegts"));
                  }
                  return results;
                }));
      }
      go.countDown();
      List<byte[]> seen = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        List<DecodeResult> results = futures.get(t).get(50, TimeUnit.SECONDS);
        for (int i = 0; i < perThread; i++) {
          DecodedFrames want = expected[(t + i) % 2];
          assertThat(results.get(i)).isInstanceOf(DecodedFrames.class);
          DecodedFrames got = (DecodedFrames) results.get(i);
          assertThat(got.timestampsMicros()).containsExactly(want.timestampsMicros());
          assertThat(got.rgb()).isEqualTo(want.rgb());
          seen.add(got.rgb());
        }
      }
      // Every result owns its array.
      assertThat(seen.stream().map(System::identityHashCode).distinct()).hasSize(seen.size());
    } finally {
      pool.shutdownNow();
    }
  }
}
