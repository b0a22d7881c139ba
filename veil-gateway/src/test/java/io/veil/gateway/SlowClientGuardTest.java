package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.jupiter.api.Test;

/** The 408 a client too slow with its headers gets, and the guard's argument checks (behaviour: SlowClientIT). */
class SlowClientGuardTest {

  @Test
  void the408IsACompleteHttpResponseWithTheProvidersErrorEnvelope() throws Exception {
    String raw = new String(SlowClientGuard.response(Duration.ofSeconds(10)), StandardCharsets.UTF_8);
    int split = raw.indexOf("\r\n\r\n");
    String head = raw.substring(0, split);
    String body = raw.substring(split + 4);
    assertThat(head).startsWith("HTTP/1.1 408 Request Timeout\r\n").contains("\r\nConnection: close")
        .contains("\r\nContent-Type: application/json")
        .contains("\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length);
    JsonNode error = Json.MAPPER.readTree(body).path("error");
    assertThat(error.path("code").asText()).isEqualTo(ErrorCodes.REQUEST_TIMEOUT);
    assertThat(error.path("type").asText()).isEqualTo(ErrorCodes.TYPE_INVALID_REQUEST);
    assertThat(error.path("message").asText()).contains("10 s");
  }

  @Test
  void aZeroTimeoutOrANegativeRateIsRefused() {
    ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler();
    assertThatThrownBy(() -> new SlowClientGuard(Duration.ZERO, 0, scheduler))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SlowClientGuard(Duration.ofSeconds(1), -1, scheduler))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new SlowClientGuard(Duration.ofSeconds(1), 0, scheduler).watched()).isZero();
  }
}
