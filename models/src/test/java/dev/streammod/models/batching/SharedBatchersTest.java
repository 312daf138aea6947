package dev.streammod.models.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streammod.models.EngineOptions;
import dev.streammod.models.ExecutionDevice;
import dev.streammod.models.Frames;
import dev.streammod.models.ModelArtifact;
import dev.streammod.models.testing.ColourStatsModel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedBatchersTest {
  private static final EngineOptions CPU =
      EngineOptions.builder().device(ExecutionDevice.CPU).build();
  private static final BatcherSettings SETTINGS =
      BatcherSettings.builder().maxBatchSize(4).queueCapacityFrames(8).build();

  @TempDir Path repo;

  @Test
  void theSameKeySharesOneBatcherAndTheLastLeaseClosesIt() throws Exception {
    ModelArtifact artifact = ModelArtifact.load(ColourStatsModel.write(repo, 8, 8));
    int before = SharedBatchers.openBatchers();
    SharedBatchers.Lease a = SharedBatchers.acquire(artifact, CPU, SETTINGS);
    SharedBatchers.Lease b =
        SharedBatchers.acquire(
            ModelArtifact.load(ColourStatsModel.write(repo, 8, 8)),
            CPU,
            BatcherSettings.defaults()); // other settings: shared anyway
    DynamicBatcher batcher = a.batcher();
    assertThat(b.batcher()).isSameAs(batcher);
    assertThat(b.engine()).isSameAs(a.engine());
    assertThat(a.deviceDescription()).isEqualTo("cpu");
    assertThat(a.config()).isEqualTo(artifact.config());
    assertThat(SharedBatchers.openBatchers()).isEqualTo(before + 1);

    a.close();
    a.close(); // idempotent: must not release b's share
    assertThatThrownBy(a::batcher).isInstanceOf(IllegalStateException.class);
    assertThat(batcher.isClosed()).isFalse();
    float[][] s =
        b.batcher().submit(Frames.solid(8, 8, 255, 0, 0), 0, 1).get(10, TimeUnit.SECONDS).scores();
    assertThat(s[0][1]).isGreaterThan(0.99f);

    b.close();
    assertThat(batcher.isClosed()).isTrue();
    assertThatThrownBy(() -> batcher.submit(Frames.solid(8, 8, 0, 0, 0), 0, 1))
        .isInstanceOf(IllegalStateException.class);
    assertThat(SharedBatchers.openBatchers()).isEqualTo(before);

    try (SharedBatchers.Lease c = SharedBatchers.acquire(artifact, CPU, SETTINGS)) {
      assertThat(c.batcher()).isNotSameAs(batcher);
      assertThat(c.engine().isClosed()).isFalse();
    }
  }

  @Test
  void anotherDeviceOrModelGetsItsOwnBatcher() {
    ModelArtifact small = ModelArtifact.load(ColourStatsModel.write(repo.resolve("small"), 8, 8));
    ModelArtifact large = ModelArtifact.load(ColourStatsModel.write(repo.resolve("large"), 16, 16));
    try (SharedBatchers.Lease cpu = SharedBatchers.acquire(small, CPU, SETTINGS);
        SharedBatchers.Lease auto =
            SharedBatchers.acquire(small, EngineOptions.builder().build(), SETTINGS);
        SharedBatchers.Lease other = SharedBatchers.acquire(large, CPU, SETTINGS)) {
      assertThat(auto.batcher()).isNotSameAs(cpu.batcher());
      assertThat(other.batcher()).isNotSameAs(cpu.batcher());
      assertThat(other.config().width()).isEqualTo(16);
    }
  }

  @Test
  void aFailedOpenLeavesNothingBehind() {
    ModelArtifact artifact = ModelArtifact.load(ColourStatsModel.write(repo, 8, 8));
    ModelArtifact missing = new ModelArtifact(repo.resolve("gone.onnx"), artifact.config());
    int before = SharedBatchers.openBatchers();
    assertThatThrownBy(() -> SharedBatchers.acquire(missing, CPU, SETTINGS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gone.onnx");
    assertThat(SharedBatchers.openBatchers()).isEqualTo(before);
  }
}
