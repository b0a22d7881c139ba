package io.veil.core;

/**
 * Detection could not complete. Callers must fail closed: a text whose analysis failed is never
 * forwarded. The message never contains any part of the analysed text.
 */
public final class DetectionException extends VeilException {
  private static final long serialVersionUID = 1L;

  public DetectionException(String message) {
    super(message);
  }
}
