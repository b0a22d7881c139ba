package io.veil.gateway;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.veil.core.Veil;
import io.veil.gateway.keys.FileClientKeyStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import org.slf4j.LoggerFactory;

/** A real gateway on an ephemeral port in front of a scripted upstream, with captured logs. */
final class GatewayFixture implements AutoCloseable {
  final MockWebServer upstream = new MockWebServer();
  final EchoUpstream echo = new EchoUpstream();
  final FileClientKeyStore keys;
  final Gateway gateway;
  final String key;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  GatewayFixture(Path dataDir, Veil veil, Map<String, GatewayPolicy> extraPolicies) throws Exception {
    this(dataDir, veil, extraPolicies, Duration.ofSeconds(10));
  }

  GatewayFixture(Path dataDir, Veil veil, Map<String, GatewayPolicy> extraPolicies, Duration timeout) throws Exception {
    this(dataDir, veil, extraPolicies, timeout, c -> c);
  }

  /** With {@code customize} applied to the gateway's configuration before it starts. */
  GatewayFixture(Path dataDir, Veil veil, Map<String, GatewayPolicy> extraPolicies, Duration timeout,
                 java.util.function.UnaryOperator<GatewayConfig> customize) throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logs.start();
    root.addAppender(logs);
    upstream.setDispatcher(echo);
    upstream.start();
    keys = FileClientKeyStore.open(dataDir);
    key = keys.create("acme", "default", 0).secret();
    Map<String, GatewayPolicy> policies = new java.util.HashMap<>(extraPolicies);
    policies.putIfAbsent("default", GatewayPolicy.defaults("default"));
    UpstreamConfig up = new UpstreamConfig(URI.create(upstream.url("/v1").toString().replaceAll("/$", "")),
        "sk-provider-secret-123456", null, UpstreamConfig.AuthHeader.BEARER, Duration.ofSeconds(5), timeout);
    GatewayConfig config = customize.apply(new GatewayConfig("127.0.0.1", 0, dataDir, up, null, policies));
    gateway = Gateway.start(config, veil, keys);
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + gateway.port() + path);
  }

  HttpResponse<String> post(String path, String key, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.setHeader(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).GET();
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The data payloads of an SSE body, parsed (except [DONE]). */
  static List<JsonNode> events(String sse) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String block : sse.split("\n\n")) {
      for (String line : block.split("\n")) {
        if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
          out.add(Json.MAPPER.readTree(line.substring(6)));
        }
      }
    }
    return out;
  }

  String allLogs() {
    StringBuilder sb = new StringBuilder();
    for (ILoggingEvent e : logs.list) {
      sb.append(e.getFormattedMessage()).append('\n');
      if (e.getThrowableProxy() != null) {
        sb.append(e.getThrowableProxy().getMessage()).append('\n');
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    gateway.close();
    upstream.close();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
  }
}
