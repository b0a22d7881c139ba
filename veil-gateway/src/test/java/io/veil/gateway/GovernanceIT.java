package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.store.ErasureReceipt;
import io.veil.store.Purpose;
import io.veil.store.RegulationProfile;
import io.veil.store.StoredAuditRecord;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The gateway's governance paths end to end, on H2 and on PostgreSQL: consent (GDPR opt-in, CCPA
 * opt-out with GPC), privacy modes, one audit record per request without personal data, the privacy
 * and admin APIs (export then erase), fail-closed on a dead database.
 */
class GovernanceIT {
  static final String EMAIL = "jane.doe@example.com";
  static final String USER = "alice.user@example.org";
  static final String TEXT = "Please write to " + EMAIL + " today.";

  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(TestStores.class)
  void gdprRefusesWithoutConsentAndForwardsNothing(TestStores store) throws Exception {
    try (GovernedGateway g = new GovernedGateway(dir, store.fresh(), Map.of())) {
      HttpResponse<String> r = g.chat(TEXT, "X-Veil-User", USER);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
      assertThat(GovernedGateway.json(r).at("/error/code").asText()).isEqualTo("consent_required");
      // the request's own 'user' field identifies the user too (read before minimization hashes it)
      HttpResponse<String> viaField = g.send("POST", "/v1/chat/completions", g.key,
          "{\"model\":\"m\",\"user\":\"" + USER + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
      assertThat(viaField.statusCode()).isEqualTo(403);
      assertThat(g.echo.bodies).as("nothing forwarded").isEmpty();

      g.grant(USER, "llm-processing");
      HttpResponse<String> ok = g.chat(TEXT, "X-Veil-User", USER);
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      assertThat(GovernedGateway.json(ok).at("/choices/0/message/content").asText()).isEqualTo(TEXT);
      assertThat(g.echo.bodies).hasSize(1);
      assertThat(g.echo.bodies.getFirst()).doesNotContain(EMAIL).doesNotContain(USER);

      // withdrawing stops processing again
      g.privacy("POST", "/privacy/consent", USER, "{\"purpose\":\"llm-processing\",\"granted\":false}");
      assertThat(g.chat(TEXT, "X-Veil-User", USER).statusCode()).isEqualTo(403);
      assertThat(g.echo.bodies).hasSize(1);
    }
  }

  @ParameterizedTest
  @EnumSource(TestStores.class)
  void unidentifiedRequestsFollowThePolicy(TestStores store) throws Exception {
    GatewayPolicy strict = new GatewayPolicy("strict", 1 << 20, 0, true, true, RegulationProfile.GDPR,
        Set.of(Purpose.LLM_PROCESSING), true);
    try (GovernedGateway g = new GovernedGateway(dir, store.fresh(), Map.of("strict", strict))) {
      assertThat(g.chat(TEXT).statusCode()).as("default policy: processed").isEqualTo(200);
      String strictKey = g.keyFor("acme", "strict");
      HttpResponse<String> r = g.send("POST", "/v1/chat/completions", strictKey, GovernedGateway.chatBody(TEXT, false));
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(GovernedGateway.json(r).at("/error/code").asText()).isEqualTo("veil_user_required");
      assertThat(g.echo.bodies).hasSize(1);
    }
  }

  /** Two CCPA policies: {@code ccpa} needs llm-processing only, {@code ccpa-sale} also sale-sharing. */
  private static Map<String, GatewayPolicy> ccpaPolicies() {
    return Map.of(
        "ccpa", new GatewayPolicy("ccpa", 1 << 20, 0, true, true, RegulationProfile.CCPA,
            Set.of(Purpose.LLM_PROCESSING), false),
        "ccpa-sale", new GatewayPolicy("ccpa-sale", 1 << 20, 0, true, true, RegulationProfile.CCPA,
            Set.of(Purpose.LLM_PROCESSING, Purpose.SALE_SHARING), false));
  }

  @ParameterizedTest
  @EnumSource(TestStores.class)
  void ccpaIsOptOutAndGpcOptsOutOfSaleSharingAndLogging(TestStores store) throws Exception {
    try (GovernedGateway g = new GovernedGateway(dir, store.fresh(), ccpaPolicies())) {
      String k = g.keyFor("acme", "ccpa");
      String ks = g.keyFor("acme", "ccpa-sale");
      String body = GovernedGateway.chatBody(TEXT, false);
      assertThat(g.send("POST", "/v1/chat/completions", k, body, "X-Veil-User", USER).statusCode())
          .as("opt-out: no decision = allowed").isEqualTo(200);
      assertThat(g.send("POST", "/v1/chat/completions", ks, body, "X-Veil-User", USER).statusCode()).isEqualTo(200);
      HttpResponse<String> gpc = g.send("POST", "/v1/chat/completions", ks, body, "X-Veil-User", USER, "Sec-GPC", "1");
      assertThat(gpc.statusCode()).as("GPC withdraws sale/sharing").isEqualTo(403);
      assertThat(GovernedGateway.json(gpc).at("/error/code").asText()).isEqualTo("consent_required");
      assertThat(g.echo.bodies).hasSize(2);

      // GPC where sale/sharing is not required: processed, but the user is opted out of logging:
      // the audit record keeps no subject link and no counts
      assertThat(g.send("POST", "/v1/chat/completions", k, body, "X-Veil-User", USER, "Sec-GPC", "1").statusCode())
          .isEqualTo(200);
      List<StoredAuditRecord> recs = g.governance.audit().read(1, 100);
      StoredAuditRecord last = recs.getLast();
      assertThat(last.record().subject()).isNull();
      assertThat(last.record().entityCounts()).isEmpty();
      assertThat(recs.getFirst().record().subject()).isNotNull();

      // a recorded withdrawal counts under CCPA
      g.send("POST", "/privacy/consent", k, "{\"purpose\":\"llm-processing\",\"granted\":false}", "X-Veil-User", USER);
      assertThat(g.send("POST", "/v1/chat/completions", k, body, "X-Veil-User", USER).statusCode()).isEqualTo(403);
    }
  }

  /**
   * qa3: under CCPA the consent view said sale-sharing and logging were effective for a request carrying
   * {@code Sec-GPC: 1}, which the gateway treats as opted out. The view now agrees, and a known user's
   * signal is recorded as their sale-sharing opt-out (source gpc, once), which later requests honour.
   */
  @ParameterizedTest
  @EnumSource(TestStores.class)
  void gpcUnderCcpaIsWhatTheConsentViewShowsAndAKnownUsersOptOutIsRecorded(TestStores store) throws Exception {
    try (GovernedGateway g = new GovernedGateway(dir, store.fresh(), ccpaPolicies())) {
      String k = g.keyFor("acme", "ccpa");
      String ks = g.keyFor("acme", "ccpa-sale");
      String body = GovernedGateway.chatBody(TEXT, false);

      var withSignal = GovernedGateway.json(g.send("GET", "/privacy/consent", k, null, "X-Veil-User", USER, "Sec-GPC", "1"));
      assertThat(withSignal.path("gpc").asBoolean()).isTrue();
      assertThat(withSignal.at("/purposes/sale-sharing/effective").asBoolean()).isFalse();
      assertThat(withSignal.at("/purposes/sale-sharing/gpc_opt_out").asBoolean()).isTrue();
      assertThat(withSignal.at("/purposes/logging/effective").asBoolean()).isFalse();
      assertThat(withSignal.at("/purposes/llm-processing/effective").asBoolean()).isTrue();
      var without = GovernedGateway.json(g.send("GET", "/privacy/consent", k, null, "X-Veil-User", USER));
      assertThat(without.path("gpc").asBoolean()).isFalse();
      assertThat(without.at("/purposes/sale-sharing/effective").asBoolean()).as("opt-out, nothing recorded").isTrue();

      assertThat(g.send("POST", "/v1/chat/completions", k, body, "X-Veil-User", USER, "Sec-GPC", "1").statusCode())
          .isEqualTo(200);
      assertThat(g.send("POST", "/v1/chat/completions", k, body, "X-Veil-User", USER, "Sec-GPC", "1").statusCode())
          .isEqualTo(200);
      var after = GovernedGateway.json(g.send("GET", "/privacy/consent", k, null, "X-Veil-User", USER));
      assertThat(after.at("/purposes/sale-sharing/effective").asBoolean()).as("the known user's opt-out stays").isFalse();
      assertThat(after.at("/purposes/sale-sharing/recorded").asBoolean()).isTrue();
      assertThat(after.at("/purposes/sale-sharing/decision/source").asText()).isEqualTo("gpc");
      assertThat(after.at("/purposes/logging/effective").asBoolean()).as("logging: per request only").isTrue();
      assertThat(after.path("history")).as("recorded once, not per request").hasSize(1);
      // a later request without the signal (another device) is treated as opted out of sale/sharing too
      HttpResponse<String> later = g.send("POST", "/v1/chat/completions", ks, body, "X-Veil-User", USER);
      assertThat(later.statusCode()).isEqualTo(403);
      assertThat(GovernedGateway.json(later).at("/error/code").asText()).isEqualTo("consent_required");
      // the user may opt in again; the signal then withdraws it again (it wins over a business setting)
      g.send("POST", "/privacy/consent", k, "{\"purpose\":\"sale-sharing\",\"granted\":true}", "X-Veil-User", USER);
      assertThat(g.send("POST", "/v1/chat/completions", ks, body, "X-Veil-User", USER).statusCode()).isEqualTo(200);

      List<StoredAuditRecord> gpcRecords = g.governance.audit().read(1, 100).stream()
          .filter(r -> r.record().policyVersion().equals("gpc")).toList();
      assertThat(gpcRecords).hasSize(1);
      assertThat(gpcRecords.getFirst().record().action()).isEqualTo(io.veil.store.AuditAction.PRIVACY_CHANGE);
      assertThat(gpcRecords.getFirst().record().endpoint()).isEqualTo("/privacy/consent");
      assertThat(gpcRecords.getFirst().record().subject()).isEqualTo(
          g.governance.subjectKeys().pseudonymOf(new io.veil.store.Subject("acme", USER)));
    }
  }

  @ParameterizedTest
  @EnumSource(TestStores.class)
  void blockAndAnonymizeModes(TestStores store) throws Exception {
    try (GovernedGateway g = new GovernedGateway(dir, store.fresh(), Map.of())) {
      g.grant(USER, "llm-processing");
      HttpResponse<String> set = g.privacy("PUT", "/privacy/settings", USER, "{\"mode\":\"block\"}");
      assertThat(set.body()).contains("\"mode\":\"block\"");
      HttpResponse<String> blocked = g.chat(TEXT, "X-Veil-User", USER);
      assertThat(blocked.statusCode()).isEqualTo(403);
      assertThat(GovernedGateway.json(blocked).at("/error/code").asText()).isEqualTo("veil_pii_blocked");
      assertThat(blocked.body()).doesNotContain(EMAIL);
      assertThat(g.echo.bodies).isEmpty();
      assertThat(g.chat("Say hello, please.", "X-Veil-User", USER).statusCode())
          .as("no personal data: forwarded").isEqualTo(200);

      g.privacy("PUT", "/privacy/settings", USER, "{\"mode\":\"anonymize\"}");
      HttpResponse<String> anon = g.chat(TEXT, "X-Veil-User", USER);
      assertThat(anon.statusCode()).isEqualTo(200);
      assertThat(g.echo.bodies.getLast()).doesNotContain(EMAIL);
      assertThat(anon.body()).as("irreversible: the answer keeps the replacement").doesNotContain(EMAIL);
      assertThat(g.count("SELECT COUNT(*) FROM vault_entries")).as("nothing kept in the vault").isZero();

      g.privacy("PUT", "/privacy/settings", USER, "{\"mode\":\"pseudonymize\"}");
      assertThat(g.chat(TEXT, "X-Veil-User", USER).body()).contains(EMAIL);
      assertThat(g.count("SELECT COUNT(*) FROM vault_entries")).isEqualTo(1);

      HttpResponse<String> bad = g.privacy("PUT", "/privacy/settings", USER, "{\"mode\":\"yolo\"}");
      assertThat(bad.statusCode()).isEqualTo(400);
    }
  }

  @ParameterizedTest
  @EnumSource(TestStores.class)
  void oneAuditRecordPerRequestAndNoPersonalDataInAnyRow(TestStores store) throws Exception {
    try (GovernedGateway g = new GovernedGateway(dir, store.fresh(), Map.of())) {
      g.grant(USER, "llm-processing");
      long before = g.governance.audit().lastSeq();
      g.chat(TEXT, "X-Veil-User", USER);
      g.send("POST", "/v1/chat/completions", g.key, GovernedGateway.chatBody(TEXT, true), "X-Veil-User", USER);
      g.chat(TEXT); // unidentified
      g.chat(TEXT, "X-Veil-User", "someone-without-consent");
      g.send("POST", "/v1/embeddings", g.key, "{\"model\":\"e\",\"input\":\"" + EMAIL + "\"}", "X-Veil-User", USER);
      // the streamed request's record is written when its stream ends; wait for it
      for (int i = 0; i < 50 && g.governance.audit().lastSeq() < before + 5; i++) {
        Thread.sleep(50);
      }
      List<StoredAuditRecord> recs = g.governance.audit().read(before + 1, 100);
      assertThat(recs).hasSize(5);
      assertThat(recs).extracting(r -> r.record().tenant()).containsOnly("acme");
      assertThat(recs).extracting(r -> r.record().endpoint()).contains("/v1/chat/completions", "/v1/embeddings");
      assertThat(recs).extracting(r -> r.record().action().name())
          .containsExactlyInAnyOrder("PSEUDONYMIZED", "PSEUDONYMIZED", "PSEUDONYMIZED", "CONSENT_REFUSED", "ANONYMIZED");
      assertThat(recs).extracting(r -> r.record().status()).containsExactlyInAnyOrder(200, 200, 200, 403, 200);
      assertThat(recs.getFirst().record().entityCounts()).containsKey(io.veil.core.EntityType.EMAIL);
      assertThat(recs.getFirst().record().model()).isEqualTo("gpt-4o-mini");
      assertThat(recs.getFirst().record().policyVersion()).startsWith("default:");
      assertThat(recs.getFirst().record().subject().hex()).isEqualTo(g.governance.subjectKeys()
          .pseudonymOf(new io.veil.store.Subject("acme", USER)).hex());
      for (String cell : g.allCells()) {
        assertThat(cell).doesNotContain(EMAIL).doesNotContain(USER).doesNotContain("someone-without-consent");
      }
      assertThat(g.governance.verifier().verify().valid()).isTrue();
      HttpResponse<String> v = g.admin("GET", "/admin/audit/verify", null);
      assertThat(v.statusCode()).isEqualTo(200);
      assertThat(GovernedGateway.json(v).get("valid").asBoolean()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(TestStores.class)
  void theAuditGroupWaitIsWiredAndEveryRequestLeavesTheInFlightCount(TestStores store) throws Exception {
    try (GovernedGateway g = new GovernedGateway(dir, store.fresh().withAuditGroupWait(java.time.Duration.ofMillis(20)),
        Map.of())) {
      io.veil.store.AuditLog.GroupWait wait = g.governance.audit().groupWait();
      assertThat(wait.maxWait()).isEqualTo(java.time.Duration.ofMillis(20));
      assertThat(wait.minOnTheirWay()).isEqualTo(AuditWriter.GROUP_WAIT_MIN_IN_FLIGHT);
      g.grant(USER, "llm-processing");
      long before = g.governance.audit().lastSeq();
      long recordsBefore = g.governance.audit().recordsWritten();
      g.chat(TEXT, "X-Veil-User", USER);
      g.send("POST", "/v1/chat/completions", g.key, GovernedGateway.chatBody(TEXT, true), "X-Veil-User", USER);
      g.chat(TEXT, "X-Veil-User", "someone-without-consent"); // refused: still audited
      g.send("POST", "/v1/chat/completions", "not-a-key", GovernedGateway.chatBody(TEXT, false)); // 401: no record
      g.send("POST", "/v1/chat/completions", g.key, "{not json"); // 400: audited
      for (int i = 0; i < 50 && g.governance.audit().lastSeq() < before + 4; i++) {
        Thread.sleep(50); // the streamed request's record is written when its stream ends
      }
      assertThat(g.governance.audit().lastSeq()).isEqualTo(before + 4);
      assertThat(g.governance.audit().recordsWritten() - recordsBefore).isEqualTo(4);
      assertThat(wait.onTheirWay().getAsInt()).as("requests in flight not yet audited, after all ended").isZero();
      assertThat(g.send("GET", "/metrics", null, null).body()).contains("veil_audit_commits_total").contains("veil_audit_records_total")
          .contains("veil_vault_insert_commits_total").contains("veil_vault_inserts_total")
          .contains("veil_vault_integrity_failures_total")
          .contains("veil_store_pool_connections{state=\"active\"}").contains("veil_store_pool_connections{state=\"idle\"}")
          .contains("veil_store_pool_pending").containsPattern("veil_store_pool_max [1-9]");
    }
    try (GovernedGateway g = new GovernedGateway(java.nio.file.Files.createDirectories(dir.resolve("no-wait")),
        store.fresh().withAuditGroupWait(java.time.Duration.ZERO), Map.of())) {
      assertThat(g.governance.audit().groupWait()).as("0: never wait").isSameAs(io.veil.store.AuditLog.GroupWait.NONE);
    }
  }

  /** The gateway's {@code veil_detection_cache_misses_total}. */
  private static double cacheMisses(GovernedGateway g) throws Exception {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^veil_detection_cache_misses_total (\\S+)$")
        .matcher(g.send("GET", "/metrics", null, null).body());
    assertThat(m.find()).isTrue();
    return Double.parseDouble(m.group(1));
  }

  /**
   * An erasure through the privacy API drops the user's conversations' cached findings at once: the next
   * request there is analysed afresh, while another user's conversation still hits. Before: they stayed
   * until they expired (10 minutes).
   */
  @org.junit.jupiter.api.Test
  void anErasureDropsTheUsersCachedFindingsAtOnce() throws Exception {
    String text = "Please write to " + EMAIL + " today about the order that arrived damaged last week.";
    String other = "bob.other@example.org";
    try (GovernedGateway g = new GovernedGateway(dir, TestStores.H2.fresh(), Map.of())) {
      g.grant(USER, "llm-processing");
      g.grant(other, "llm-processing");
      assertThat(g.chat(text, "X-Veil-User", USER, "X-Veil-Conversation", "c1").statusCode()).isEqualTo(200);
      assertThat(g.chat(text, "X-Veil-User", other, "X-Veil-Conversation", "c2").statusCode()).isEqualTo(200);
      double misses = cacheMisses(g);
      assertThat(g.chat(text, "X-Veil-User", USER, "X-Veil-Conversation", "c1").statusCode()).isEqualTo(200);
      assertThat(cacheMisses(g)).as("cached").isEqualTo(misses);

      assertThat(g.privacy("POST", "/privacy/erase", USER, "{}").statusCode()).isEqualTo(200);

      g.grant(USER, "llm-processing"); // consent was erased with everything else
      assertThat(g.chat(text, "X-Veil-User", USER, "X-Veil-Conversation", "c1").statusCode()).isEqualTo(200);
      assertThat(cacheMisses(g)).as("the erased user's conversation is analysed afresh").isEqualTo(misses + 1);
      assertThat(g.chat(text, "X-Veil-User", other, "X-Veil-Conversation", "c2").statusCode()).isEqualTo(200);
      assertThat(cacheMisses(g)).as("another user's conversation still hits").isEqualTo(misses + 1);
    }
  }

  /**
   * The restore indexes Veil caches per scope hold the original values. An erased user's never restore again
   * (an index is used only while its scope's entries are unchanged), but they stayed in the heap until two
   * minutes after their scope's last use; an erasure now drops them at once.
   */
  @org.junit.jupiter.api.Test
  void anErasureDropsTheCachedRestoreIndexesAndTheirValuesAtOnce() throws Exception {
    try (GovernedGateway g = new GovernedGateway(dir, TestStores.H2.fresh(), Map.of())) {
      g.grant(USER, "llm-processing");
      assertThat(g.chat(TEXT, "X-Veil-User", USER, "X-Veil-Conversation", "c1").statusCode()).isEqualTo(200);
      assertThat(g.veil.cachedRestoreIndexes()).as("the answer's restore index is cached").isPositive();

      assertThat(g.privacy("POST", "/privacy/erase", USER, "{}").statusCode()).isEqualTo(200);
      assertThat(g.veil.cachedRestoreIndexes()).as("gone with the erasure").isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(TestStores.class)
  void exportThenEraseThroughThePrivacyApi(TestStores store) throws Exception {
    try (GovernedGateway g = new GovernedGateway(dir, store.fresh(), Map.of())) {
      g.grant(USER, "llm-processing");
      assertThat(g.chat(TEXT, "X-Veil-User", USER, "X-Veil-Conversation", "c1").statusCode()).isEqualTo(200);
      String token = "<EMAIL_1>";
      assertThat(g.echo.bodies.getLast()).contains(token);

      HttpResponse<String> export = g.privacy("GET", "/privacy/export", USER, null);
      assertThat(export.statusCode()).isEqualTo(200);
      JsonNode ex = GovernedGateway.json(export);
      assertThat(ex.at("/vault_entries/0/value").asText()).isEqualTo(EMAIL);
      assertThat(ex.at("/consent/current/0/purpose").asText()).isEqualTo("llm-processing");
      assertThat(ex.get("audit_records").size()).isGreaterThanOrEqualTo(2);

      HttpResponse<String> erase = g.privacy("POST", "/privacy/erase", USER, "{}");
      assertThat(erase.statusCode()).as(erase.body()).isEqualTo(200);
      JsonNode e = GovernedGateway.json(erase);
      assertThat(e.at("/request/status").asText()).isEqualTo("completed");
      JsonNode rc = e.get("receipt");
      ErasureReceipt receipt = new ErasureReceipt(rc.get("receipt_id").asText(), rc.get("tenant").asText(),
          rc.get("subject").asText(), Instant.parse(rc.get("erased_at").asText()), rc.get("vault_entries_deleted").asLong(),
          rc.get("subject_key_destroyed").asBoolean(), rc.get("audit_records_unlinked").asLong(),
          rc.get("consent_records_deleted").asLong(), rc.get("settings_deleted").asBoolean(), rc.get("signature").asText());
      assertThat(receipt.verify(e.get("public_keyset").asText())).isTrue();
      assertThat(receipt.vaultEntriesDeleted()).isEqualTo(1);
      assertThat(receipt.subjectKeyDestroyed()).isTrue();

      // the value is gone: the model repeating the token gets the token back, not the value
      g.grant(USER, "llm-processing"); // consent was erased with everything else
      HttpResponse<String> again = g.chat("Repeat " + token, "X-Veil-User", USER, "X-Veil-Conversation", "c1");
      assertThat(again.body()).doesNotContain(EMAIL);
      HttpResponse<String> export2 = g.privacy("GET", "/privacy/export", USER, null);
      assertThat(GovernedGateway.json(export2).get("vault_entries").size()).isZero();
      assertThat(g.governance.verifier().verify().valid()).as("audit still verifies").isTrue();

      HttpResponse<String> q = g.admin("GET", "/admin/privacy-requests?tenant=acme&all=true", null);
      assertThat(q.body()).contains("\"kind\":\"erasure\"").contains("\"status\":\"completed\"").contains("\"due_at\"");
      assertThat(g.admin("GET", "/admin/privacy-requests?tenant=acme", null).body()).as("open only").isEqualTo("{\"data\":[]}");
      assertThat(g.privacy("GET", "/privacy/requests", USER, null).body()).contains("\"kind\":\"access\"")
          .contains("\"kind\":\"erasure\"");
    }
  }

  @ParameterizedTest
  @EnumSource(TestStores.class)
  void databaseDownMeans503AndNothingForwarded(TestStores store) throws Exception {
    try (GovernedGateway g = new GovernedGateway(dir, store.fresh(), Map.of())) {
      assertThat(g.chat(TEXT).statusCode()).isEqualTo(200);
      g.governance.database().close();
      for (String[] h : new String[][] {{}, {"X-Veil-User", USER}}) {
        HttpResponse<String> r = g.chat(TEXT, h);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(GovernedGateway.json(r).at("/error/code").asText()).isEqualTo("veil_store_unavailable");
      }
      assertThat(g.echo.bodies).hasSize(1);
      assertThat(g.privacy("GET", "/privacy/settings", USER, null).statusCode()).isEqualTo(503);
      // review16: a privacy link is a credential to the subject's data, and none is handed out whose issue is not on
      // record; the route minted it, logged that the record failed and answered 201 with the link
      HttpResponse<String> link = g.admin("POST", "/admin/privacy-links", "{\"tenant\":\"acme\",\"user\":\"" + USER + "\"}");
      assertThat(link.statusCode()).as(link.body()).isEqualTo(503);
      assertThat(GovernedGateway.json(link).at("/error/code").asText()).isEqualTo("veil_store_unavailable");
      assertThat(link.body()).doesNotContain("token").doesNotContain(USER);
    }
  }

  @ParameterizedTest
  @EnumSource(TestStores.class)
  void adminAndPrivacyLinkAuthentication(TestStores store) throws Exception {
    try (GovernedGateway g = new GovernedGateway(dir, store.fresh(), Map.of())) {
      assertThat(g.send("GET", "/admin/keys", null, null).statusCode()).isEqualTo(401);
      assertThat(g.send("GET", "/admin/keys", "wrong-token-wrong-token", null).statusCode()).isEqualTo(401);
      HttpResponse<String> created = g.admin("POST", "/admin/keys", "{\"tenant\":\"beta\"}");
      assertThat(created.statusCode()).isEqualTo(201);
      String id = GovernedGateway.json(created).get("id").asText();
      String secret = GovernedGateway.json(created).get("secret").asText();
      assertThat(g.send("POST", "/v1/chat/completions", secret, GovernedGateway.chatBody("hi", false)).statusCode()).isEqualTo(200);
      assertThat(g.admin("GET", "/admin/keys", null).body()).contains(id).doesNotContain(secret);
      assertThat(g.admin("POST", "/admin/keys/" + id + "/revoke", "{}").statusCode()).isEqualTo(200);
      assertThat(g.admin("POST", "/admin/keys", "{\"tenant\":\"bad tenant!\"}").statusCode()).isEqualTo(400);
      HttpResponse<String> policies = g.admin("GET", "/admin/policies", null);
      assertThat(policies.statusCode()).isEqualTo(200);
      com.fasterxml.jackson.databind.JsonNode first = GovernedGateway.json(policies).get("data").get(0);
      assertThat(first.get("name").asText()).isEqualTo("default");
      assertThat(first.get("profile").asText()).isEqualTo("gdpr");
      assertThat(first.get("required_purposes").toString()).contains("llm-processing");
      assertThat(g.send("GET", "/admin/policies", null, null).statusCode()).isEqualTo(401);

      HttpResponse<String> link = g.admin("POST", "/admin/privacy-links", "{\"tenant\":\"acme\",\"user\":\"" + USER + "\"}");
      String t = GovernedGateway.json(link).get("token").asText();
      assertThat(g.send("POST", "/privacy/consent?token=" + t, null,
          "{\"purpose\":\"llm-processing\",\"granted\":true}").statusCode()).isEqualTo(200);
      assertThat(g.chat(TEXT, "X-Veil-User", USER).statusCode()).as("consent given through the link").isEqualTo(200);
      String tampered = t.substring(0, t.length() - 2) + (t.endsWith("A") ? "BB" : "AA");
      assertThat(g.send("GET", "/privacy/settings?token=" + tampered, null, null).statusCode()).isEqualTo(401);
      PrivacyLinks expired = new PrivacyLinks(GatewaySecret.loadOrCreate(dir),
          java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofHours(-2)));
      String old = expired.mint(new io.veil.store.Subject("acme", USER), java.time.Duration.ofMinutes(5));
      assertThat(g.send("GET", "/privacy/settings?token=" + old, null, null).statusCode()).isEqualTo(401);
      assertThat(g.send("GET", "/privacy/settings", g.key, null).statusCode()).as("no X-Veil-User").isEqualTo(400);

      // the request queue: received → verified → denied; illegal moves are 409, unknown ids 404
      String reqId = g.governance.requests().open(new io.veil.store.Subject("acme", USER),
          io.veil.store.PrivacyRequest.Kind.ACCESS, RegulationProfile.GDPR).id();
      assertThat(g.admin("GET", "/admin/privacy-requests?tenant=acme", null).body()).contains(reqId).contains("\"status\":\"received\"");
      assertThat(g.admin("POST", "/admin/privacy-requests/" + reqId + "/verify", "{}").body()).contains("\"status\":\"verified\"");
      assertThat(g.admin("POST", "/admin/privacy-requests/" + reqId + "/deny", "{\"reason\":\"nonsense\"}").statusCode()).isEqualTo(400);
      assertThat(g.admin("POST", "/admin/privacy-requests/" + reqId + "/deny", "{\"reason\":\"excessive\"}").body())
          .contains("\"status\":\"denied\"").contains("\"denial_reason\":\"excessive\"");
      assertThat(g.admin("POST", "/admin/privacy-requests/" + reqId + "/verify", "{}").statusCode()).isEqualTo(409);
      assertThat(g.admin("POST", "/admin/privacy-requests/nope/verify", "{}").statusCode()).isEqualTo(404);

      assertThat(g.admin("POST", "/admin/retention/run", "{}").body()).contains("\"deleted\"");
      HttpResponse<String> before = g.chat(TEXT, "X-Veil-User", USER, "X-Veil-Conversation", "rot");
      assertThat(before.body()).contains(EMAIL);
      assertThat(g.admin("POST", "/admin/master-key/rotate", "{}").body()).contains("\"keys_in_keyset\":2");
      assertThat(g.privacy("GET", "/privacy/export", USER, null).body()).as("old data readable after rotation")
          .contains(EMAIL);

      // consent recorded by the operator: the admin route takes the operator's channel as provenance
      String change = "{\"tenant\":\"acme\",\"user\":\"" + USER + "\",\"purpose\":\"analytics\",\"granted\":false";
      assertThat(g.send("POST", "/admin/consent", null, change + ",\"source\":\"cli\"}").statusCode()).isEqualTo(401);
      assertThat(g.send("POST", "/admin/consent", g.key, change + ",\"source\":\"cli\"}").statusCode())
          .as("a client key is not admin").isEqualTo(401);
      assertThat(g.send("POST", "/admin/consent", t, change + ",\"source\":\"cli\"}").statusCode())
          .as("nor is a privacy link").isEqualTo(401);
      for (String forged : List.of("privacy-link", "api", "", "CLI")) {
        assertThat(g.admin("POST", "/admin/consent", change + ",\"source\":\"" + forged + "\"}").statusCode())
            .as("source " + forged).isEqualTo(400);
      }
      assertThat(g.admin("POST", "/admin/consent", "{\"tenant\":\"acme\",\"user\":\"" + USER
          + "\",\"purpose\":\"nope\",\"granted\":true}").statusCode()).isEqualTo(400);
      HttpResponse<String> byCli = g.admin("POST", "/admin/consent", change + ",\"source\":\"cli\",\"notice_version\":\"n-7\"}");
      assertThat(byCli.statusCode()).isEqualTo(200);
      assertThat(GovernedGateway.json(byCli).get("source").asText()).isEqualTo("cli");
      assertThat(GovernedGateway.json(byCli).get("notice_version").asText()).isEqualTo("n-7");
      assertThat(GovernedGateway.json(byCli).get("granted").asBoolean()).isFalse();
      HttpResponse<String> byAdmin = g.admin("POST", "/admin/consent", change + "}");
      assertThat(GovernedGateway.json(byAdmin).get("source").asText()).isEqualTo("admin");
      com.fasterxml.jackson.databind.JsonNode history = GovernedGateway.json(
          g.send("GET", "/privacy/consent?token=" + t, null, null)).get("history");
      assertThat(history.findValuesAsText("source")).containsExactlyInAnyOrder("privacy-link", "cli", "admin");

      HttpResponse<String> stats = g.admin("GET", "/admin/consent/stats?tenant=acme", null);
      assertThat(GovernedGateway.json(stats).at("/purposes/llm-processing/granted").asLong()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(TestStores.class)
  void noticeIsDerivedFromTheConfiguration(TestStores store) throws Exception {
    try (GovernedGateway g = new GovernedGateway(dir, store.fresh(), Map.of())) {
      HttpResponse<String> json = g.send("GET", "/privacy/notice", null, null);
      JsonNode n = GovernedGateway.json(json);
      assertThat(n.at("/provider/base_url").asText()).startsWith("http://");
      assertThat(n.at("/retention/vault_entries").asText()).isEqualTo("1 days");
      assertThat(n.at("/policies/default/profile").asText()).isEqualTo("gdpr");
      assertThat(n.get("personal_data_removed").toString()).contains("EMAIL");
      HttpResponse<String> html = g.send("GET", "/privacy/notice.html", null, null);
      assertThat(html.headers().firstValue("content-type").orElse("")).startsWith("text/html");
      assertThat(html.body()).contains("<h1>Privacy notice</h1>").contains(n.get("version").asText());
    }
  }

  @org.junit.jupiter.api.Test
  void twoInstancesOnOnePostgresShareTokens() throws Exception {
    GovernanceConfig cfg = TestStores.POSTGRES.fresh();
    Path shared = dir.resolve("shared");
    java.nio.file.Files.createDirectories(shared);
    try (GovernedGateway a = new GovernedGateway(shared, cfg, Map.of());
        GovernedGateway b = new GovernedGateway(shared, cfg, Map.of())) {
      a.grant(USER, "llm-processing");
      HttpResponse<String> r = a.chat(TEXT, "X-Veil-User", USER, "X-Veil-Conversation", "shared-1");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(a.echo.bodies.getLast()).contains("<EMAIL_1>").doesNotContain(EMAIL);
      // instance B restores the token instance A minted (the upstream echoes it back)
      HttpResponse<String> viaB = b.chat("You said <EMAIL_1>", "X-Veil-User", USER, "X-Veil-Conversation", "shared-1");
      assertThat(viaB.statusCode()).isEqualTo(200);
      assertThat(GovernedGateway.json(viaB).at("/choices/0/message/content").asText()).isEqualTo("You said " + EMAIL);
      assertThat(b.echo.bodies.getLast()).doesNotContain(EMAIL);
      assertThat(a.governance.verifier().verify().valid()).isTrue();
      try (Connection c = a.jdbc(); Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE audit_records SET status = 299 WHERE seq = 2");
      }
      assertThat(b.governance.verifier().verify().firstBadSeq()).hasValue(2);
    }
  }

  /**
   * An erasure on instance A drops the user's cached findings on instance B too (A's NOTIFY), long before
   * they would expire (10 minutes).
   */
  @org.junit.jupiter.api.Test
  void anErasureOnOneInstanceDropsTheOthersCachedFindings() throws Exception {
    String text = "Please write to " + EMAIL + " today about the order that arrived damaged last week.";
    GovernanceConfig cfg = TestStores.POSTGRES.fresh();
    Path shared = dir.resolve("shared-erase");
    java.nio.file.Files.createDirectories(shared);
    try (GovernedGateway a = new GovernedGateway(shared, cfg, Map.of());
        GovernedGateway b = new GovernedGateway(shared, cfg, Map.of())) {
      awaitTrue(() -> b.send("GET", "/metrics", null, null).body().contains("veil_store_change_listener_up 1.0"));
      a.grant(USER, "llm-processing");
      assertThat(b.chat(text, "X-Veil-User", USER, "X-Veil-Conversation", "c1").statusCode()).isEqualTo(200);
      double misses = cacheMisses(b);
      assertThat(b.chat(text, "X-Veil-User", USER, "X-Veil-Conversation", "c1").statusCode()).isEqualTo(200);
      assertThat(cacheMisses(b)).as("cached on B").isEqualTo(misses);

      assertThat(a.privacy("POST", "/privacy/erase", USER, "{}").statusCode()).isEqualTo(200);
      a.grant(USER, "llm-processing"); // consent was erased with everything else

      awaitTrue(() -> b.chat(text, "X-Veil-User", USER, "X-Veil-Conversation", "c1").statusCode() == 200
          && cacheMisses(b) > misses);
    }
  }

  @org.junit.jupiter.api.Test
  void consentWithdrawnOnOneInstanceIsEnforcedByTheOtherBeforeItsCacheExpires() throws Exception {
    // the longest cache allowed: B may only refuse in time because A's withdrawal is NOTIFY'd to it
    GovernanceConfig cfg = TestStores.POSTGRES.fresh()
        .withSubjectStateTtl(Duration.ofMillis(GovernanceConfig.MAX_SUBJECT_STATE_TTL_MILLIS));
    Path shared = dir.resolve("shared-notify");
    java.nio.file.Files.createDirectories(shared);
    try (GovernedGateway a = new GovernedGateway(shared, cfg, Map.of());
        GovernedGateway b = new GovernedGateway(shared, cfg, Map.of())) {
      awaitTrue(() -> b.send("GET", "/metrics", null, null).body().contains("veil_store_change_listener_up 1.0"));
      a.grant(USER, "llm-processing");
      assertThat(b.chat("hello", "X-Veil-User", USER).statusCode()).isEqualTo(200); // B caches the grant
      HttpResponse<String> w = a.privacy("POST", "/privacy/consent", USER,
          "{\"purpose\":\"llm-processing\",\"granted\":false}");
      assertThat(w.statusCode()).isEqualTo(200);
      awaitTrue(() -> b.chat("hello", "X-Veil-User", USER).statusCode() == 403);
      assertThat(b.send("GET", "/metrics", null, null).body())
          .contains("veil_store_change_listener_connections_total 1.0");
    }
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  /** Polls for at most 15 s (the cache above lives 60 s). */
  private static void awaitTrue(Check check) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached within 15 s");
      }
      Thread.sleep(50);
    }
  }
}
