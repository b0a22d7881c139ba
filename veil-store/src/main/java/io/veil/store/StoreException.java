package io.veil.store;

import io.veil.core.VeilException;

/**
 * A store operation failed for a reason other than the database being unreachable (a constraint the
 * store could not resolve, corrupt or undecryptable data). Callers fail closed.
 *
 * <p><b>Security:</b> messages never contain personal data, keys or connection passwords.
 */
public class StoreException extends VeilException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
