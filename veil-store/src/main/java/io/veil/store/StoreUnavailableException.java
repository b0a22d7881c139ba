package io.veil.store;

/**
 * The database cannot be reached (connection refused, timed out, pool exhausted, closed). The gateway
 * maps it to 503 and forwards nothing.
 *
 * <p><b>Security:</b> the message names no host, user, password or data; the cause chain may carry
 * the driver's own message, so log the cause only at debug level.
 */
public final class StoreUnavailableException extends StoreException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
