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

  /** qa3: a wrong method on an existing admin route answered 404 "unknown admin route"; now 405 with Allow. */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
      "GET    | /admin/retention/run                                   | POST",
      "DELETE | /admin/keys                                            | GET, POST",
      "GET    | /admin/keys/vk_abc/revoke                              | POST",
      "POST   | /admin/audit/verify                                    | GET",
      "PUT    | /admin/master-key/rotate                               | POST",
      "GET    | /admin/privacy-links                                   | POST",
      "GET    | /admin/privacy-requests/00000000-0000-0000-0000-000000000000/deny | POST",
      "DELETE | /admin/consent/stats                                   | GET"})
  void aWrongMethodOnAnAdminRouteIs405WithAllow(String method, String path, String allow) throws Exception {
    HttpResponse<String> r = g.admin(method, path, method.equals("GET") || method.equals("DELETE") ? null : "{}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).contains(allow);
    assertThat(code(r)).isEqualTo("veil_method_not_allowed");
    assertThat(GovernedGateway.json(r).at("/error/type").asText()).isEqualTo("invalid_request_error");
    assertThat(GovernedGateway.json(r).at("/error/message").asText()).contains(allow);
  }

  @Test
  void unknownAdminRoutesStay404AndAWrongMethodWithoutTheTokenIs401() throws Exception {
    assertThat(g.admin("GET", "/admin/nosuch", null).statusCode()).isEqualTo(404);
    assertThat(g.admin("GET", "/admin/keys/vk_abc/nosuch", null).statusCode()).isEqualTo(404);
    assertThat(g.send("GET", "/admin/retention/run", "wrong-token", null).statusCode()).isEqualTo(401);
    HttpResponse<String> privacy = g.send("DELETE", "/privacy/settings", g.key, null, "X-Veil-User", "bob");
    assertThat(privacy.statusCode()).isEqualTo(405);
    assertThat(privacy.headers().firstValue("Allow")).contains("GET, POST, PUT");
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

  /** The audit export's records (not checkpoints) with this endpoint. */
  private static java.util.List<com.fasterxml.jackson.databind.JsonNode> audited(String endpoint) throws Exception {
    java.util.List<com.fasterxml.jackson.databind.JsonNode> out = new java.util.ArrayList<>();
    for (String line : g.admin("GET", "/admin/audit/export", null).body().split("\n")) {
      com.fasterxml.jackson.databind.JsonNode n = line.isBlank() ? null : Json.MAPPER.readTree(line);
      if (n != null && "record".equals(n.path("type").asText()) && endpoint.equals(n.path("endpoint").asText())) {
        out.add(n);
      }
    }
    return out;
  }

  /**
   * Admin actions that change who can reach data, or delete it, are in the tamper-evident trail, not only key
   * creation: revoking a key, issuing a privacy link (a credential to one subject's export and erasure), moving a
   * privacy request, running the retention purge. Never with the user id in the record.
   */
  @Test
  void adminActionsThatGrantAccessOrDeleteDataAreAudited() throws Exception {
    String id = GovernedGateway.json(g.admin("POST", "/admin/keys", "{\"tenant\":\"t4\"}")).get("id").asText();
    assertThat(g.admin("POST", "/admin/keys/" + id + "/revoke", null).statusCode()).isEqualTo(200);
    assertThat(audited("/admin/keys/revoke")).singleElement()
        .satisfies(r -> assertThat(r.path("tenant").asText()).isEqualTo("t4"));
    assertThat(g.admin("POST", "/admin/keys/vk_0000000000000000/revoke", null).statusCode()).isEqualTo(404);
    assertThat(audited("/admin/keys/revoke")).as("nothing revoked, nothing audited").hasSize(1);

    int links = audited("/admin/privacy-links").size(); // another test of this class issues links too
    assertThat(g.admin("POST", "/admin/privacy-links", "{\"tenant\":\"acme\",\"user\":\"carol@example.com\"}")
        .statusCode()).isEqualTo(201);
    assertThat(audited("/admin/privacy-links")).hasSize(links + 1).last().satisfies(r -> {
      assertThat(r.path("tenant").asText()).isEqualTo("acme");
      assertThat(r.path("subject").asText()).as("linked to the subject's pseudonym").hasSize(64);
      assertThat(r.path("action").asText()).isEqualTo("ADMIN");
    });

    String reqId = g.governance.requests().open(new io.veil.store.Subject("acme", "dan"),
        io.veil.store.PrivacyRequest.Kind.ERASURE, io.veil.store.RegulationProfile.GDPR).id();
    assertThat(g.admin("POST", "/admin/privacy-requests/" + reqId + "/verify", "{}").statusCode()).isEqualTo(200);
    assertThat(g.admin("POST", "/admin/privacy-requests/" + reqId + "/deny", "{\"reason\":\"excessive\"}").statusCode())
        .isEqualTo(200);
    assertThat(audited("/admin/privacy-requests/verify")).hasSize(1);
    assertThat(audited("/admin/privacy-requests/deny")).hasSize(1);

    assertThat(g.admin("POST", "/admin/retention/run", "{}").statusCode()).isEqualTo(200);
    assertThat(audited("/admin/retention/run")).hasSize(1);

    String export = g.admin("GET", "/admin/audit/export", null).body();
    assertThat(export).doesNotContain("carol").doesNotContain("dan\"");
    assertThat(g.admin("GET", "/admin/audit/verify", null).statusCode()).isEqualTo(200);
  }

  /**
   * The privacy-request queue's filters: a mistyped one ({@code overdue=yes}, {@code all=1}) used to answer the open
   * queue with 200, so a DPO script checking for overdue requests saw a list that was not what it asked for.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"overdue=yes", "overdue=1", "all=TRUE", "all=", "overdue=true&all=true"})
  void aMistypedQueueFilterIsRefused(String query) throws Exception {
    HttpResponse<String> r = g.admin("GET", "/admin/privacy-requests?tenant=acme&" + query, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(code(r)).isEqualTo("veil_invalid_request");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"''", "overdue=true", "overdue=false", "all=true", "all=false&overdue=false"})
  void wellFormedQueueFiltersWork(String query) throws Exception {
    assertThat(g.admin("GET", "/admin/privacy-requests?tenant=acme&" + query, null).statusCode()).isEqualTo(200);
  }
}
