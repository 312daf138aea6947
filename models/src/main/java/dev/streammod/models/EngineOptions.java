package dev.streammod.models;

import java.util.Objects;

/**
 * How an {@link InferenceEngine} runs its session. Immutable; validated in {@link Builder#build()}.
 *
 * <p>The defaults are what measured best for nsfw-mobilenet-v2 on the 2-core CPU build machine
 * ({@code bin/moderation bench --engine-only --tune}: bare sessions, interleaved, process CPU ms
 * per image at batch 1 / 8 / 32 / 64, two runs):
 *
 * <ul>
 *   <li>graph optimisation ALL: 7.9 / 8.0-8.5 / 8.6-10.1 / 8.7-9.1 ms; EXTENDED and BASIC cost 2 to
 *       2.2 times that (they skip the NCHWc layout transform);
 *   <li>one intra-op thread: two cost 6 to 37% more CPU per image; they only pay off in wall time
 *       while a core is idle, and in the job decoding wants that core;
 *   <li>CPU memory arena on: off costs 40 to 60% more at batch 8 and above (buffers are allocated
 *       and freed on every run);
 *   <li>memory pattern on: off measured 4% better to 9% worse depending on run and batch size, so
 *       ONNX Runtime's default stays.
 * </ul>
 */
public final class EngineOptions {
  private final ExecutionDevice device;
  private final int intraOpThreads;
  private final int interOpThreads;
  private final int cudaDeviceId;
  private final GraphOptimization graphOptimization;
  private final boolean cpuMemoryArena;
  private final boolean memoryPattern;

  private EngineOptions(Builder b) {
    this.device = b.device;
    this.intraOpThreads = b.intraOpThreads;
    this.interOpThreads = b.interOpThreads;
    this.cudaDeviceId = b.cudaDeviceId;
    this.graphOptimization = b.graphOptimization;
    this.cpuMemoryArena = b.cpuMemoryArena;
    this.memoryPattern = b.memoryPattern;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * AUTO device, one intra-op and one inter-op thread, graph optimisation ALL, memory arena and
   * memory pattern on.
   */
  public static EngineOptions defaults() {
    return builder().build();
  }

  public Builder toBuilder() {
    return new Builder()
        .device(device)
        .intraOpThreads(intraOpThreads)
        .interOpThreads(interOpThreads)
        .cudaDeviceId(cudaDeviceId)
        .graphOptimization(graphOptimization)
        .cpuMemoryArena(cpuMemoryArena)
        .memoryPattern(memoryPattern);
  }

  /** Default AUTO. */
  public ExecutionDevice device() {
    return device;
  }

  /** Threads inside one operator; default 1. 0 lets ONNX Runtime choose (one per core). */
  public int intraOpThreads() {
    return intraOpThreads;
  }

  /** Threads across independent operators; default 1. 0 lets ONNX Runtime choose. */
  public int interOpThreads() {
    return interOpThreads;
  }

  /** CUDA device ordinal for CUDA and AUTO; default 0. */
  public int cudaDeviceId() {
    return cudaDeviceId;
  }

  /** Graph rewriting when the session opens; default ALL. */
  public GraphOptimization graphOptimization() {
    return graphOptimization;
  }

  /** Whether ONNX Runtime pools CPU memory in an arena; default true. */
  public boolean cpuMemoryArena() {
    return cpuMemoryArena;
  }

  /**
   * Whether ONNX Runtime plans each input shape's allocations after its first run and reuses the
   * plan; default true.
   */
  public boolean memoryPattern() {
    return memoryPattern;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof EngineOptions)) {
      return false;
    }
    EngineOptions e = (EngineOptions) o;
    return device == e.device
        && intraOpThreads == e.intraOpThreads
        && interOpThreads == e.interOpThreads
        && cudaDeviceId == e.cudaDeviceId
        && graphOptimization == e.graphOptimization
        && cpuMemoryArena == e.cpuMemoryArena
        && memoryPattern == e.memoryPattern;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        device,
        intraOpThreads,
        interOpThreads,
        cudaDeviceId,
        graphOptimization,
        cpuMemoryArena,
        memoryPattern);
  }

  @Override
  public String toString() {
    return "EngineOptions{device="
        + device
        + ", intraOpThreads="
        + intraOpThreads
        + ", interOpThreads="
        + interOpThreads
        + ", cudaDeviceId="
        + cudaDeviceId
        + ", graphOptimization="
        + graphOptimization
        + ", cpuMemoryArena="
        + cpuMemoryArena
        + ", memoryPattern="
        + memoryPattern
        + "}";
  }

  public static final class Builder {
    private ExecutionDevice device = ExecutionDevice.AUTO;
    private int intraOpThreads = 1;
    private int interOpThreads = 1;
    private int cudaDeviceId = 0;
    private GraphOptimization graphOptimization = GraphOptimization.ALL;
    private boolean cpuMemoryArena = true;
    private boolean memoryPattern = true;

    private Builder() {}

    public Builder device(ExecutionDevice device) {
      this.device = device;
      return this;
    }

    public Builder intraOpThreads(int intraOpThreads) {
      this.intraOpThreads = intraOpThreads;
      return this;
    }

    public Builder interOpThreads(int interOpThreads) {
      this.interOpThreads = interOpThreads;
      return this;
    }

    public Builder cudaDeviceId(int cudaDeviceId) {
      this.cudaDeviceId = cudaDeviceId;
      return this;
    }

    public Builder graphOptimization(GraphOptimization graphOptimization) {
      this.graphOptimization = graphOptimization;
      return this;
    }

    public Builder cpuMemoryArena(boolean cpuMemoryArena) {
      this.cpuMemoryArena = cpuMemoryArena;
      return this;
    }

    public Builder memoryPattern(boolean memoryPattern) {
      this.memoryPattern = memoryPattern;
      return this;
    }

    public EngineOptions build() {
      if (device == null) {
        throw new IllegalArgumentException("device must be one of CPU, CUDA, AUTO, got null");
      }
      if (intraOpThreads < 0 || intraOpThreads > 1024) {
        throw new IllegalArgumentException(
            "intraOpThreads must be in 0..1024, got " + intraOpThreads);
      }
      if (interOpThreads < 0 || interOpThreads > 1024) {
        throw new IllegalArgumentException(
            "interOpThreads must be in 0..1024, got " + interOpThreads);
      }
      if (graphOptimization == null) {
        throw new IllegalArgumentException(
            "graphOptimization must be one of NONE, BASIC, EXTENDED, ALL, got null");
      }
      if (cudaDeviceId < 0) {
        throw new IllegalArgumentException("cudaDeviceId must be >= 0, got " + cudaDeviceId);
      }
      return new EngineOptions(this);
    }
  }
}
