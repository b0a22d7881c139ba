package io.veil.gateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.store.ClientKeyTable;
import io.veil.store.Database;
import io.veil.store.DatabaseConfig;
import io.veil.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JdbcClientKeyStore} on the embedded H2 database (the cross-instance cases are in SharedClientKeysIT). */
class JdbcClientKeyStoreIT {
  @TempDir Path dir;

  final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-03-01T10:00:00Z"));
  final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  };

  @Test
  void createAuthenticateListRevokeExpire() {
    try (Database db = Database.open(DatabaseConfig.h2(dir))) {
      JdbcClientKeyStore store = JdbcClientKeyStore.open(new ClientKeyTable(db, Duration.ofMinutes(10)), clock);
      IssuedKey a = store.create("acme", "default", 60);
      IssuedKey b = store.create("globex", "strict", 0, Duration.ofHours(1));
      assertThat(a.secret()).startsWith(FileClientKeyStore.SECRET_PREFIX).hasSizeGreaterThan(40);
      assertThat(a.toString()).doesNotContain(a.secret());
      assertThat(store.toString()).doesNotContain(a.secret());

      assertThat(store.authenticate(a.secret())).contains(a.key());
      assertThat(store.authenticate(b.secret()).orElseThrow().tenant()).isEqualTo("globex");
      assertThat(store.authenticate(a.secret() + "x")).isEmpty();
      assertThat(store.authenticate(a.secret().substring(0, a.secret().length() - 1))).isEmpty();
      assertThat(store.authenticate("")).isEmpty();
      assertThat(store.authenticate(null)).isEmpty();
      assertThat(store.authenticate("x".repeat(10_000))).isEmpty();
      assertThat(store.list()).extracting(ClientKey::id).containsExactly(a.key().id(), b.key().id());

      assertThat(store.lastKnown(a.secret())).as("as last read; for accounting refusals only").contains(a.key());
      assertThat(store.lastKnown(a.secret() + "x")).isEmpty();

      now.set(now.get().plus(Duration.ofHours(1)));
      assertThat(store.authenticate(b.secret())).as("expired, though cached").isEmpty();
      assertThat(store.authenticate(a.secret())).isPresent();

      assertThat(store.revoke(a.key().id())).isTrue();
      assertThat(store.revoke("vk_nope")).isFalse();
      assertThat(store.revoke(null)).isFalse();
      assertThat(store.authenticate(a.secret())).as("revoked, though it was cached").isEmpty();
      assertThat(store.list().getFirst().revokedAt()).isEqualTo(now.get());
      assertThat(store.lastKnown(a.secret())).as("read as revoked: not named any more").isEmpty();
    }
  }

  @Test
  void theReturnedKeyEqualsTheStoredOneWithTheSystemClock() {
    try (Database db = Database.open(DatabaseConfig.h2(dir))) {
      JdbcClientKeyStore store = JdbcClientKeyStore.open(new ClientKeyTable(db, Duration.ofMinutes(10)));
      IssuedKey a = store.create("acme", "default", 0, Duration.ofDays(1));
      assertThat(store.authenticate(a.secret())).contains(a.key());
      assertThat(store.list()).containsExactly(a.key());
    }
  }

  @Test
  void badBindingsAreRefusedWithoutNamingTheValue() {
    try (Database db = Database.open(DatabaseConfig.h2(dir))) {
      JdbcClientKeyStore store = JdbcClientKeyStore.open(new ClientKeyTable(db, Duration.ofSeconds(2)), clock);
      assertThatThrownBy(() -> store.create("bad tenant!", "default", 0)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageNotContaining("bad tenant!");
      assertThatThrownBy(() -> store.create("acme", "", 0)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.create("acme", "default", -1)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.create("acme", "default", 0, Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(store.list()).isEmpty();
    }
  }

  @Test
  void aDamagedRowAuthenticatesNobody() throws Exception {
    DatabaseConfig cfg = DatabaseConfig.h2(dir);
    try (Database db = Database.open(cfg)) {
      JdbcClientKeyStore store = JdbcClientKeyStore.open(new ClientKeyTable(db, Duration.ZERO), clock);
      IssuedKey a = store.create("acme", "default", 0);
      try (Connection c = DriverManager.getConnection(cfg.jdbcUrl(), cfg.user(), cfg.password());
          Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE client_keys SET rate_per_minute = -5");
      }
      assertThatThrownBy(() -> store.authenticate(a.secret())).isInstanceOf(StoreException.class)
          .hasMessageNotContaining(a.secret()).hasMessageNotContaining(a.key().id());
    }
  }

  @Test
  void importsTheHashesOfAKeyFileOnce() {
    FileClientKeyStore file = FileClientKeyStore.open(dir.resolve("data"));
    IssuedKey a = file.create("acme", "default", 10, Duration.ofDays(30));
    IssuedKey b = file.create("globex", "default", 0);
    file.revoke(b.key().id());
    try (Database db = Database.open(DatabaseConfig.h2(dir))) {
      JdbcClientKeyStore store = JdbcClientKeyStore.open(new ClientKeyTable(db, Duration.ofSeconds(2)));
      assertThat(store.authenticate(a.secret())).isEmpty();
      assertThat(ClientKeyStores.importFile(store, dir.resolve("data"))).isEqualTo(2);
      ClientKey imported = store.authenticate(a.secret()).orElseThrow();
      assertThat(imported.id()).isEqualTo(a.key().id());
      assertThat(imported).usingRecursiveComparison().ignoringFields("createdAt", "expiresAt").isEqualTo(a.key());
      assertThat(imported.expiresAt()).as("kept to the millisecond")
          .isEqualTo(a.key().expiresAt().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
      assertThat(store.authenticate(b.secret())).isEmpty();
      assertThat(store.list()).extracting(ClientKey::id).containsExactly(a.key().id(), b.key().id());
      assertThat(store.list().get(1).revoked()).isTrue();
      assertThat(ClientKeyStores.importFile(store, dir.resolve("data"))).isZero();
      assertThat(ClientKeyStores.importFile(store, dir.resolve("no-such-dir"))).isZero();
    }
  }
}
