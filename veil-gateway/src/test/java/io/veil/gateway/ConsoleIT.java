package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The web console's server side on a real governed gateway (H2 store, real Veil, scripted upstream): the
 * pages and their security headers, the dashboard fed by real traffic, the try-it box through the real
 * pipeline (forwarded and dry run), the subject's own history through a privacy link, and authentication of
 * every new route. The browser flows are in veil-e2e ({@code BrowserUiIT}).
 */
class ConsoleIT {
  static final String EMAIL = "jane.doe@example.com";
  static final String USER = "history.user@example.org";

  @TempDir
  Path dir;

  @Test
  void pagesAreServedWithStrictHeadersAndNothingElseUnderUi() throws Exception {
    try (GovernedGateway g = new GovernedGateway(dir, TestStores.H2.fresh(), Map.of())) {
      for (String path : new String[] {"/ui/admin/", "/ui/privacy/"}) {
        HttpResponse<String> r = g.send("GET", path, null, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(r.headers().firstValue("content-security-policy").orElseThrow())
            .contains("script-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(r.headers().firstValue("referrer-policy")).hasValue("no-referrer");
        assertThat(r.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(r.body()).doesNotContain("<script>").doesNotContain("style=\"").doesNotContain("http://", "https://");
      }
      assertThat(g.send("GET", "/ui/assets/vendor/uPlot.esm.js", null, null).body()).contains("uPlot");
      assertThat(g.send("GET", "/ui/assets/admin.js", null, null).headers().firstValue("content-type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("text/javascript"));
      HttpResponse<String> redirect = g.send("GET", "/ui/privacy", null, null);
      assertThat(redirect.statusCode()).isEqualTo(302);
      assertThat(redirect.headers().firstValue("location")).hasValue("/ui/privacy/");
      for (String bad : new String[] {"/ui/assets/", "/ui/admin.html", "/ui/assets/..%2fadmin.html",
          "/ui/assets/vendor/", "/ui/assets/nope.js", "/ui/io/veil/gateway/ui/admin.html"}) {
        assertThat(g.send("GET", bad, null, null).statusCode()).as(bad).isEqualTo(404);
      }
      assertThat(g.send("POST", "/ui/admin/", null, "{}").statusCode()).isEqualTo(405);
    }
  }

  @Test
  void dashboardCountsRealTrafficByKind() throws Exception {
    try (GovernedGateway g = new GovernedGateway(dir, TestStores.H2.fresh(), Map.of())) {
      assertThat(g.chat("Write to " + EMAIL + " and to john.smith@example.org").statusCode()).isEqualTo(200);
      assertThat(g.chat("Nothing personal here.").statusCode()).isEqualTo(200);
      assertThat(g.send("POST", "/v1/chat/completions", "sk-veil-wrong", GovernedGateway.chatBody("x", false))
          .statusCode()).isEqualTo(401);
      assertThat(g.chat("Write to " + EMAIL, "X-Veil-User", USER).statusCode()).as("no consent").isEqualTo(403);
      g.echo.override = new MockResponse.Builder().code(503).body("{\"error\":{\"message\":\"overloaded\"}}").build();
      assertThat(g.chat("hello").statusCode()).isEqualTo(503);
      g.echo.override = null;

      HttpResponse<String> r = g.admin("GET", "/admin/dashboard", null);
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode d = GovernedGateway.json(r);
      JsonNode t = d.get("totals");
      assertThat(t.get("requests").asLong()).isEqualTo(5);
      assertThat(t.get("blocked").asLong()).as("consent refusal").isEqualTo(1);
      assertThat(t.get("refused").asLong()).as("wrong key").isEqualTo(1);
      assertThat(t.get("upstream_errors").asLong()).as("provider 503").isEqualTo(1);
      assertThat(t.at("/entities/EMAIL").asLong()).isEqualTo(2);
      assertThat(t.at("/latency_ms/p50").asDouble()).isPositive();
      assertThat(t.at("/latency_ms/p99").asDouble()).isGreaterThanOrEqualTo(t.at("/latency_ms/p50").asDouble());
      assertThat(d.get("minutes")).hasSize(DashboardSeries.MINUTES);
      assertThat(d.get("requests")).hasSize(DashboardSeries.MINUTES);
      long sum = 0;
      for (JsonNode n : d.get("requests")) {
        sum += n.asLong();
      }
      assertThat(sum).isEqualTo(5);
      assertThat(d.get("audit_records").asLong()).isGreaterThanOrEqualTo(4);
      assertThat(r.body()).doesNotContain(EMAIL).doesNotContain(USER);
    }
  }

  @Test
  void tryItRunsThePipelineAndShowsWhatTheProviderReceives() throws Exception {
    try (GovernedGateway g = new GovernedGateway(dir, TestStores.H2.fresh(), Map.of())) {
      HttpResponse<String> r = g.admin("POST", "/admin/try",
          "{\"prompt\":\"Please write to " + EMAIL + " today.\",\"model\":\"gpt-4o-mini\"}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode a = GovernedGateway.json(r);
      assertThat(a.get("dry_run").asBoolean()).isFalse();
      assertThat(a.get("status").asInt()).isEqualTo(200);
      String forwarded = a.get("forwarded").toString();
      assertThat(forwarded).doesNotContain(EMAIL).contains("<EMAIL_1>");
      assertThat(g.echo.bodies).hasSize(1);
      assertThat(Json.MAPPER.readTree(g.echo.bodies.getFirst())).as("exactly what the provider received")
          .isEqualTo(a.get("forwarded"));
      assertThat(a.at("/provider_answer/choices/0/message/content").asText()).contains("<EMAIL_1>");
      assertThat(a.get("restored_answer").asText()).isEqualTo("Please write to " + EMAIL + " today.");
      assertThat(a.at("/entities/EMAIL").asInt()).isEqualTo(1);
      assertThat(a.get("upstream").asText()).isEqualTo(g.upstream.url("/v1").toString().replaceAll("/$", ""));

      HttpResponse<String> dry = g.admin("POST", "/admin/try", "{\"prompt\":\"Mail " + EMAIL + "\",\"dry_run\":true}");
      JsonNode d = GovernedGateway.json(dry);
      assertThat(d.get("dry_run").asBoolean()).isTrue();
      assertThat(d.get("forwarded").toString()).contains("<EMAIL_1>").doesNotContain(EMAIL);
      assertThat(d.get("restored_answer").isNull()).isTrue();
      assertThat(g.echo.bodies).as("a dry run forwards nothing").hasSize(1);

      // the operator's tries are not client traffic
      assertThat(GovernedGateway.json(g.admin("GET", "/admin/dashboard", null)).at("/totals/requests").asLong()).isZero();

      assertThat(g.admin("POST", "/admin/try", "{\"prompt\":\"\"}").statusCode()).isEqualTo(400);
      assertThat(g.admin("POST", "/admin/try", "{\"prompt\":\"x\",\"policy\":\"nope\"}").statusCode()).isEqualTo(400);
      assertThat(g.admin("POST", "/admin/try", "{\"prompt\":\"x\",\"model\":\"bad model\"}").statusCode()).isEqualTo(400);
      assertThat(g.admin("POST", "/admin/try", "{\"prompt\":\"" + "a".repeat(ConsoleApi.MAX_PROMPT_CHARS + 1) + "\"}")
          .statusCode()).isEqualTo(400);
      assertThat(g.admin("POST", "/admin/try", "not json").statusCode()).isEqualTo(400);

      // the provider failing shows as the provider's status, nothing restored
      g.echo.override = new MockResponse.Builder().code(500).body("{\"error\":{\"message\":\"boom\"}}").build();
      JsonNode failed = GovernedGateway.json(g.admin("POST", "/admin/try", "{\"prompt\":\"Mail " + EMAIL + "\"}"));
      assertThat(failed.get("status").asInt()).isEqualTo(500);
      assertThat(failed.at("/error/message").asText()).isEqualTo("boom");
      assertThat(failed.get("restored_answer").isNull()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(TestStores.class)
  void historyShowsTheSubjectsOwnRecordsWithCountsOnlyAndNothingAfterErasure(TestStores store) throws Exception {
    try (GovernedGateway g = new GovernedGateway(dir, store.fresh(), Map.of())) {
      g.grant(USER, "llm-processing");
      assertThat(g.chat("Write to " + EMAIL, "X-Veil-User", USER).statusCode()).isEqualTo(200);
      assertThat(g.chat("Write to " + EMAIL, "X-Veil-User", "someone.else@example.org").statusCode()).isEqualTo(403);
      JsonNode link = GovernedGateway.json(g.admin("POST", "/admin/privacy-links",
          "{\"tenant\":\"acme\",\"user\":\"" + USER + "\"}"));
      String token = link.get("token").asText();
      assertThat(link.get("center_path").asText()).isEqualTo("/ui/privacy/#token=" + token);

      HttpResponse<String> h = g.send("GET", "/privacy/history", null, null, "X-Veil-Privacy-Link", token);
      assertThat(h.statusCode()).as(h.body()).isEqualTo(200);
      JsonNode data = GovernedGateway.json(h).get("data");
      // the consent change, the chat request and the issuing of this link (qa3: audited), newest first
      assertThat(data).hasSize(3);
      assertThat(data.get(0).get("endpoint").asText()).isEqualTo("/admin/privacy-links");
      assertThat(data.get(0).get("action").asText()).isEqualTo("admin");
      JsonNode chat = data.get(1);
      assertThat(chat.get("endpoint").asText()).isEqualTo("/v1/chat/completions");
      assertThat(chat.get("model").asText()).isEqualTo("gpt-4o-mini");
      assertThat(chat.get("action").asText()).isEqualTo("pseudonymized");
      assertThat(chat.at("/entities/EMAIL").asInt()).isEqualTo(1);
      assertThat(data.get(2).get("action").asText()).isEqualTo("privacy_change");
      assertThat(h.body()).doesNotContain(EMAIL).doesNotContain(USER);

      // the app's backend sees the same with its key + X-Veil-User; another user sees only their own
      assertThat(GovernedGateway.json(g.privacy("GET", "/privacy/history", USER, null)).get("data")).hasSize(3);
      assertThat(GovernedGateway.json(g.privacy("GET", "/privacy/history?limit=1", USER, null)).get("data")).hasSize(1);
      JsonNode other = GovernedGateway.json(g.privacy("GET", "/privacy/history", "someone.else@example.org", null));
      assertThat(other.get("data")).hasSize(1);
      assertThat(other.at("/data/0/action").asText()).isEqualTo("consent_refused");
      assertThat(g.privacy("GET", "/privacy/history?limit=0", USER, null).statusCode()).isEqualTo(400);
      assertThat(g.privacy("GET", "/privacy/history?limit=x", USER, null).statusCode()).isEqualTo(400);

      assertThat(g.send("POST", "/privacy/erase", null, null, "X-Veil-Privacy-Link", token).statusCode()).isEqualTo(200);
      JsonNode after = GovernedGateway.json(g.send("GET", "/privacy/history", null, null, "X-Veil-Privacy-Link", token));
      assertThat(after.get("data")).as("erasure unlinks the records").isEmpty();
    }
  }

  @Test
  void everyNewRouteNeedsItsCredential() throws Exception {
    try (GovernedGateway g = new GovernedGateway(dir, TestStores.H2.fresh(), Map.of())) {
      assertThat(g.send("GET", "/admin/dashboard", null, null).statusCode()).isEqualTo(401);
      assertThat(g.send("GET", "/admin/dashboard", "wrong-admin-token-123456", null).statusCode()).isEqualTo(401);
      assertThat(g.send("GET", "/admin/dashboard", g.key, null).statusCode()).as("a client key is not admin").isEqualTo(401);
      assertThat(g.send("POST", "/admin/try", null, "{\"prompt\":\"x\"}").statusCode()).isEqualTo(401);
      assertThat(g.echo.bodies).isEmpty();
      assertThat(g.send("GET", "/privacy/history", null, null).statusCode()).isEqualTo(401);
      assertThat(g.send("GET", "/privacy/history", null, null, "X-Veil-Privacy-Link", "v1.AAAA.BBBB").statusCode())
          .isEqualTo(401);
    }
  }
}
