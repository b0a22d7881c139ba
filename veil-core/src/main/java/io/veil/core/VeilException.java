package io.veil.core;

/**
 * Base of Veil's own exceptions. <b>Security:</b> messages never contain personal data, so they may
 * be logged and shown to clients.
 */
public class VeilException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public VeilException(String message) {
    super(message);
  }

  public VeilException(String message, Throwable cause) {
    super(message, cause);
  }
}
