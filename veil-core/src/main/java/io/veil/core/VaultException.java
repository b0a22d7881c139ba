package io.veil.core;

/** The token vault could not read or write. Callers fail closed. No values in the message. */
public final class VaultException extends VeilException {
  private static final long serialVersionUID = 1L;

  public VaultException(String message, Throwable cause) {
    super(message, cause);
  }

  public VaultException(String message) {
    super(message);
  }
}
