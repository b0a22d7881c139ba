package io.veil.gateway;

/**
 * A request refused by Veil, turned into the provider's error envelope
 * {@code {"error":{"message","type","code"}}} with this status.
 *
 * <p><b>Security:</b> the message is shown to the client and may be logged: it must never contain
 * any part of the request body or any secret.
 */
final class GatewayException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String type;
  private final String code;
  private final Long retryAfterSeconds;

  GatewayException(int status, String type, String code, String message) {
    this(status, type, code, message, null);
  }

  GatewayException(int status, String type, String code, String message, Long retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  static GatewayException badRequest(String code, String message) {
    return new GatewayException(400, "invalid_request_error", code, message);
  }

  int status() {
    return status;
  }

  String type() {
    return type;
  }

  String code() {
    return code;
  }

  Long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
