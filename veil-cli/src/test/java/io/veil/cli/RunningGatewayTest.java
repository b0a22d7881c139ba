package io.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A running gateway's answer (a subject's export, a new key's secret) prints no body (review8). */
class RunningGatewayTest {
  @Test
  void aResponseShowsStatusAndLengthOnly() {
    String body = "{\"id\":\"jane.doe@example.com\",\"secret\":\"vk_secret_0123\"}";
    assertThat(new RunningGateway.Response(200, body).toString()).doesNotContain("jane.doe").doesNotContain("vk_secret")
        .contains("200").contains(String.valueOf(body.length()));
  }
}
