package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.gateway.keys.FileClientKeyStore;
import io.veil.gateway.keys.IssuedKey;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Client keys in the database (the default {@code database.clientKeys}): created and revoked through
 * the admin API they apply to the very next request; two gateway instances on one PostgreSQL accept
 * a key the other created and refuse a key the other revoked, without a restart and long before any
 * cache could expire; keys of an existing {@code keys.json} are imported once and keep working.
 */
class SharedClientKeysIT {
  static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(TestStores.class)
  void aKeyCreatedThroughTheAdminApiWorksAtOnceAndIsRefusedOnceRevoked(TestStores store) throws Exception {
    try (GovernedGateway g = new GovernedGateway(dir, store.fresh(), Map.of())) {
      HttpResponse<String> created = g.admin("POST", "/admin/keys", "{\"tenant\":\"globex\",\"rate_per_minute\":100}");
      assertThat(created.statusCode()).isEqualTo(201);
      JsonNode k = GovernedGateway.json(created);
      String secret = k.get("secret").asText();
      String id = k.get("id").asText();
      assertThat(chat(g, secret).statusCode()).isEqualTo(200);

      // stored as the SHA-256 of the secret; no cell of any table holds the secret
      try (Connection c = g.jdbc();
          PreparedStatement ps = c.prepareStatement("SELECT secret_sha256, tenant FROM client_keys WHERE id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo(sha256Hex(secret));
          assertThat(rs.getString(2)).isEqualTo("globex");
        }
      }
      assertThat(g.allCells()).noneMatch(cell -> cell.contains(secret) || cell.contains(secret.substring(8, 30)));
      assertThat(dir.resolve("keys.json")).as("the database store writes no key file").doesNotExist();

      HttpResponse<String> revoked = g.admin("POST", "/admin/keys/" + id + "/revoke", "{}");
      assertThat(revoked.statusCode()).isEqualTo(200);
      HttpResponse<String> refused = chat(g, secret);
      assertThat(refused.statusCode()).as("refused at once on the instance that revoked it").isEqualTo(401);
      assertThat(refused.body()).doesNotContain(secret);
      assertThat(GovernedGateway.json(g.admin("GET", "/admin/keys", null)).get("data"))
          .anySatisfy(n -> assertThat(n.get("id").asText() + n.get("revoked").asBoolean()).isEqualTo(id + "true"));
    }
  }

  @Test
  void twoInstancesOnOnePostgresAcceptAndRefuseEachOthersKeysWithoutARestart() throws Exception {
    // the longest cache allowed: B can only refuse in time because A's revocation is NOTIFY'd to it
    GovernanceConfig cfg = TestStores.POSTGRES.fresh()
        .withSubjectStateTtl(Duration.ofMillis(GovernanceConfig.MAX_SUBJECT_STATE_TTL_MILLIS));
    Path shared = Files.createDirectories(dir.resolve("shared"));
    try (GovernedGateway a = new GovernedGateway(shared, cfg, Map.of());
        GovernedGateway b = new GovernedGateway(shared, cfg, Map.of())) {
      awaitTrue(() -> b.send("GET", "/metrics", null, null).body().contains("veil_store_change_listener_up 1.0"));
      assertThat(chat(b, a.key).statusCode()).as("the first key, created by A, works on B").isEqualTo(200);

      JsonNode created = GovernedGateway.json(a.admin("POST", "/admin/keys", "{\"tenant\":\"globex\"}"));
      String secret = created.get("secret").asText();
      String id = created.get("id").asText();
      awaitTrue(() -> chat(b, secret).statusCode() == 200);
      assertThat(chat(b, secret).statusCode()).as("B now serves the key from its cache").isEqualTo(200);

      assertThat(a.admin("POST", "/admin/keys/" + id + "/revoke", "{}").statusCode()).isEqualTo(200);
      awaitTrue(() -> chat(b, secret).statusCode() == 401);

      // and the other way round, with the store API as veil keys uses it
      IssuedKey fromB = b.keys.create("initech", "default", 0);
      awaitTrue(() -> chat(a, fromB.secret()).statusCode() == 200);
      assertThat(a.keys.list()).extracting(k -> k.id()).contains(fromB.key().id(), id);
      assertThat(b.keys.revoke(fromB.key().id())).isTrue();
      awaitTrue(() -> chat(a, fromB.secret()).statusCode() == 401);
    }
  }

  @ParameterizedTest
  @EnumSource(TestStores.class)
  void keysOfAnExistingKeysJsonAreImportedOnceAndARevocationInTheDatabaseSticks(TestStores store) throws Exception {
    FileClientKeyStore file = FileClientKeyStore.open(dir);
    IssuedKey old = file.create("acme", "default", 0);
    IssuedKey oldRevoked = file.create("acme", "default", 0);
    file.revoke(oldRevoked.key().id());
    byte[] fileBefore = Files.readAllBytes(dir.resolve("keys.json"));
    Files.writeString(dir.resolve("test-key"), old.secret()); // GovernedGateway's key: the one from the file
    GovernanceConfig cfg = store.fresh();
    try (GovernedGateway g = new GovernedGateway(dir, cfg, Map.of())) {
      assertThat(chat(g, old.secret()).statusCode()).as("a key from keys.json works after the move").isEqualTo(200);
      assertThat(chat(g, oldRevoked.secret()).statusCode()).as("revoked in the file, revoked in the database")
          .isEqualTo(401);
      assertThat(g.keys.list()).hasSize(2);
      assertThat(g.admin("POST", "/admin/keys/" + old.key().id() + "/revoke", "{}").statusCode()).isEqualTo(200);
      assertThat(chat(g, old.secret()).statusCode()).isEqualTo(401);
    }
    assertThat(Files.readAllBytes(dir.resolve("keys.json"))).as("the file is kept as it was").isEqualTo(fileBefore);
    try (GovernedGateway again = new GovernedGateway(dir, cfg, Map.of())) {
      assertThat(again.keys.list()).as("nothing imported twice").hasSize(2);
      assertThat(chat(again, old.secret()).statusCode()).as("the next start does not revive it from the file")
          .isEqualTo(401);
    }
  }

  private static HttpResponse<String> chat(GovernedGateway g, String key) throws Exception {
    return g.send("POST", "/v1/chat/completions", key, GovernedGateway.chatBody("hello", false));
  }

  private static String sha256Hex(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  private static void awaitTrue(Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT);
      }
      Thread.sleep(100);
    }
  }
}
