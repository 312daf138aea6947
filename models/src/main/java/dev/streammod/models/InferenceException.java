package dev.streammod.models;

/**
 * A failure inside ONNX Runtime, translated at the module edge: the message names the model, what
 * was called and with which shapes; the cause is the original {@code OrtException}.
 */
public final class InferenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InferenceException(String message, Throwable cause) {
    super(message, cause);
  }

  public InferenceException(String message) {
    super(message);
  }
}
