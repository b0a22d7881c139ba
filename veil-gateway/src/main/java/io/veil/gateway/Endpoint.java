package io.veil.gateway;

import java.util.Optional;

/** The endpoints Veil understands. Anything else is refused with 404; nothing unknown is forwarded. */
enum Endpoint {
  CHAT_COMPLETIONS("POST", "/v1/chat/completions", "/chat/completions", true),
  RESPONSES("POST", "/v1/responses", "/responses", true),
  COMPLETIONS("POST", "/v1/completions", "/completions", true),
  EMBEDDINGS("POST", "/v1/embeddings", "/embeddings", true),
  MODELS("GET", "/v1/models", "/models", false),
  /** {@code GET /v1/models/{id}}: the path ends with a model id (see {@link #resourceId}). */
  MODEL("GET", "/v1/models/", "/models/", false),
  HEALTH("GET", "/health", null, false),
  /** Readiness for load balancers: 503 while the store is unreachable or the gateway is draining. */
  READY("GET", "/ready", null, false),
  METRICS("GET", "/metrics", null, false);

  private final String method;
  private final String path;
  private final String upstreamPath;
  private final boolean hasBody;
  private final String label;

  Endpoint(String method, String path, String upstreamPath, boolean hasBody) {
    this.label = name().toLowerCase(java.util.Locale.ROOT); // once: it is read several times per request
    this.method = method;
    this.path = path;
    this.upstreamPath = upstreamPath;
    this.hasBody = hasBody;
  }

  /** The endpoint for this method and path; empty for anything Veil does not understand. */
  static Optional<Endpoint> resolve(String method, String path) {
    String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    for (Endpoint e : values()) {
      if (e.method.equalsIgnoreCase(method) && (e.path.equals(p) || (e == MODEL && resourceId(p) != null))) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** The model id of a {@code /v1/models/{id}} path, or null if it is not one (ids: {@code [A-Za-z0-9._:-]}, 1-200). */
  static String resourceId(String path) {
    if (!path.startsWith(MODEL.path)) {
      return null;
    }
    String id = path.substring(MODEL.path.length());
    return ID.matcher(id).matches() ? id : null;
  }

  private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,200}");

  /** The path relative to the upstream base URL (which ends before {@code /chat/...}). */
  String upstreamPath() {
    return upstreamPath;
  }

  boolean hasBody() {
    return hasBody;
  }

  /** The client-facing path, for the audit trail ({@code /v1/models/} for a model lookup). */
  String path() {
    return path;
  }

  /** A short label for logs and metrics. */
  String label() {
    return label;
  }
}
