package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The edge: h2c on the plain listener, events leave before the upstream ends, disconnects cancel. */
class StreamingEdgeIT {
  @TempDir
  Path dir;

  @Test
  void plainListenerSpeaksH2c() throws Exception {
    try (GatewayFixture fx = new GatewayFixture(dir, TestVeil.create(), Map.of())) {
      HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
      HttpResponse<String> r = h2.send(HttpRequest.newBuilder(fx.uri("/health")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
    }
  }

  @Test
  void eventsLeaveBeforeTheUpstreamEndsAndADisconnectEndsTheStream() throws Exception {
    try (GatewayFixture fx = new GatewayFixture(dir, TestVeil.create(), Map.of())) {
      StringBuilder sse = new StringBuilder();
      for (int i = 0; i < 40; i++) {
        sse.append("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"word")
            .append(i).append(" \"},\"finish_reason\":null}]}\n\n");
      }
      sse.append("data: [DONE]\n\n");
      // about 100 bytes per 200 ms: the whole body would take ~10 s
      fx.echo.override = new MockResponse.Builder().code(200).addHeader("Content-Type", "text/event-stream")
          .body(sse.toString()).throttleBody(100, 200, TimeUnit.MILLISECONDS).build();
      HttpRequest req = HttpRequest.newBuilder(fx.uri("/v1/chat/completions")).timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + fx.key).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
          .build();
      long start = System.nanoTime();
      HttpResponse<InputStream> r = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofInputStream());
      byte[] first = new byte[64];
      int n = r.body().read(first);
      long firstByteMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(n).isPositive();
      assertThat(new String(first, 0, n)).startsWith("data: ");
      assertThat(firstByteMs).as("first event before the upstream finished").isLessThan(8_000);
      r.body().close();

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!fx.allLogs().contains("chat_completions status=200") && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      String line = fx.allLogs().lines().filter(l -> l.contains("chat_completions status=200")).findFirst().orElseThrow();
      assertThat(line).contains("stream=true");
      java.util.regex.Matcher ms = java.util.regex.Pattern.compile("ms=(\\d+)").matcher(line);
      assertThat(ms.find()).isTrue();
      assertThat(Long.parseLong(ms.group(1))).as("stream closed on disconnect, not when the upstream ended (~10 s)")
          .isLessThan(8_000);
    }
  }
}
