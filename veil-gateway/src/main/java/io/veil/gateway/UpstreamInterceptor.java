package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The last stage: sends the (already pseudonymized) request to the provider with Veil's provider
 * key and answers with its response — a stream read incrementally, or a whole JSON document.
 * Provider errors keep their status; their body is rebuilt from the error envelope's
 * message/type/code/param only, with key-like strings redacted.
 *
 * <p>Timeouts: connect ({@code connectTimeout}), until response headers ({@code timeout}), and
 * between two reads of the body ({@code timeout} again, by an {@link IdleWatchdog}). Closing a
 * returned stream cancels the upstream call.
 *
 * <p><b>Security:</b> no client header is forwarded (the client's Authorization is Veil's key); the
 * provider key never appears in a response or a log.
 */
final class UpstreamInterceptor implements Interceptor {
  static final int MAX_RESPONSE_BYTES = 64 << 20;
  private static final Pattern KEY_LIKE = Pattern.compile("(sk-|sk_|Bearer\\s+)[A-Za-z0-9_\\-*.]{3,}");
  private static final Map<String, String> PASSED_HEADERS = Map.of(
      "x-request-id", "x-request-id", "openai-processing-ms", "openai-processing-ms", "retry-after", "retry-after");

  private final UpstreamConfig config;
  private final HttpClient client;
  private final GatewayMetrics metrics;

  UpstreamInterceptor(UpstreamConfig config, HttpClient client, GatewayMetrics metrics) {
    this.config = config.validated();
    this.client = client;
    this.metrics = metrics;
  }

  static HttpClient newClient(UpstreamConfig config) {
    boolean tls = config.baseUrl().getScheme().equalsIgnoreCase("https");
    return HttpClient.newBuilder()
        .connectTimeout(config.connectTimeout())
        .version(tls ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  @Override
  public GatewayResponse intercept(Chain chain) {
    GatewayRequest request = chain.request();
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(request)).timeout(config.timeout());
    if (config.apiKey() != null) {
      switch (config.authHeader()) {
        case BEARER -> b.header("Authorization", "Bearer " + config.apiKey());
        case API_KEY -> b.header("api-key", config.apiKey());
      }
    }
    if (request.endpoint().hasBody()) {
      b.header("Content-Type", "application/json")
          .header("Accept", request.streaming() ? "text/event-stream" : "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(request.json())));
    } else {
      b.header("Accept", "application/json").GET();
    }
    HttpResponse<InputStream> response;
    try {
      response = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpConnectTimeoutException e) {
      throw upstreamFailure(504, ErrorCodes.UPSTREAM_TIMEOUT, "Connecting to the upstream provider timed out");
    } catch (HttpTimeoutException e) {
      throw upstreamFailure(504, ErrorCodes.UPSTREAM_TIMEOUT, "The upstream provider did not answer in time");
    } catch (ConnectException e) {
      throw upstreamFailure(502, ErrorCodes.UPSTREAM_UNREACHABLE, "The upstream provider is unreachable");
    } catch (IOException e) {
      throw upstreamFailure(502, ErrorCodes.UPSTREAM_UNREACHABLE, "The upstream provider connection failed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw upstreamFailure(502, ErrorCodes.UPSTREAM_UNREACHABLE, "Interrupted while calling the upstream provider");
    }
    int status = response.statusCode();
    metrics.upstream(status);
    Map<String, String> headers = new HashMap<>();
    PASSED_HEADERS.forEach((name, out) -> response.headers().firstValue(name).ifPresent(v -> headers.put(out, v)));
    String type = response.headers().firstValue("content-type").orElse("").toLowerCase(Locale.ROOT);
    InputStream body = response.body();
    IdleWatchdog watchdog = new IdleWatchdog(body, config.timeout());
    if (status / 100 == 2 && type.startsWith("text/event-stream")) {
      SseReader reader = new SseReader(body);
      return new GatewayResponse.Stream(status, headers, new EventStream() {
        @Override
        public SseEvent next() throws IOException {
          SseEvent e = reader.next();
          watchdog.touch();
          return e;
        }

        @Override
        public void close() {
          watchdog.stop();
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
    } catch (IOException e) {
      throw watchdog.fired()
          ? upstreamFailure(504, ErrorCodes.UPSTREAM_TIMEOUT, "The upstream provider stopped sending its answer")
          : upstreamFailure(502, ErrorCodes.UPSTREAM_INVALID, "The upstream provider's response could not be read");
    } finally {
      watchdog.stop();
    }
    if (bytes.length > MAX_RESPONSE_BYTES) {
      throw upstreamFailure(502, ErrorCodes.UPSTREAM_INVALID, "The upstream provider's response is too large");
    }
    if (status / 100 != 2) {
      return new GatewayResponse.Json(status, headers, sanitizeError(status, bytes));
    }
    try {
      JsonNode json = Json.MAPPER.readTree(bytes);
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
    String base = config.baseUrl().toString();
    String query = config.apiVersion() == null ? ""
        : "?api-version=" + java.net.URLEncoder.encode(config.apiVersion(), java.nio.charset.StandardCharsets.UTF_8);
    String path = endpoint.upstreamPath() + (endpoint == Endpoint.MODEL ? request.resource() : "");
    return URI.create(base + path + query);
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
