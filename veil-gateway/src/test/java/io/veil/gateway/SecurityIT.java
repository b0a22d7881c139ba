package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.gateway.keys.FileClientKeyStore;
import io.veil.store.Subject;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Security cases against a real gateway with governance: client-key authentication (missing, wrong,
 * revoked, expired), the admin API's token on every route, constant-time comparison in the code
 * paths that check secrets, tenant isolation across every endpoint that reads or changes a user's
 * data, and privacy links (expired, tampered, foreign, replayed).
 */
class SecurityIT {
  static final String EMAIL = "jane.roe@example.com";
  static final String USER = "alice";
  static final Pattern TOKEN = Pattern.compile("<EMAIL_\\d+>");

  @TempDir Path dir;

  private static String error(HttpResponse<String> r) throws Exception {
    return GovernedGateway.json(r).at("/error/code").asText();
  }

  // ------------------------------------------------------------------ client keys

  @Test
  void clientKeysMissingWrongRevokedOrExpiredAreRefusedAndNothingIsForwarded() throws Exception {
    try (GovernedGateway g = new GovernedGateway(dir, TestStores.H2.fresh(), Map.of())) {
      String body = GovernedGateway.chatBody("Mail " + EMAIL, false);
      String wrong = FileClientKeyStore.SECRET_PREFIX + "A".repeat(43);
      String revoked = g.keys.create("acme", "default", 0).secret();
      g.keys.revoke(g.keys.list().get(g.keys.list().size() - 1).id());
      String expiring = g.keys.create("acme", "default", 0, Duration.ofSeconds(1)).secret();
      String longLived = g.keys.create("acme", "default", 0, Duration.ofDays(1)).secret();
      assertThat(g.send("POST", "/v1/chat/completions", longLived, body).statusCode()).isEqualTo(200);
      int forwarded = g.echo.bodies.size();
      Thread.sleep(2_100); // past the expiry (whole seconds); nothing here is timed
      Map<String, HttpResponse<String>> answers = new java.util.LinkedHashMap<>();
      answers.put("missing", g.send("POST", "/v1/chat/completions", null, body));
      answers.put("empty bearer", g.send("POST", "/v1/chat/completions", null, body, "Authorization", "Bearer "));
      answers.put("wrong", g.send("POST", "/v1/chat/completions", wrong, body));
      answers.put("wrong scheme", g.send("POST", "/v1/chat/completions", null, body, "Authorization", "Basic " + g.key));
      answers.put("key with suffix", g.send("POST", "/v1/chat/completions", g.key + "x", body));
      answers.put("key prefix", g.send("POST", "/v1/chat/completions", g.key.substring(0, g.key.length() - 1), body));
      answers.put("revoked", g.send("POST", "/v1/chat/completions", revoked, body));
      answers.put("expired", g.send("POST", "/v1/chat/completions", expiring, body));
      answers.put("expired api-key header", g.send("POST", "/v1/chat/completions", null, body, "api-key", expiring));
      answers.put("admin token as client key", g.send("POST", "/v1/chat/completions", g.adminToken, body));
      answers.put("oversized key", g.send("POST", "/v1/chat/completions", "k".repeat(5000), body));
      for (Map.Entry<String, HttpResponse<String>> e : answers.entrySet()) {
        assertThat(e.getValue().statusCode()).as(e.getKey()).isEqualTo(401);
        assertThat(error(e.getValue())).as(e.getKey()).isEqualTo("veil_invalid_api_key");
        assertThat(e.getValue().body()).as(e.getKey()).doesNotContain(EMAIL).doesNotContain(wrong)
            .doesNotContain(g.key).doesNotContain(expiring);
      }
      // the privacy API refuses the same keys
      for (String k : List.of(wrong, revoked, expiring)) {
        assertThat(g.send("GET", "/privacy/settings", k, null, "X-Veil-User", USER).statusCode()).isEqualTo(401);
      }
      assertThat(g.echo.bodies).as("nothing forwarded for refused keys").hasSize(forwarded);
      assertThat(g.send("POST", "/v1/chat/completions", longLived, body).statusCode()).isEqualTo(200);

      // the admin API issues expiring keys and shows the expiry, never the secret again
      HttpResponse<String> created = g.admin("POST", "/admin/keys", "{\"tenant\":\"beta\",\"expires_in_seconds\":3600}");
      assertThat(created.statusCode()).isEqualTo(201);
      JsonNode k = GovernedGateway.json(created);
      assertThat(k.get("expires_at").asText()).isNotBlank();
      assertThat(k.get("expired").asBoolean()).isFalse();
      assertThat(g.admin("GET", "/admin/keys", null).body()).contains(k.get("id").asText())
          .doesNotContain(k.get("secret").asText());
      assertThat(g.admin("POST", "/admin/keys", "{\"tenant\":\"beta\",\"expires_in_seconds\":0}").statusCode()).isEqualTo(400);
      // the database holds SHA-256 digests only (client_keys; no keys.json with the default store)
      assertThat(dir.resolve("keys.json")).doesNotExist();
      String digest = sha256Hex(longLived);
      assertThat(g.allCells()).noneMatch(c -> c.contains(g.key) || c.contains(longLived) || c.contains(expiring))
          .anyMatch(c -> c.equalsIgnoreCase("client_keys:" + digest));
    }
  }

