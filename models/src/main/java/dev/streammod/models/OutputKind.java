package dev.streammod.models;

/** What the model's output holds. LOGITS are turned into probabilities by the engine (softmax). */
public enum OutputKind {
  PROBABILITIES,
  LOGITS
}
