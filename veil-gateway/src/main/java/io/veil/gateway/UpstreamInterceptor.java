package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The last stage: sends the (already pseudonymized) request to the provider with Veil's provider
 * key and answers with its response — a stream read incrementally, or a whole JSON document of at
 * most {@value #MAX_RESPONSE_BYTES} bytes. Provider errors keep their status; their body is rebuilt
 * from the error envelope's message/type/code/param only, with key-like strings redacted.
 *
 * <p>The HTTP exchange itself is the {@link UpstreamTransport}'s (timeouts: connect, until response
 * headers, and between two reads of the body; closing a returned stream cancels the upstream call);
 * this class decides what is sent and maps every failure to the provider's error envelope with a Veil
 * code.
 *
 * <p><b>Security:</b> no client header is forwarded (the client's Authorization is Veil's key); the
 * provider key never appears in a response or a log. (A local server's placeholder key such as "ollama", no
 * credential by {@link #answerKey}, is redacted from errors only: in an answer it is a word.)
 */
final class UpstreamInterceptor implements Interceptor {
  static final int MAX_RESPONSE_BYTES = 64 << 20;
  private static final Pattern KEY_LIKE = Pattern.compile("(sk-|sk_|Bearer\\s+)[A-Za-z0-9_\\-*.]{3,}");
  /**
   * Provider response headers passed to the client: request id and timing, and what the SDKs' retry
   * logic and rate-limit monitoring read. Values are passed only when they look like such values
   * ({@link #headerValue}), so no header carries text.
   */
  private static final String[] PASSED_HEADERS = {"x-request-id", "openai-processing-ms", "retry-after",
      "retry-after-ms", "x-should-retry", "x-ratelimit-limit-requests", "x-ratelimit-limit-tokens",
      "x-ratelimit-remaining-requests", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-requests",
      "x-ratelimit-reset-tokens"};

  private final UpstreamConfig config;
  private final UpstreamTransport transport;
  private final GatewayMetrics metrics;
  private final String authName;
  private final String authValue;
  /** The provider URI of each endpoint without a path parameter, built once (not per request). */
  private final java.util.EnumMap<Endpoint, URI> uris = new java.util.EnumMap<>(Endpoint.class);
  private final String query;
  /**
   * The shortest provider key always replaced inside a successful answer: a hosted provider's credential is longer
   * (OpenAI's, Azure's: 32 characters and more), while the placeholders that local servers take ("EMPTY", "ollama",
   * "none") are words of ordinary answers, which replacing would mangle. A shorter key of at least
   * {@value #MIN_GENERATED_KEY_CHARS} characters that is no word (a self-hosted server's generated {@code --api-key})
   * is replaced too ({@link #answerKey}).
   */
  static final int MIN_ANSWER_KEY_CHARS = 16;
  /** The shortest key that is replaced in answers though shorter than 16 characters, unless it is a word. */
  static final int MIN_GENERATED_KEY_CHARS = 8;
  /** The provider key's bytes when it is a credential to replace in answers ({@link #answerKey}), else null. */
  private final byte[] providerKey;

  UpstreamInterceptor(UpstreamConfig config, UpstreamTransport transport, GatewayMetrics metrics) {
    this.config = config.validated();
    this.transport = transport;
    this.metrics = metrics;
    this.query = this.config.apiVersion() == null ? ""
        : "?api-version=" + java.net.URLEncoder.encode(this.config.apiVersion(), java.nio.charset.StandardCharsets.UTF_8);
    for (Endpoint e : Endpoint.values()) {
      if (e != Endpoint.MODEL && e.upstreamPath() != null) {
        uris.put(e, URI.create(this.config.baseUrl().toString() + e.upstreamPath() + query));
      }
    }
    String apiKey = this.config.apiKey();
    providerKey = answerKey(apiKey) ? apiKey.getBytes(java.nio.charset.StandardCharsets.UTF_8) : null;
    if (config.apiKey() == null) {
      authName = null;
      authValue = null;
    } else {
      switch (config.authHeader()) {
        case BEARER -> {
          authName = "Authorization";
          authValue = "Bearer " + config.apiKey();
        }
        case API_KEY -> {
          authName = "api-key";
          authValue = config.apiKey();
        }
        default -> throw new IllegalArgumentException("unknown auth header");
      }
    }
  }

  @Override
  public GatewayResponse intercept(Chain chain) {
    GatewayRequest request = chain.request();
    Map<String, String> out = new HashMap<>(4);
    if (authName != null) {
      out.put(authName, authValue);
    }
    boolean post = request.endpoint().hasBody();
    out.put("Accept", post && request.streaming() ? "text/event-stream" : "application/json");
    UpstreamTransport.Reply response;
    try {
      response = transport.send(post ? "POST" : "GET", uri(request), out, post ? Json.bytes(request.json()) : null);
    } catch (UpstreamTransport.Failure e) {
      throw switch (e.kind()) {
        case CONNECT_TIMEOUT -> upstreamFailure(504, ErrorCodes.UPSTREAM_TIMEOUT, "Connecting to the upstream provider timed out");
        case TIMEOUT -> upstreamFailure(504, ErrorCodes.UPSTREAM_TIMEOUT, "The upstream provider did not answer in time");
        case UNREACHABLE -> upstreamFailure(502, ErrorCodes.UPSTREAM_UNREACHABLE, "The upstream provider is unreachable");
        case TLS -> upstreamFailure(502, ErrorCodes.UPSTREAM_UNREACHABLE, "The TLS handshake with the upstream provider"
            + " failed (its TLS certificate is not trusted, has expired or names another host); nothing was sent");
        case FAILED -> upstreamFailure(502, ErrorCodes.UPSTREAM_UNREACHABLE, "The upstream provider connection failed");
        case INTERRUPTED -> upstreamFailure(502, ErrorCodes.UPSTREAM_UNREACHABLE,
            "Interrupted while calling the upstream provider");
      };
    }
    int status = response.status();
    metrics.upstream(status);
    Map<String, String> headers = new HashMap<>(4);
    for (String name : PASSED_HEADERS) {
      String v = response.header(name);
      if (v != null && headerValue(v)) {
        headers.put(name, v);
      }
    }
    String ct = response.header("content-type");
    String type = ct == null ? "" : ct.toLowerCase(Locale.ROOT);
    InputStream body = response.body();
    if (status / 100 == 2 && type.startsWith("text/event-stream")) {
      SseReader reader = new SseReader(body);
      return new GatewayResponse.Stream(status, headers, new EventStream() {
        @Override
        public SseEvent next() throws IOException {
          return withoutProviderKey(reader.next());
        }

        @Override
        public void close() {
          try {
            body.close();
          } catch (IOException ignored) {
            // closing cancels the exchange; nothing else to do
          }
        }
      });
    }
    byte[] bytes;
    try (body) {
      bytes = body.readNBytes(MAX_RESPONSE_BYTES + 1);
    } catch (UpstreamTransport.SilentBodyException e) {
      throw upstreamFailure(504, ErrorCodes.UPSTREAM_TIMEOUT, "The upstream provider stopped sending its answer");
    } catch (IOException e) {
      throw upstreamFailure(502, ErrorCodes.UPSTREAM_INVALID, "The upstream provider's response could not be read");
    }
    if (bytes.length > MAX_RESPONSE_BYTES) {
      throw upstreamFailure(502, ErrorCodes.UPSTREAM_INVALID, "The upstream provider's response is too large");
    }
    if (status / 100 != 2) {
      return new GatewayResponse.Json(status, headers, sanitizeError(status, bytes));
    }
    try {
      JsonNode json = Json.MAPPER.readTree(withoutProviderKey(bytes));
      if (json == null || !json.isContainerNode()) {
        throw new IOException("not a JSON document");
      }
      return new GatewayResponse.Json(status, headers, json);
    } catch (IOException e) {
      throw upstreamFailure(502, ErrorCodes.UPSTREAM_INVALID, "The upstream provider's response is not JSON");
    }
  }

  private URI uri(GatewayRequest request) {
    Endpoint endpoint = request.endpoint();
    URI fixed = uris.get(endpoint);
    if (fixed != null) {
      return fixed;
    }
    String path = endpoint.upstreamPath() + (endpoint == Endpoint.MODEL ? request.resource() : "");
    return URI.create(config.baseUrl().toString() + path + query);
  }

  /**
   * A value of the passed headers: ids, numbers, durations ({@code 1m2.5s}) and HTTP dates, at most
   * 100 characters of letters, digits, space and {@code , . : _ -}.
   */
  static boolean headerValue(String v) {
    if (v.isEmpty() || v.length() > 100) {
      return false;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == ' ' || c == ',' || c == '.' || c == ':' || c == '_' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Rebuilds a provider error: its message/type/code/param, key-like strings redacted. */
  ObjectNode sanitizeError(int status, byte[] body) {
    String message = "The upstream provider answered with status " + status;
    String type = ErrorCodes.TYPE_UPSTREAM;
    String code = null;
    String param = null;
    try {
      JsonNode root = Json.MAPPER.readTree(body);
      JsonNode err = root == null ? null : root.get("error");
      if (err != null && err.isTextual()) {
        message = err.asText();
      } else if (err != null && err.isObject()) {
        message = err.path("message").isTextual() ? err.get("message").asText() : message;
        type = err.path("type").isTextual() ? err.get("type").asText() : type;
        code = err.path("code").isValueNode() && !err.path("code").isNull() ? err.get("code").asText() : null;
        param = err.path("param").isTextual() ? err.get("param").asText() : null;
      }
    } catch (IOException e) {
      // not JSON: keep the generic message, never the raw body
    }
    ObjectNode root = Json.error(redact(message), redact(type), code == null ? null : redact(code));
    if (param != null) {
      ((ObjectNode) root.get("error")).put("param", redact(param));
    }
    return root;
  }

  /**
   * Whether {@code key} is a credential to replace wherever an answer quotes it: {@value #MIN_ANSWER_KEY_CHARS}
   * characters or more, or {@value #MIN_GENERATED_KEY_CHARS} or more unless it is a word (letters only, all of one
   * case or capitalized: "anything", "changeme"). A placeholder word ("ollama", "EMPTY") is not. review16 asked a key
   * of 8-15 characters for a letter and a digit, so a generated key without a digit (a base64 one of mixed case, one
   * with '-' or '_') or without a letter reached the client as it came (review17).
   */
  static boolean answerKey(String key) {
    if (key == null || key.length() < MIN_GENERATED_KEY_CHARS) {
      return false;
    }
    return key.length() >= MIN_ANSWER_KEY_CHARS || !isWord(key);
  }

  /** Letters only, all lower case, all upper case, or an upper-case letter and then lower case. */
  private static boolean isWord(String s) {
    if (!s.chars().allMatch(Character::isLetter)) {
      return false;
    }
    String rest = s.substring(1);
    return s.equals(s.toLowerCase(java.util.Locale.ROOT)) || s.equals(s.toUpperCase(java.util.Locale.ROOT))
        || (Character.isUpperCase(s.charAt(0)) && rest.equals(rest.toLowerCase(java.util.Locale.ROOT)));
  }

  /**
   * {@code event} with the provider key replaced, should a provider quote it inside a stream (an error event after
   * the answer began: non-2xx errors go through {@link #sanitizeError}). Only the exact key, and only a credential
   * ({@link #answerKey}): the key-like pattern of errors, or a local server's placeholder key ("ollama"), would
   * mangle ordinary answer text. <b>Security:</b> the provider key never reaches a client.
   */
  private SseEvent withoutProviderKey(SseEvent event) {
    String key = providerKey == null ? null : config.apiKey();
    if (event == null || key == null || event.data() == null || !event.data().contains(key)) {
      return event;
    }
    return new SseEvent(event.event(), event.data().replace(key, "***"));
  }

  /**
   * A successful JSON answer's {@code body} with the provider key replaced (the body itself when it holds none):
   * some providers and proxies answer a failure with status 200 and an error object that quotes the key, and a
   * non-2xx body is rebuilt by {@link #sanitizeError} but a 2xx one is passed on. Only the exact key, and only a
   * credential ({@link #answerKey}), as in a stream. <b>Security:</b> the provider key never reaches a client.
   */
  private byte[] withoutProviderKey(byte[] body) {
    byte[] key = providerKey;
    int at = key == null ? -1 : indexOf(body, key, 0);
    if (at < 0) {
      return body;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(body.length);
    int from = 0;
    for (; at >= 0; at = indexOf(body, key, from)) {
      out.write(body, from, at - from);
      out.write('*');
      out.write('*');
      out.write('*');
      from = at + key.length;
    }
    out.write(body, from, body.length - from);
    return out.toByteArray();
  }

  /** The first index at or after {@code from} where {@code key} (not empty) occurs in {@code body}, or -1. */
  private static int indexOf(byte[] body, byte[] key, int from) {
    byte first = key[0];
    for (int i = from, last = body.length - key.length; i <= last; i++) {
      if (body[i] == first && java.util.Arrays.equals(body, i, i + key.length, key, 0, key.length)) {
        return i;
      }
    }
    return -1;
  }

  private String redact(String s) {
    String out = s;
    if (config.apiKey() != null && config.apiKey().length() >= 4) {
      out = out.replace(config.apiKey(), "***");
    }
    out = KEY_LIKE.matcher(out).replaceAll("$1***");
    return out.length() > 2000 ? out.substring(0, 2000) + "…" : out;
  }

  private static GatewayException upstreamFailure(int status, String code, String message) {
    return new GatewayException(status, ErrorCodes.TYPE_UPSTREAM, code, message);
  }
}
