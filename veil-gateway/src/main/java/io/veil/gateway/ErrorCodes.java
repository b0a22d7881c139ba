package io.veil.gateway;

/** Veil's own error codes, as they appear in {@code error.code} of the error envelope. */
final class ErrorCodes {
  static final String UNKNOWN_ENDPOINT = "veil_unknown_endpoint";
  static final String INVALID_API_KEY = "veil_invalid_api_key";
  static final String RATE_LIMITED = "veil_rate_limit_exceeded";
  static final String BODY_TOO_LARGE = "veil_body_too_large";
  static final String UNSUPPORTED_MEDIA_TYPE = "veil_unsupported_media_type";
  static final String MALFORMED_JSON = "veil_malformed_json";
  static final String INVALID_REQUEST = "veil_invalid_request";
  static final String UNSUPPORTED_CONTENT = "veil_unsupported_content";
  static final String INVALID_CONVERSATION = "veil_invalid_conversation_id";
  static final String CONVERSATION_REQUIRED = "veil_conversation_required";
  static final String DETECTION_FAILED = "veil_detection_failed";
  static final String VAULT_FAILED = "veil_vault_failed";
  static final String POLICY_UNAVAILABLE = "veil_policy_unavailable";
  static final String UPSTREAM_UNREACHABLE = "veil_upstream_unreachable";
  static final String UPSTREAM_TIMEOUT = "veil_upstream_timeout";
  static final String UPSTREAM_INVALID = "veil_upstream_invalid_response";
  static final String UPSTREAM_STREAM_INTERRUPTED = "veil_upstream_stream_interrupted";
  static final String INTERNAL = "veil_internal_error";
  static final String CONSENT_REQUIRED = "consent_required";
  static final String USER_REQUIRED = "veil_user_required";
  static final String INVALID_USER = "veil_invalid_user";
  static final String PII_BLOCKED = "veil_pii_blocked";
  static final String STORE_UNAVAILABLE = "veil_store_unavailable";
  /** The request's headers did not arrive within {@code server.headerTimeoutSeconds}. */
  static final String REQUEST_TIMEOUT = "veil_request_timeout";
  /** A stream ended early because the gateway is stopping (SIGTERM); the client should retry. */
  static final String SHUTTING_DOWN = "veil_shutting_down";

  static final String TYPE_INVALID_REQUEST = "invalid_request_error";
  static final String TYPE_AUTH = "authentication_error";
  static final String TYPE_RATE_LIMIT = "rate_limit_error";
  static final String TYPE_VEIL = "veil_error";
  static final String TYPE_PERMISSION = "permission_error";
  static final String TYPE_UNAVAILABLE = "service_unavailable";
  static final String TYPE_UPSTREAM = "upstream_error";

  private ErrorCodes() {}
}
