package dev.streammod.pipeline.moderation;

/** Where a segment failed; recorded in its ERROR verdict and dead letter. */
public enum Stage {
  DESERIALIZE,
  FETCH,
  DECODE,
  INFER,
  TIMEOUT
}
