package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input to the admin API, as an operator's script might send it: every mistyped value is a clear 400
 * naming the field, and nothing is created (QA pass docs/notes/qa3.md).
 */
class AdminApiInputIT {
  @TempDir static Path dir;
  static GovernedGateway g;

  @BeforeAll
  static void start() throws Exception {
    g = new GovernedGateway(dir, TestStores.H2.fresh(), Map.of());
  }

  @AfterAll
  static void stop() {
    g.close();
  }

  private static String code(HttpResponse<String> r) throws Exception {
    return GovernedGateway.json(r).at("/error/code").asText();
  }

  @ParameterizedTest(name = "rate_per_minute {0}")
  @CsvSource(delimiter = '|', value = {
      "'\"x\"'", "'\"5\"'", "1.5", "true", "-1", "99999999999", "1e3", "[]", "{}"})
  void aKeyWithAMistypedRateIsRefusedAndNotCreated(String rate) throws Exception {
    int before = g.keys.list().size();
    HttpResponse<String> r = g.admin("POST", "/admin/keys", "{\"tenant\":\"t2\",\"rate_per_minute\":" + rate + "}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(code(r)).isEqualTo("veil_invalid_request");
    assertThat(r.body()).contains("rate_per_minute").doesNotContain("sk-veil-");
    assertThat(g.keys.list()).hasSize(before);
  }

  @ParameterizedTest(name = "ttl_seconds {0}")
  @CsvSource(delimiter = '|', value = {
      "'\"abc\"'", "'\"600\"'", "1.5", "false", "0", "-5", "604801", "99999999999999999999", "[600]"})
  void aPrivacyLinkWithAMistypedLifetimeIsRefused(String ttl) throws Exception {
    HttpResponse<String> r = g.admin("POST", "/admin/privacy-links",
        "{\"tenant\":\"acme\",\"user\":\"alice@example.com\",\"ttl_seconds\":" + ttl + "}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(code(r)).isEqualTo("veil_invalid_request");
    assertThat(r.body()).contains("ttl_seconds").doesNotContain("v2.").doesNotContain("alice");
  }

  @Test
  void wellTypedValuesAndOmittedOnesStillWork() throws Exception {
    HttpResponse<String> key = g.admin("POST", "/admin/keys", "{\"tenant\":\"t3\",\"rate_per_minute\":120}");
    assertThat(key.statusCode()).isEqualTo(201);
    assertThat(GovernedGateway.json(key).get("rate_per_minute").asInt()).isEqualTo(120);
    HttpResponse<String> keyNull = g.admin("POST", "/admin/keys", "{\"tenant\":\"t3\",\"rate_per_minute\":null}");
    assertThat(GovernedGateway.json(keyNull).get("rate_per_minute").asInt()).isZero();
    HttpResponse<String> link = g.admin("POST", "/admin/privacy-links",
        "{\"tenant\":\"acme\",\"user\":\"bob\",\"ttl_seconds\":604800}");
    assertThat(link.statusCode()).isEqualTo(201);
    assertThat(GovernedGateway.json(link).get("expires_in").asLong()).isEqualTo(604800);
    HttpResponse<String> linkDefault = g.admin("POST", "/admin/privacy-links", "{\"tenant\":\"acme\",\"user\":\"bob\"}");
    assertThat(GovernedGateway.json(linkDefault).get("expires_in").asLong()).isEqualTo(900);
  }
}