  // ------------------------------------------------------------------ admin API

  @Test
  void everyAdminRouteNeedsTheAdminToken() throws Exception {
    try (GovernedGateway g = new GovernedGateway(dir, TestStores.H2.fresh(), Map.of())) {
      int keysBefore = g.keys.list().size();
      String[][] routes = {
          {"GET", "/admin/keys", null}, {"POST", "/admin/keys", "{\"tenant\":\"evil\"}"},
          {"POST", "/admin/keys/vk_0000000000000000/revoke", "{}"}, {"GET", "/admin/policies", null},
          {"GET", "/admin/consent/stats?tenant=acme", null}, {"GET", "/admin/privacy-requests?tenant=acme", null},
          {"GET", "/admin/audit/verify", null}, {"GET", "/admin/audit/export", null},
          {"POST", "/admin/privacy-links", "{\"tenant\":\"acme\",\"user\":\"alice\"}"},
          {"POST", "/admin/retention/run", "{}"}, {"POST", "/admin/master-key/rotate", "{}"},
          {"GET", "/admin/doctor", null}, {"GET", "/admin/nope", null}, {"GET", "/admin", null}};
      List<String> wrongTokens = new ArrayList<>();
      wrongTokens.add(null);
      wrongTokens.add("wrong-token-wrong-token-wrong");
      wrongTokens.add(g.key); // a client key is not an admin token
      wrongTokens.add(g.adminToken.substring(0, g.adminToken.length() - 1));
      wrongTokens.add(g.adminToken + "x");
      wrongTokens.add(g.adminToken.toUpperCase(java.util.Locale.ROOT));
      for (String[] r : routes) {
        for (String t : wrongTokens) {
          HttpResponse<String> a = g.send(r[0], r[1], t, r[2]);
          assertThat(a.statusCode()).as(r[0] + " " + r[1] + " token " + (t == null ? "none" : "wrong")).isEqualTo(401);
          assertThat(error(a)).isEqualTo("veil_invalid_admin_token");
          assertThat(a.body()).doesNotContain(g.adminToken);
        }
        // the admin token in another header does not count either
        assertThat(g.send(r[0], r[1], null, r[2], "api-key", g.adminToken).statusCode()).isEqualTo(401);
      }
      assertThat(g.keys.list()).as("no key created or revoked without the token").hasSize(keysBefore);
      assertThat(g.governance.keyManager().masterKeyCount()).as("no rotation without the token").isEqualTo(1);
      assertThat(g.admin("GET", "/admin/keys", null).statusCode()).isEqualTo(200);

      // the doctor through the admin API: the exact shape, the live store checked, no secret in it
      g.chat("Write to " + EMAIL);
      HttpResponse<String> doctor = g.admin("GET", "/admin/doctor", null);
      assertThat(doctor.statusCode()).isEqualTo(200);
      JsonNode report = GovernedGateway.json(doctor);
      assertThat(report.get("status").asText()).isIn("ok", "warn", "fail");
      assertThat(report.size()).isEqualTo(2);
      Map<String, String> statusById = new HashMap<>();
      String chainMessage = "";
      for (JsonNode c : report.get("checks")) {
        assertThat(c.size()).isEqualTo(5);
        statusById.put(c.get("id").asText(), c.get("status").asText());
        if (c.get("id").asText().equals("audit.chain")) {
          chainMessage = c.get("message").asText();
        }
      }
      // intact; a warning only while no checkpoint has been signed yet
      assertThat(chainMessage).startsWith("intact");
      assertThat(statusById.get("audit.chain")).isIn("ok", "warn");
      assertThat(statusById).containsEntry("database.reachable", "ok")
          .containsKeys("tls.listener", "admin.token", "files.permissions", "consent.enforcement", "detection.coverage");
      assertThat(doctor.body()).doesNotContain(g.adminToken).doesNotContain(g.key)
          .doesNotContain("sk-provider-secret-123456").doesNotContain(EMAIL);
      // a tampered chain turns the report to fail
      try (java.sql.Connection c = g.jdbc(); java.sql.Statement st = c.createStatement()) {
        st.executeUpdate("UPDATE audit_records SET status = 299 WHERE seq = 1");
      }
      JsonNode after = GovernedGateway.json(g.admin("GET", "/admin/doctor", null));
      assertThat(after.get("status").asText()).isEqualTo("fail");
      assertThat(after.toString()).contains("does NOT verify");
    }
  }

