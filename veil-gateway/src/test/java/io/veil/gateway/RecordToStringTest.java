package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The request-path records that hold secrets or personal data print neither (review7: their generated
 * {@code toString()} printed the admin token, a client key, a privacy link, a user id and the restored answer).
 */
class RecordToStringTest {
  static final String ADMIN_TOKEN = "vat_0123456789abcdefSECRET";
  static final String LINK = "v1.eyJ0IjoiYWNtZSJ9.MACSECRET";
  static final String USER = "jane.doe@example.com";

  @Test
  void aGovernanceCallShowsNoHeaderQueryOrBodyValue() {
    GovernanceApi.Call call = new GovernanceApi.Call("POST", "/privacy/consent",
        Map.of("authorization", "Bearer " + ADMIN_TOKEN, "x-veil-user", USER, "x-veil-privacy-link", LINK),
        Map.of("token", LINK), ("{\"user\":\"" + USER + "\"}").getBytes(StandardCharsets.UTF_8));
    assertThat(call.toString()).doesNotContain(ADMIN_TOKEN).doesNotContain(LINK).doesNotContain(USER)
        .contains("POST").contains("/privacy/consent").contains("authorization").contains("token");
  }

  @Test
  void answersShowNoBody() throws Exception {
    var restored = Json.MAPPER.readTree("{\"choices\":[{\"message\":{\"content\":\"Write to " + USER + "\"}}]}");
    assertThat(new GatewayResponse.Json(200, Map.of("x-request-id", "req_1"), restored).toString())
        .doesNotContain(USER).contains("200");
    var secret = Json.MAPPER.createObjectNode().put("secret", ADMIN_TOKEN).put("user", USER);
    assertThat(new GovernanceApi.JsonAnswer(201, secret).toString()).doesNotContain(ADMIN_TOKEN).doesNotContain(USER)
        .contains("201");
  }
}
