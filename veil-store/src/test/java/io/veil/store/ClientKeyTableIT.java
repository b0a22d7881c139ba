package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The client key table on H2 and PostgreSQL; and two instances (two {@link Database}s, each with its
 * own cached table) on one PostgreSQL database: a key created or revoked through one is accepted or
 * refused through the other long before the cache TTL (10 minutes here, so nothing passes by expiry).
 */
class ClientKeyTableIT {
  static final Duration TTL = Duration.ofMinutes(10);
  static final Duration WAIT = Duration.ofSeconds(20);
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @ParameterizedTest
  @EnumSource(TestDatabases.class)
  void storesFindsListsAndRevokesByTheSecretsHash(TestDatabases kind) throws Exception {
    DatabaseConfig cfg = kind.fresh();
    try (Database db = Database.open(cfg)) {
      ClientKeyTable t = new ClientKeyTable(db, TTL);
      ClientKeyRow a = new ClientKeyRow("vk_a", "acme", "default", 60, T0, null, null);
      ClientKeyRow b = new ClientKeyRow("vk_b", "globex", "strict", 0, T0.plusSeconds(1), null, T0.plusSeconds(3600));
      t.insert(a, sha("secret-a"));
      t.insert(b, sha("secret-b"));

      assertThat(t.findBySecretHash(sha("secret-a"))).contains(a);
      assertThat(t.findBySecretHash(sha("secret-b"))).contains(b);
      assertThat(t.findBySecretHash(sha("secret-c"))).isEmpty();
      assertThat(t.findBySecretHash(new byte[31])).isEmpty();
      assertThat(t.findBySecretHash(null)).isEmpty();
      assertThat(t.list()).containsExactly(a, b);
      // created in the same millisecond: listed in the order they were created, not by id
      t.insert(new ClientKeyRow("vk_z", "acme", "default", 0, T0.plusSeconds(2), null, null), sha("secret-z"));
      t.insert(new ClientKeyRow("vk_y", "acme", "default", 0, T0.plusSeconds(2), null, null), sha("secret-y"));
      assertThat(t.list()).extracting(ClientKeyRow::id).containsExactly("vk_a", "vk_b", "vk_z", "vk_y");
      assertThat(t.lastKnown(sha("secret-a"))).as("as last read, without a query").contains(a);
      assertThat(t.lastKnown(sha("secret-c"))).isEmpty();

      assertThat(t.revoke("vk_a", T0.plusSeconds(10))).isTrue();
      assertThat(t.findBySecretHash(sha("secret-a"))).get().extracting(ClientKeyRow::revokedAt)
          .isEqualTo(T0.plusSeconds(10));
      assertThat(t.revoke("vk_a", T0.plusSeconds(20))).as("already revoked: still a known key").isTrue();
      assertThat(t.list().get(0).revokedAt()).as("the first revocation time stays").isEqualTo(T0.plusSeconds(10));
      assertThat(t.revoke("vk_none", T0)).isFalse();

      assertThatThrownBy(() -> t.insert(new ClientKeyRow("vk_a", "acme", "default", 0, T0, null, null), sha("other")))
          .isInstanceOf(StoreException.class).hasMessageNotContaining("vk_a");
      assertThatThrownBy(() -> t.insert(new ClientKeyRow("vk_d", "acme", "default", 0, T0, null, null), sha("secret-b")))
          .isInstanceOf(StoreException.class);

      // only the hash is stored: no column holds the secret
      try (Connection c = DriverManager.getConnection(cfg.jdbcUrl(), cfg.user(), cfg.password());
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT * FROM client_keys")) {
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          for (int i = 1; i <= columns; i++) {
            assertThat(String.valueOf(rs.getObject(i))).doesNotContain("secret-");
          }
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.class)
  void importAddsOnlyKeysNotThereAndNeverRevivesARevokedOne(TestDatabases kind) {
    try (Database db = Database.open(kind.fresh())) {
      ClientKeyTable t = new ClientKeyTable(db, TTL);
      ClientKeyRow a = new ClientKeyRow("vk_a", "acme", "default", 0, T0, null, null);
      ClientKeyRow b = new ClientKeyRow("vk_b", "acme", "default", 0, T0, T0.plusSeconds(5), null);
      List<ClientKeyTable.Imported> file = List.of(new ClientKeyTable.Imported(a, sha("secret-a")),
          new ClientKeyTable.Imported(b, sha("secret-b")));
      assertThat(t.findBySecretHash(sha("secret-a"))).as("cached as unknown").isEmpty();
      assertThat(t.importMissing(file)).isEqualTo(2);
      assertThat(t.findBySecretHash(sha("secret-a"))).as("the import drops the cached miss").contains(a);
      assertThat(t.findBySecretHash(sha("secret-b"))).contains(b);

      t.revoke("vk_a", T0.plusSeconds(60));
      assertThat(t.importMissing(file)).as("a second import finds both").isZero();
      assertThat(t.findBySecretHash(sha("secret-a")).orElseThrow().revoked()).isTrue();
      assertThat(file.get(0).toString()).isEqualTo("Imported[vk_a]");
    }
  }

  @Test
  void aKeyCreatedOrRevokedOnOneInstanceIsAcceptedOrRefusedOnTheOtherAtOnce() throws Exception {
    DatabaseConfig cfg = TestDatabases.POSTGRES.fresh();
    try (Database dbA = Database.open(cfg); Database dbB = Database.open(cfg)) {
      ClientKeyTable a = new ClientKeyTable(dbA, TTL);
      ClientKeyTable b = new ClientKeyTable(dbB, TTL);
      await("both listening", () -> dbA.changeFeedStatus().trusted() && dbB.changeFeedStatus().trusted());

      assertThat(b.findBySecretHash(sha("secret-a"))).as("B caches the miss").isEmpty();
      assertThat(b.cachedEntries()).isEqualTo(1);
      a.insert(new ClientKeyRow("vk_a", "acme", "default", 0, T0, null, null), sha("secret-a"));
      await("B accepts the new key", () -> b.findBySecretHash(sha("secret-a")).isPresent());

      a.revoke("vk_a", T0.plusSeconds(1));
      await("B refuses the revoked key", () -> b.findBySecretHash(sha("secret-a")).map(ClientKeyRow::revoked)
          .equals(Optional.of(true)));
    }
  }

  @Test
  void whileTheListenerIsGoneLookupsReadTheDatabase() throws Exception {
    DatabaseConfig cfg = TestDatabases.POSTGRES.fresh();
    String dbName = cfg.jdbcUrl().substring(cfg.jdbcUrl().lastIndexOf('/') + 1).replaceAll("\\?.*", "");
    try (Database db = Database.open(cfg)) {
      ClientKeyTable t = new ClientKeyTable(db, TTL);
      java.util.concurrent.atomic.AtomicInteger heard = new java.util.concurrent.atomic.AtomicInteger();
      db.subjectChanges().subscribe(new SubjectChangeFeed.Subscriber() {
        @Override
        public void changed(SubjectChangeFeed.Kind kind, String ref) {
          if (kind == SubjectChangeFeed.Kind.CLIENT_KEYS) {
            heard.incrementAndGet();
          }
        }

        @Override
        public void reset() {}
      });
      await("listening", () -> db.changeFeedStatus().trusted());
      t.insert(new ClientKeyRow("vk_a", "acme", "default", 0, T0, null, null), sha("secret-a"));
      await("the insert's own notification is back", () -> heard.get() == 1); // so it cannot drop what is cached next
      assertThat(t.findBySecretHash(sha("secret-a"))).isPresent();
      try (Connection admin = DriverManager.getConnection(cfg.jdbcUrl(), cfg.user(), cfg.password());
          Connection server = TestDatabases.postgres().getPostgresDatabase().getConnection()) {
        revokeSilently(admin, "vk_a"); // behind Veil's back: no NOTIFY, stands for a change nobody heard
        assertThat(t.findBySecretHash(sha("secret-a")).orElseThrow().revoked()).as("listening: served from cache")
            .isFalse();
        int pid = ((PostgresChangeFeed) db.subjectChanges()).backendPid();
        try (Statement s = server.createStatement()) {
          s.execute("ALTER DATABASE " + dbName + " ALLOW_CONNECTIONS false");
          s.execute("SELECT pg_terminate_backend(" + pid + ")");
        }
        try {
          await("the listener is gone", () -> !db.changeFeedStatus().trusted());
          assertThat(t.findBySecretHash(sha("secret-a")).orElseThrow().revoked()).as("not listening: read through")
              .isTrue();
          assertThat(t.cachedEntries()).isZero();
        } finally {
          try (Statement s = server.createStatement()) {
            s.execute("ALTER DATABASE " + dbName + " ALLOW_CONNECTIONS true");
          }
        }
      }
    }
  }

  private static void revokeSilently(Connection c, String id) throws Exception {
    try (PreparedStatement ps = c.prepareStatement("UPDATE client_keys SET revoked_at = 1 WHERE id = ?")) {
      ps.setString(1, id);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  static byte[] sha(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT + ": " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