  /**
   * The code that checks secrets compares fixed-length SHA-256 digests with
   * {@code MessageDigest.isEqual} (constant time in the JDK since 6u17). Verified on the compiled
   * classes: the checking methods' bytecode calls it, and none of them calls an early-exit comparison
   * ({@code String.equals}, {@code Arrays.equals}). No timing is measured.
   */
  @Test
  void secretComparisonsUseConstantTimeDigestCompare() throws Exception {
    String isEqual = "java/security/MessageDigest.isEqual([B[B)Z";
    List<String> earlyExit = List.of("java/util/Arrays.equals([B[B)Z",
        "java/lang/String.contentEquals(Ljava/lang/CharSequence;)Z",
        "java/lang/String.equalsIgnoreCase(Ljava/lang/String;)Z",
        "java/util/Objects.equals(Ljava/lang/Object;Ljava/lang/Object;)Z");
    String stringEquals = "java/lang/String.equals(Ljava/lang/Object;)Z";
    for (Class<?> c : List.of(FileClientKeyStore.class, AdminToken.class, io.veil.store.ClientKeyTable.class)) {
      // the database store compares the stored digest with the presented one in ClientKeyTable.matching
      String m = c == AdminToken.class ? "matches" : c == FileClientKeyStore.class ? "authenticate" : "matching";
      List<String> calls = ClassCalls.of(c, m);
      assertThat(calls).as(c.getSimpleName() + "." + m).contains(isEqual).doesNotContainAnyElementsOf(earlyExit)
          .doesNotContain(stringEquals);
    }
    // PrivacyLinks.verify compares nothing secret itself: the AES-GCM tag check (constant time) is Tink's
    List<String> link = ClassCalls.of(PrivacyLinks.class, "verify");
    assertThat(link).contains("com/google/crypto/tink/Aead.decrypt([B[B)[B")
        .doesNotContainAnyElementsOf(earlyExit).doesNotContain(stringEquals).doesNotContain(isEqual);
    // what is compared has a fixed length whatever was presented: digests of 32 bytes / 32 hex chars
    assertThat(ClassCalls.of(Class.forName("io.veil.gateway.keys.ClientKeySecrets"), "sha256"))
        .contains("java/security/MessageDigest.digest([B)[B");
    AdminToken t = AdminToken.loadOrCreate(dir, "correct-horse-battery-staple-0123456789");
    assertThat(t.matches("c")).isFalse();
    assertThat(t.matches("x".repeat(10_000))).isFalse();
    assertThat(t.matches(" correct-horse-battery-staple-0123456789 ")).isTrue();
  }

  // ------------------------------------------------------------------ tenant isolation

