package dev.streammod.cli.submit;

/** A call to Flink's REST API that failed, with a message that says which, where and why. */
public final class FlinkRestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FlinkRestException(String message) {
    super(message);
  }
}
