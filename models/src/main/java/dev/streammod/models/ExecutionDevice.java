package dev.streammod.models;

/**
 * Where a session runs. AUTO uses CUDA when the CUDA execution provider is present and starts,
 * otherwise CPU, and logs why it fell back.
 */
public enum ExecutionDevice {
  CPU,
  CUDA,
  AUTO
}
