package dev.streammod.models;

/** How much ONNX Runtime rewrites the graph when a session opens (its graph optimisation level). */
public enum GraphOptimization {
  /** No rewriting. */
  NONE,
  /** Constant folding and redundant node removal. */
  BASIC,
  /** BASIC plus operator fusions. */
  EXTENDED,
  /** EXTENDED plus layout transforms (NCHWc blocked convolutions on CPU). */
  ALL
}