  @ParameterizedTest
  @EnumSource(TestStores.class)
  void tenantsNeverSeeEachOthersData(TestStores store) throws Exception {
    try (GovernedGateway g = new GovernedGateway(dir, store.fresh(), Map.of())) {
      String a = g.key; // tenant acme
      String b = g.keyFor("globex", "default");
      for (String k : List.of(a, b)) {
        assertThat(g.send("POST", "/privacy/consent", k, "{\"purpose\":\"llm-processing\",\"granted\":true}",
            "X-Veil-User", USER).statusCode()).isEqualTo(200);
      }
      String[] sameIds = {"X-Veil-User", USER, "X-Veil-Conversation", "conv-1"};
      HttpResponse<String> first = g.send("POST", "/v1/chat/completions", a,
          GovernedGateway.chatBody("Write to " + EMAIL + " please", false), sameIds);
      assertThat(first.body()).contains(EMAIL);
      String forwarded = g.echo.bodies.get(g.echo.bodies.size() - 1);
      assertThat(forwarded).doesNotContain(EMAIL);
      Matcher m = TOKEN.matcher(forwarded);
      assertThat(m.find()).as("a token was forwarded").isTrue();
      String token = m.group();
      // anonymous requests (no user) in the same conversation id: scope is per tenant too
      HttpResponse<String> anon = g.send("POST", "/v1/chat/completions", a,
          GovernedGateway.chatBody("Write to " + EMAIL + " now", false), "X-Veil-Conversation", "conv-1");
      assertThat(anon.statusCode()).isEqualTo(200);
      String anonToken = tokenIn(g.echo.bodies.get(g.echo.bodies.size() - 1));

      // tenant B, same user id, same conversation id, sends A's tokens back: gets the tokens, not A's value
      for (String[] headers : List.of(sameIds, new String[] {"X-Veil-Conversation", "conv-1"})) {
        for (boolean stream : List.of(false, true)) {
          HttpResponse<String> r = g.send("POST", "/v1/chat/completions", b,
              GovernedGateway.chatBody("What is " + token + " and " + anonToken + "?", stream), headers);
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.body()).doesNotContain(EMAIL);
          String text = stream ? streamedText(r.body()) : GovernedGateway.json(r).at("/choices/0/message/content").asText();
          assertThat(text).contains(token).contains(anonToken);
        }
        HttpResponse<String> resp = g.send("POST", "/v1/responses", b,
            "{\"model\":\"m\",\"input\":\"say " + token + "\"}", headers);
        assertThat(resp.body()).doesNotContain(EMAIL).contains(token);
      }
      // B reads, exports, lists, changes and erases "alice": only B's alice
      assertThat(g.send("GET", "/privacy/export", b, null, "X-Veil-User", USER).body()).doesNotContain(EMAIL);
      assertThat(g.send("GET", "/privacy/export", a, null, "X-Veil-User", USER).body())
          .as("positive control: A's export holds the value").contains(EMAIL);
      String bRequests = g.send("GET", "/privacy/requests", b, null, "X-Veil-User", USER).body();
      assertThat(GovernedGateway.json(g.send("GET", "/privacy/requests", a, null, "X-Veil-User", USER)).get("data"))
          .allSatisfy(r -> assertThat(bRequests).doesNotContain(r.get("id").asText()));
      assertThat(g.send("PUT", "/privacy/settings", b, "{\"mode\":\"block\"}", "X-Veil-User", USER).statusCode()).isEqualTo(200);
      assertThat(g.send("POST", "/privacy/consent", b, "{\"purpose\":\"llm-processing\",\"granted\":false}",
          "X-Veil-User", USER).statusCode()).isEqualTo(200);
      assertThat(g.send("POST", "/privacy/erase", b, "{}", "X-Veil-User", USER).statusCode()).isEqualTo(200);
      // a privacy link of B's alice is B's alice
      String linkB = GovernedGateway.json(g.admin("POST", "/admin/privacy-links",
          "{\"tenant\":\"globex\",\"user\":\"" + USER + "\"}")).get("token").asText();
      assertThat(g.send("GET", "/privacy/export?token=" + linkB, null, null).body()).doesNotContain(EMAIL);
      assertThat(g.send("POST", "/privacy/erase?token=" + linkB, null, "{}").statusCode()).isEqualTo(200);
      // a link plus A's key still means the link's subject (the link wins; no mixing)
      assertThat(g.send("GET", "/privacy/export?token=" + linkB, a, null, "X-Veil-User", USER).body()).doesNotContain(EMAIL);

      // A's alice is untouched: consent, settings, tokens, export
      JsonNode consentA = GovernedGateway.json(g.send("GET", "/privacy/consent", a, null, "X-Veil-User", USER));
      assertThat(consentA.at("/purposes/llm-processing/effective").asBoolean()).isTrue();
      assertThat(GovernedGateway.json(g.send("GET", "/privacy/settings", a, null, "X-Veil-User", USER)).get("mode").asText())
          .isEqualTo("pseudonymize");
      HttpResponse<String> again = g.send("POST", "/v1/chat/completions", a,
          GovernedGateway.chatBody("Repeat " + token, false), sameIds);
      assertThat(again.body()).as("A still restores its token after B erased its own alice").contains(EMAIL);
      HttpResponse<String> againAnon = g.send("POST", "/v1/chat/completions", a,
          GovernedGateway.chatBody("Repeat " + anonToken, false), "X-Veil-Conversation", "conv-1");
      assertThat(againAnon.body()).contains(EMAIL);
      assertThat(g.send("GET", "/privacy/export", a, null, "X-Veil-User", USER).body()).contains(EMAIL);
      assertThat(GovernedGateway.json(g.admin("GET", "/admin/audit/verify", null)).get("valid").asBoolean()).isTrue();
    }
  }

  private static String tokenIn(String body) {
    Matcher m = TOKEN.matcher(body);
    assertThat(m.find()).isTrue();
    return m.group();
  }

  private static String streamedText(String sse) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (JsonNode e : GatewayFixture.events(sse)) {
      sb.append(e.at("/choices/0/delta/content").asText(""));
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------ privacy links

  /**
   * Replay semantics (decided here, documented in docs/notes/hardening.md): a privacy link is a
   * bearer credential for one (tenant, user), reusable until it expires, because one visit to the
   * Privacy Center makes several calls with it. Replaying an erasure is harmless (idempotent: the
   * second finds nothing); after expiry every replay is refused. Links are short-lived (15 minutes
   * by default, 7 days at most) and all of them die when the gateway secret is replaced.
   */
  @Test
  void privacyLinksExpiredTamperedForeignOrReplayed() throws Exception {
    try (GovernedGateway g = new GovernedGateway(dir, TestStores.H2.fresh(), Map.of())) {
      g.grant(USER, "llm-processing");
      g.chat("Write to " + EMAIL, "X-Veil-User", USER, "X-Veil-Conversation", "c1");
      String link = GovernedGateway.json(g.admin("POST", "/admin/privacy-links",
          "{\"tenant\":\"acme\",\"user\":\"" + USER + "\",\"ttl_seconds\":600}")).get("token").asText();
      // opaque: neither the user id (an e-mail address here) nor the tenant, in the text or decoded
      assertThat(link).startsWith("v2.").doesNotContain(USER).doesNotContain("acme");
      String decoded = new String(java.util.Base64.getUrlDecoder().decode(link.substring(3)),
          java.nio.charset.StandardCharsets.ISO_8859_1);
      assertThat(decoded).doesNotContain(USER).doesNotContain("acme");
      byte[] raw = java.util.Base64.getUrlDecoder().decode(link.substring(3));
      java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
      long exp = java.time.Instant.now().getEpochSecond() + 600;

      // tampered: flipped nonce, body and tag bits, truncated, extended, wrong version, the old v1 format
      List<String> bad = new java.util.ArrayList<>();
      for (int i : new int[] {0, 11, 12, raw.length / 2, raw.length - 16, raw.length - 1}) {
        byte[] t = raw.clone();
        t[i] ^= 0x20;
        bad.add("v2." + b64.encodeToString(t));
      }
      bad.add(link.substring(0, link.length() - 6));
      bad.add(link + "AAAA");
      bad.add("v3" + link.substring(2));
      bad.add("v1" + link.substring(2));
      bad.add(link.substring(3));
      bad.add("v1." + b64.encodeToString(("acme\n" + USER + "\n" + exp).getBytes(java.nio.charset.StandardCharsets.UTF_8))
          + ".AAAAAAAAAAAAAAAAAAAAAA");
      bad.add("");
      for (String t : bad) {
        HttpResponse<String> r = g.send("GET", "/privacy/export", null, null, "X-Veil-Privacy-Link", t);
        assertThat(r.statusCode()).as("tampered link").isEqualTo(401);
        assertThat(error(r)).as("one error for every bad link, v1 included").isEqualTo("veil_invalid_privacy_link");
        assertThat(r.body()).doesNotContain(EMAIL);
      }
      // foreign: minted under another gateway secret
      Path other = Files.createDirectories(dir.resolve("other"));
      String foreign = PrivacyLinks.open(other).mint(new Subject("acme", USER), Duration.ofMinutes(5));
      assertThat(g.send("GET", "/privacy/export?token=" + foreign, null, null).statusCode()).isEqualTo(401);
      // a link is no client key and no admin token
      assertThat(g.send("POST", "/v1/chat/completions", link, GovernedGateway.chatBody("hi", false)).statusCode()).isEqualTo(401);
      assertThat(g.send("GET", "/admin/keys", link, null).statusCode()).isEqualTo(401);

      // replay within the lifetime: reads work each time; an erasure replayed finds nothing more
      assertThat(g.send("GET", "/privacy/export?token=" + link, null, null).body()).contains(EMAIL);
      assertThat(g.send("GET", "/privacy/export", null, null, "X-Veil-Privacy-Link", link).body()).contains(EMAIL);
      HttpResponse<String> erase1 = g.send("POST", "/privacy/erase?token=" + link, null, "{}");
      assertThat(GovernedGateway.json(erase1).at("/receipt/vault_entries_deleted").asLong()).isEqualTo(1);
      HttpResponse<String> erase2 = g.send("POST", "/privacy/erase?token=" + link, null, "{}");
      assertThat(erase2.statusCode()).isEqualTo(200);
      assertThat(GovernedGateway.json(erase2).at("/receipt/vault_entries_deleted").asLong()).isZero();
      assertThat(g.send("GET", "/privacy/export?token=" + link, null, null).body()).doesNotContain(EMAIL);

      // expired: a one-second link, used after it ran out
      String shortLink = GovernedGateway.json(g.admin("POST", "/admin/privacy-links",
          "{\"tenant\":\"acme\",\"user\":\"" + USER + "\",\"ttl_seconds\":1}")).get("token").asText();
      Thread.sleep(2_100);
      HttpResponse<String> expired = g.send("GET", "/privacy/consent?token=" + shortLink, null, null);
      assertThat(expired.statusCode()).isEqualTo(401);
      assertThat(error(expired)).isEqualTo("veil_invalid_privacy_link");
      // lifetimes beyond 7 days are not issued
      assertThat(g.admin("POST", "/admin/privacy-links", "{\"tenant\":\"acme\",\"user\":\"u\",\"ttl_seconds\":700000}")
          .statusCode()).isEqualTo(400);
      // replacing the gateway secret revokes every link at once (documented operator action)
      assertThat(PrivacyLinks.open(dir).verify(link)).isPresent();
      Files.delete(dir.resolve("gateway-secret"));
      assertThat(PrivacyLinks.open(dir).verify(link)).isEmpty();
    }
  }

  // ------------------------------------------------------------------ class-file reading

  /** The methods a compiled method calls, as {@code owner.name(descriptor)}, read from its bytecode. */
  static String sha256Hex(String s) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  static final class ClassCalls {
    private ClassCalls() {}

    static List<String> of(Class<?> type, String methodName) throws IOException {
      String res = "/" + type.getName().replace('.', '/') + ".class";
      try (InputStream raw = type.getResourceAsStream(res); DataInputStream in = new DataInputStream(raw)) {
        in.readInt();
        in.readUnsignedShort();
        in.readUnsignedShort();
        int n = in.readUnsignedShort();
        Object[] pool = new Object[n];
        int[][] refs = new int[n][];
        for (int i = 1; i < n; i++) {
          int tag = in.readUnsignedByte();
          switch (tag) {
            case 1 -> pool[i] = in.readUTF();
            case 3, 4 -> in.readInt();
            case 5, 6 -> {
              in.readLong();
              i++;
            }
            case 7, 8, 16, 19, 20 -> refs[i] = new int[] {tag, in.readUnsignedShort()};
            case 9, 10, 11, 12, 17, 18 -> refs[i] = new int[] {tag, in.readUnsignedShort(), in.readUnsignedShort()};
            case 15 -> {
              in.readUnsignedByte();
              in.readUnsignedShort();
            }
            default -> throw new IOException("unknown constant tag " + tag);
          }
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        in.readUnsignedShort();
        int ifaces = in.readUnsignedShort();
        for (int i = 0; i < ifaces; i++) {
          in.readUnsignedShort();
        }
        skipMembers(in);
        int methods = in.readUnsignedShort();
        List<String> calls = new ArrayList<>();
        for (int i = 0; i < methods; i++) {
          in.readUnsignedShort();
          String name = (String) pool[in.readUnsignedShort()];
          in.readUnsignedShort();
          int attrs = in.readUnsignedShort();
          for (int a = 0; a < attrs; a++) {
            String attr = (String) pool[in.readUnsignedShort()];
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            if (name.equals(methodName) && attr.equals("Code")) {
              int codeLen = ((body[4] & 0xff) << 24) | ((body[5] & 0xff) << 16) | ((body[6] & 0xff) << 8) | (body[7] & 0xff);
              int end = 8 + codeLen;
              for (int p = 8; p < end; p += length(body, p, 8)) {
                int op = body[p] & 0xff;
                if (op >= 0xb6 && op <= 0xb9) { // invokevirtual, invokespecial, invokestatic, invokeinterface
                  int idx = ((body[p + 1] & 0xff) << 8) | (body[p + 2] & 0xff);
                  calls.add(describe(pool, refs, idx));
                }
              }
            }
          }
        }
        return calls;
      }
    }

    /** The length of the instruction at {@code p} (code starts at {@code base}, for switch padding). */
    private static int length(byte[] code, int p, int base) {
      int op = code[p] & 0xff;
      switch (op) {
        case 0x10, 0x12, 0x15, 0x16, 0x17, 0x18, 0x19, 0x36, 0x37, 0x38, 0x39, 0x3a, 0xa9, 0xbc -> {
          return 2;
        }
        case 0x11, 0x13, 0x14, 0x84, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5,
            0xa6, 0xa7, 0xa8, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xbb, 0xbd, 0xc0, 0xc1, 0xc6, 0xc7 -> {
          return 3;
        }
        case 0xc5 -> {
          return 4;
        }
        case 0xb9, 0xba, 0xc8, 0xc9 -> {
          return 5;
        }
        case 0xc4 -> {
          return (code[p + 1] & 0xff) == 0x84 ? 6 : 4;
        }
        case 0xaa, 0xab -> {
          int q = p + 1;
          while ((q - base) % 4 != 0) {
            q++;
          }
          if (op == 0xaa) {
            int low = readInt(code, q + 4);
            int high = readInt(code, q + 8);
            return q + 12 + 4 * (high - low + 1) - p;
          }
          return q + 8 + 8 * readInt(code, q + 4) - p;
        }
        default -> {
          return 1;
        }
      }
    }

    private static int readInt(byte[] b, int i) {
      return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    private static String describe(Object[] pool, int[][] refs, int idx) {
      int[] mref = refs[idx];
      if (mref == null || (mref[0] != 10 && mref[0] != 11)) {
        return "?";
      }
      String owner = (String) pool[refs[mref[1]][1]];
      int[] nat = refs[mref[2]];
      return owner + "." + pool[nat[1]] + pool[nat[2]];
    }

    private static void skipMembers(DataInputStream in) throws IOException {
      int count = in.readUnsignedShort();
      for (int i = 0; i < count; i++) {
        in.readUnsignedShort();
        in.readUnsignedShort();
        in.readUnsignedShort();
        int attrs = in.readUnsignedShort();
        for (int a = 0; a < attrs; a++) {
          in.readUnsignedShort();
          in.skipNBytes(in.readInt());
        }
      }
    }
  }
}
