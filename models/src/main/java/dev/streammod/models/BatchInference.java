package dev.streammod.models;

import java.nio.FloatBuffer;

/**
 * What the dynamic batcher needs from a model: its config and one run over frames that are already
 * preprocessed. {@link InferenceEngine} is the real one; tests plug in hand-written fakes.
 */
public interface BatchInference {
  ModelConfig config();

  /** e.g. "cpu" or "cuda:0". */
  String deviceDescription();

  /**
   * Runs {@code count} preprocessed frames held in {@code input} from index 0, in the config's
   * layout (position and limit ignored). Returns probabilities, {@code [count][labels.size()]}.
   */
  float[][] inferPreprocessed(FloatBuffer input, int count);
}
