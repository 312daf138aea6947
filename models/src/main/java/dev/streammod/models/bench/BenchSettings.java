package dev.streammod.models.bench;

import dev.streammod.models.EngineOptions;
import dev.streammod.models.ExecutionDevice;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What an {@link EngineBenchmark} measures and for how long. Immutable; {@link Builder#build()}
 * validates every field. A slice is one path's turn in a round: {@code slice} of wall time, or
 * exactly {@code iterations} batches when that is set.
 */
public final class BenchSettings {
  private final List<Integer> batches;
  private final Duration slice;
  private final int iterations;
  private final int rounds;
  private final Duration warmup;
  private final int feeders;
  private final EngineOptions engineOptions;

  private BenchSettings(Builder b) {
    this.batches = List.copyOf(b.batches);
    this.slice = b.slice;
    this.iterations = b.iterations;
    this.rounds = b.rounds;
    this.warmup = b.warmup;
    this.feeders = b.feeders;
    this.engineOptions = b.engineOptions.toBuilder().device(ExecutionDevice.CPU).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .batches(batches)
        .slice(slice)
        .iterations(iterations)
        .rounds(rounds)
        .warmup(warmup)
        .feeders(feeders)
        .engineOptions(engineOptions);
  }

  /** Batch sizes, each measured on its own; default 1, 8, 32, 64. */
  public List<Integer> batches() {
    return batches;
  }

  /** Wall time of one path's slice in a round when {@link #iterations()} is 0; default 2 s. */
  public Duration slice() {
    return slice;
  }

  /** Batches per slice instead of a time; default 0 (by time). */
  public int iterations() {
    return iterations;
  }

  /** Slices per path; default 3. */
  public int rounds() {
    return rounds;
  }

  /** Unmeasured run of each path before its first slice (at least 2 batches); default 0.5 s. */
  public Duration warmup() {
    return warmup;
  }

  /** Threads submitting frames to the batcher, one frame per request; default 2. */
  public int feeders() {
    return feeders;
  }

  /** Session options of the engine and of the bare session alike; the device is always CPU. */
  public EngineOptions engineOptions() {
    return engineOptions;
  }

  @Override
  public String toString() {
    return "BenchSettings{batches="
        + batches
        + ", slice="
        + slice
        + ", iterations="
        + iterations
        + ", rounds="
        + rounds
        + ", warmup="
        + warmup
        + ", feeders="
        + feeders
        + ", engineOptions="
        + engineOptions
        + "}";
  }

  public static final class Builder {
    private List<Integer> batches = List.of(1, 8, 32, 64);
    private Duration slice = Duration.ofSeconds(2);
    private int iterations = 0;
    private int rounds = 3;
    private Duration warmup = Duration.ofMillis(500);
    private int feeders = 2;
    private EngineOptions engineOptions = EngineOptions.defaults();

    private Builder() {}

    public Builder batches(List<Integer> batches) {
      this.batches = batches;
      return this;
    }

    public Builder slice(Duration slice) {
      this.slice = slice;
      return this;
    }

    public Builder iterations(int iterations) {
      this.iterations = iterations;
      return this;
    }

    public Builder rounds(int rounds) {
      this.rounds = rounds;
      return this;
    }

    public Builder warmup(Duration warmup) {
      this.warmup = warmup;
      return this;
    }

    public Builder feeders(int feeders) {
      this.feeders = feeders;
      return this;
    }

    public Builder engineOptions(EngineOptions engineOptions) {
      this.engineOptions = engineOptions;
      return this;
    }

    public BenchSettings build() {
      if (batches == null || batches.isEmpty() || batches.stream().anyMatch(Objects::isNull)) {
        throw new IllegalArgumentException("batches must list at least one size, got " + batches);
      }
      for (int b : batches) {
        if (b < 1 || b > 4096) {
          throw new IllegalArgumentException("batches must be in 1..4096, got " + b);
        }
      }
      if (iterations < 0) {
        throw new IllegalArgumentException("iterations must be >= 0, got " + iterations);
      }
      if (iterations == 0
          && (slice == null || slice.isNegative() || slice.isZero() || slice.toHours() > 0)) {
        throw new IllegalArgumentException(
            "slice must be positive and under 1 h when iterations is 0, got " + slice);
      }
      if (rounds < 1 || rounds > 1000) {
        throw new IllegalArgumentException("rounds must be in 1..1000, got " + rounds);
      }
      if (warmup == null || warmup.isNegative() || warmup.toHours() > 0) {
        throw new IllegalArgumentException("warmup must be in 0..1 h, got " + warmup);
      }
      if (feeders < 1 || feeders > 256) {
        throw new IllegalArgumentException("feeders must be in 1..256, got " + feeders);
      }
      if (engineOptions == null) {
        throw new IllegalArgumentException("engineOptions must be set, got null");
      }
      return new BenchSettings(this);
    }
  }
}
