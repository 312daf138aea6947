package dev.streammod.models;

import java.util.Objects;

/**
 * How an {@link InferenceEngine} runs its session. Immutable; validated in {@link Builder#build()}.
 */
public final class EngineOptions {
  private final ExecutionDevice device;
  private final int intraOpThreads;
  private final int interOpThreads;
  private final int cudaDeviceId;

  private EngineOptions(Builder b) {
    this.device = b.device;
    this.intraOpThreads = b.intraOpThreads;
    this.interOpThreads = b.interOpThreads;
    this.cudaDeviceId = b.cudaDeviceId;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** AUTO device, one intra-op and one inter-op thread. */
  public static EngineOptions defaults() {
    return builder().build();
  }

  public Builder toBuilder() {
    return new Builder()
        .device(device)
        .intraOpThreads(intraOpThreads)
        .interOpThreads(interOpThreads)
        .cudaDeviceId(cudaDeviceId);
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

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof EngineOptions)) {
      return false;
    }
    EngineOptions e = (EngineOptions) o;
    return device == e.device
        && intraOpThreads == e.intraOpThreads
        && interOpThreads == e.interOpThreads
        && cudaDeviceId == e.cudaDeviceId;
  }

  @Override
  public int hashCode() {
    return Objects.hash(device, intraOpThreads, interOpThreads, cudaDeviceId);
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
        + "}";
  }

  public static final class Builder {
    private ExecutionDevice device = ExecutionDevice.AUTO;
    private int intraOpThreads = 1;
    private int interOpThreads = 1;
    private int cudaDeviceId = 0;

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
      if (cudaDeviceId < 0) {
        throw new IllegalArgumentException("cudaDeviceId must be >= 0, got " + cudaDeviceId);
      }
      return new EngineOptions(this);
    }
  }
}
