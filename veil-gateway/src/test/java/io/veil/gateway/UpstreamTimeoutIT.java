package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.Veil;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A provider that does not answer, or stalls mid-body, is cut off after the configured timeout. */
class UpstreamTimeoutIT {
  @TempDir
  Path dir;

  @Test
  void slowHeadersAndStalledBodiesAre504() throws Exception {
    try (GatewayFixture fx = new GatewayFixture(dir, Veil.builder().build(), Map.of(), Duration.ofSeconds(1))) {
      fx.echo.override = new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
          .body("{\"object\":\"list\",\"data\":[]}").headersDelay(4, TimeUnit.SECONDS).build();
      HttpResponse<String> slow = fx.get("/v1/models", fx.key);
      assertThat(slow.statusCode()).isEqualTo(504);
      assertThat(Json.MAPPER.readTree(slow.body()).at("/error/code").asText()).isEqualTo("veil_upstream_timeout");

      fx.echo.override = new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
          .body("{\"object\":\"list\",\"data\":[" + " ".repeat(64) + "]}").throttleBody(8, 4, TimeUnit.SECONDS).build();
      HttpResponse<String> stalled = fx.get("/v1/models", fx.key);
      assertThat(stalled.statusCode()).isEqualTo(504);
    }
  }
}
