package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.gateway.keys.FileClientKeyStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client sees while the gateway stops (SIGTERM in {@code veil serve} calls {@link Gateway#close()}):
 * requests in flight finish, new connections are refused, and a stream still running when the
 * shutdown timeout is near ends with an in-stream error event instead of being cut off silently (an
 * SDK would take a silently cut stream for a complete answer). {@code close()} itself returns
 * normally even when Jetty has to cut connections, so the caller can still close the store.
 */
class GracefulShutdownIT {
  @TempDir
  Path dir;

  private final MockWebServer upstream = new MockWebServer();
  private final EchoUpstream echo = new EchoUpstream();
  private Gateway gateway;
  private String key;

  @BeforeEach
  void start() throws Exception {
    upstream.setDispatcher(echo);
    upstream.start();
    FileClientKeyStore keys = FileClientKeyStore.open(dir);
    key = keys.create("acme", "default", 0).secret();
    UpstreamConfig up = new UpstreamConfig(URI.create(upstream.url("/v1").toString().replaceAll("/$", "")),
        null, null, UpstreamConfig.AuthHeader.BEARER, Duration.ofSeconds(5), Duration.ofSeconds(30));
    GatewayConfig config = new GatewayConfig("127.0.0.1", 0, dir, up, null,
        Map.of("default", GatewayPolicy.defaults("default")))
        .withServer(new ServerOptions(Duration.ofSeconds(3), ServerOptions.DEFAULTS.maxConnections(),
            ServerOptions.DEFAULTS.idleTimeout(), Duration.ZERO));
    gateway = Gateway.start(config, TestVeil.create(), keys);
  }

  @AfterEach
  void stop() throws IOException {
    gateway.close();
    upstream.close();
  }

  private HttpRequest chat(boolean stream) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"stream\":" + stream
            + ",\"messages\":[{\"role\":\"user\",\"content\":\"Mail bob@example.com\"}]}"))
        .build();
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(HttpClient.Version.class)
  void aRequestInFlightFinishesAndNewConnectionsAreRefused(HttpClient.Version version) throws Exception {
    echo.override = EchoUpstream.json("{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
        + "\"message\":{\"role\":\"assistant\",\"content\":\"done\"},\"finish_reason\":\"stop\"}]}")
        .newBuilder().headersDelay(1, TimeUnit.SECONDS).build();
    int port = gateway.port();
    CompletableFuture<HttpResponse<String>> inFlight = HttpClient.newBuilder().version(version).build()
        .sendAsync(chat(false), HttpResponse.BodyHandlers.ofString());
    assertThat(upstream.takeRequest(15, TimeUnit.SECONDS)).as("the request reached the upstream").isNotNull();
    Thread closer = Thread.ofVirtual().start(gateway::close);
    Thread.sleep(200);
    assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString()))
        .as("a new connection while stopping").isInstanceOf(IOException.class);
    HttpResponse<String> r = inFlight.get(20, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("done");
    closer.join(20_000);
    assertThat(closer.isAlive()).isFalse();
  }

  @Test
  void aStreamStillRunningAtTheShutdownTimeoutEndsWithAnErrorEventAndCloseReturns() throws Exception {
    StringBuilder sse = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      sse.append("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":"
          + "{\"content\":\"word").append(i).append(" \"},\"finish_reason\":null}]}\n\n");
    }
    sse.append("data: [DONE]\n\n");
    // ~100 bytes per 200 ms: the whole stream would take ~15 s, far past the 3 s shutdown timeout
    echo.override = new MockResponse.Builder().code(200).addHeader("Content-Type", "text/event-stream")
        .body(sse.toString()).throttleBody(100, 200, TimeUnit.MILLISECONDS).build();
    CompletableFuture<HttpResponse<String>> stream = HttpClient.newHttpClient()
        .sendAsync(chat(true), HttpResponse.BodyHandlers.ofString());
    assertThat(upstream.takeRequest(15, TimeUnit.SECONDS)).as("the request reached the upstream").isNotNull();
    Thread.sleep(500);
    Throwable[] thrown = new Throwable[1];
    Thread closer = Thread.ofVirtual().start(() -> {
      try {
        gateway.close();
      } catch (Throwable t) {
        thrown[0] = t;
      }
    });
    HttpResponse<String> r = stream.get(20, TimeUnit.SECONDS);
    closer.join(20_000);
    assertThat(closer.isAlive()).isFalse();
    assertThat(thrown[0]).as("close() returns normally").isNull();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("word0").doesNotContain("[DONE]").doesNotContain("word59");
    assertThat(r.body().strip()).as("the last event tells the client the answer is incomplete")
        .endsWith("\"code\":\"veil_shutting_down\"}}");
  }
}
