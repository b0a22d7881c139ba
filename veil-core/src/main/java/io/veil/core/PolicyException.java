package io.veil.core;

/**
 * A policy could not be read or is not valid. The message names the offending field (for example
 * {@code entities.PERSON.operator}) and never repeats allow- or deny-list terms.
 */
public final class PolicyException extends VeilException {
  private static final long serialVersionUID = 1L;

  public PolicyException(String message) {
    super(message);
  }

  public PolicyException(String message, Throwable cause) {
    super(message, cause);
  }
}
