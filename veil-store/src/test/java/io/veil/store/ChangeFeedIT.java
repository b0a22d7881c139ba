package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.EntityType;
import io.veil.core.Scope;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Two instances (two {@link Database}s with their own stores and caches) on one PostgreSQL database:
 * what A writes or erases reaches B's caches through LISTEN/NOTIFY long before the cache TTL (10 minutes
 * here, so no test can pass by expiry), and B's caches stop serving while its listener is gone.
 */
class ChangeFeedIT {
  static final Subject ALICE = new Subject("acme", "alice@example.org");
  static final Duration TTL = Duration.ofMinutes(10);
  static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path keyDir;
  DatabaseConfig config;
  Instance a;
  Instance b;
  /** What B's listener delivered, in order; subscribed after B's stores, so it hears each change after them. */
  final List<String> heardByB = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** One gateway instance's store objects, cached as the gateway runs them. */
  record Instance(Database db, SubjectKeys keys, ConsentStore consent, PrivacySettingsStore settings,
      JdbcTokenVault vault, SubjectEraser eraser) implements AutoCloseable {
    static Instance open(DatabaseConfig config, Path keyDir) {
      Database db = Database.open(config);
      KeyManager km = KeyManager.openOrCreate(keyDir);
      SubjectKeys keys = new SubjectKeys(db, km);
      return new Instance(db, keys, new ConsentStore(db, keys, TTL), new PrivacySettingsStore(db, keys, TTL),
          new JdbcTokenVault(db, keys, Duration.ofHours(1), scope -> ALICE), new SubjectEraser(db, keys, km));
    }

    PostgresChangeFeed feed() {
      return (PostgresChangeFeed) db.subjectChanges();
    }

    @Override
    public void close() {
      db.close();
    }
  }

  @BeforeEach
  void open() {
    config = TestDatabases.POSTGRES.fresh();
    a = Instance.open(config, keyDir);
    b = Instance.open(config, keyDir);
    b.db().subjectChanges().subscribe(new SubjectChangeFeed.Subscriber() {
      @Override
      public void changed(SubjectChangeFeed.Kind kind, String ref) {
        heardByB.add(SubjectChangeFeed.payload(kind, ref));
      }

      @Override
      public void reset() {}
    });
    await("both listening", () -> a.db().changeFeedStatus().trusted() && b.db().changeFeedStatus().trusted());
  }

  @AfterEach
  void close() {
    b.close();
    a.close();
  }

  @Test
  void consentWithdrawnOnOneInstanceIsHonouredByTheOtherAtOnce() {
    a.consent().grant(ALICE, Purpose.LLM_PROCESSING, "web-form", "n1");
    awaitHeardByB(SubjectChangeFeed.Kind.CONSENT); // so that this notification cannot drop what B caches next
    assertThat(granted(b)).contains(true);
    assertThat(stateCache(b.consent()).size()).as("B holds the decision in its cache").isEqualTo(1);

    a.consent().withdraw(ALICE, Purpose.LLM_PROCESSING, "api", "n1");
    await("B sees the withdrawal", () -> granted(b).equals(Optional.of(false)));

    a.consent().grant(ALICE, Purpose.LLM_PROCESSING, "api", "n1"); // and back, through the cache again
    await("B sees the new grant", () -> granted(b).equals(Optional.of(true)));
  }

  @Test
  void settingsChangedOnOneInstanceAreHonouredByTheOtherAtOnce() {
    assertThat(b.settings().get(ALICE)).isEmpty(); // cached: "never set"
    a.settings().put(ALICE, new PrivacySettings(PrivacySettings.Logging.NONE, PrivacySettings.Mode.BLOCK));
    await("B sees the first settings", () -> b.settings().get(ALICE).map(PrivacySettings::mode)
        .equals(Optional.of(PrivacySettings.Mode.BLOCK)));
    a.settings().put(ALICE, new PrivacySettings(PrivacySettings.Logging.METADATA, PrivacySettings.Mode.ANONYMIZE));
    await("B sees the changed settings", () -> b.settings().get(ALICE).map(PrivacySettings::mode)
        .equals(Optional.of(PrivacySettings.Mode.ANONYMIZE)));
    a.settings().delete(ALICE);
    await("B sees the deletion", () -> b.settings().get(ALICE).isEmpty());
  }

  @Test
  void erasureOnOneInstanceDropsConsentSettingsAndTheDataKeyOnTheOther() {
    Scope scope = new Scope("acme", "c1");
    a.consent().grant(ALICE, Purpose.LLM_PROCESSING, "web-form", "n1");
    a.settings().put(ALICE, new PrivacySettings(PrivacySettings.Logging.NONE, PrivacySettings.Mode.PSEUDONYMIZE));
    String token = a.vault().tokenize(scope, EntityType.PERSON, "Anna Schmidt", n -> "<PERSON_" + n + ">");
    assertThat(granted(b)).contains(true);
    assertThat(b.settings().get(ALICE)).isPresent();
    assertThat(b.vault().reveal(scope, token)).contains("Anna Schmidt");
    assertThat(b.keys().cachedDataKeys()).as("B holds Alice's data key in memory").isEqualTo(1);

    a.eraser().erase(ALICE);
    await("B forgets Alice's data key", () -> b.keys().cachedDataKeys() == 0);
    assertThat(granted(b)).isEmpty();
    assertThat(b.settings().get(ALICE)).isEmpty();
    assertThat(b.vault().reveal(scope, token)).isEmpty();
  }

  /**
   * An erasure through this process's eraser reaches its {@code onSubjectErased} listeners once, from its caller
   * ({@code Governance.erase}), not a second time when its own NOTIFY comes back (qa7: the gateway dropped its
   * restore cache twice); another instance's erasure of the same kind is still heard, and the other instance hears
   * this one's.
   */
  @Test
  void anErasureIsNotHeardBackByTheProcessThatMadeIt() {
    Subject bob = new Subject("acme", "bob@example.org");
    List<String> heardByA = new java.util.concurrent.CopyOnWriteArrayList<>();
    a.db().onSubjectErased(heardByA::add);
    String aliceRef = a.keys().pseudonymOf(ALICE).hex();
    String bobRef = a.keys().pseudonymOf(bob).hex();
    a.eraser().erase(ALICE);
    b.eraser().erase(bob); // committed after A's: PostgreSQL delivers notifications in commit order
    await("A hears B's erasure", () -> heardByA.contains(bobRef));
    assertThat(heardByA).as("A's own erasure, delivered before B's").doesNotContain(aliceRef);
    await("B hears A's erasure", () -> heardByB.contains(SubjectChangeFeed.payload(SubjectChangeFeed.Kind.ERASURE,
        aliceRef)));
  }

  @Test
  void keyDestroyedOnOneInstanceLeavesTheOthersHeap() {
    Scope scope = new Scope("acme", "c2");
    String token = a.vault().tokenize(scope, EntityType.PERSON, "Bea Berg", n -> "<PERSON_" + n + ">");
    assertThat(b.vault().reveal(scope, token)).contains("Bea Berg");
    assertThat(b.keys().cachedDataKeys()).isEqualTo(1);
    assertThat(a.keys().destroy(ALICE)).isTrue();
    await("B forgets the destroyed key", () -> b.keys().cachedDataKeys() == 0);
    assertThat(b.vault().reveal(scope, token)).isEmpty();
  }

  @Test
  void aScopeClearedOnOneInstanceIsNotRestoredFromTheOthersSnapshot() {
    Scope scope = new Scope("acme", "c3");
    String token = a.vault().tokenize(scope, EntityType.PERSON, "Cleo Cruz", n -> "<PERSON_" + n + ">");
    // B is in the middle of a request: its batch holds a snapshot of the scope's entries
    b.vault().batched(() -> {
      assertThat(b.vault().entries(scope)).containsEntry(token, "Cleo Cruz");
      // on another thread: the batch cache is per thread, A's clear must not touch B's batch directly
      Thread clearer = new Thread(() -> a.vault().clear(scope));
      clearer.start();
      try {
        clearer.join();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      // (nothing of A's is called on this thread in here: the batch cache is per thread, not per vault)
      await("B's snapshot of the cleared scope is read again", () -> b.vault().entries(scope).isEmpty());
      return null;
    });
    assertThat(b.vault().reveal(scope, token)).isEmpty();
    assertThat(a.vault().entries(scope)).isEmpty();
  }

  @Test
  void anIdleKeyPurgedOnOneInstanceLeavesTheOthersHeap() throws Exception {
    Scope scope = new Scope("acme", "c4");
    String token = a.vault().tokenize(scope, EntityType.PERSON, "Dan Dale", n -> "<PERSON_" + n + ">");
    assertThat(b.vault().reveal(scope, token)).contains("Dan Dale");
    assertThat(b.keys().cachedDataKeys()).isEqualTo(1);
    a.vault().clear(scope); // nothing sealed with Alice's key is left
    Thread.sleep(1_100);
    RetentionPolicy policy = RetentionPolicy.defaults(RegulationProfile.GDPR)
        .with(DataClass.VAULT_ENTRIES, Duration.ofSeconds(1));
    assertThat(new RetentionPurger(a.db(), policy).run().subjectKeysPurged()).isEqualTo(1);
    await("B forgets the purged key", () -> b.keys().cachedDataKeys() == 0);
  }

  @Test
  void whileTheListenerIsGoneCachesAreBypassedThenUsedAgain() throws Exception {
    a.consent().grant(ALICE, Purpose.ANALYTICS, "web-form", "n1");
    awaitHeardByB(SubjectChangeFeed.Kind.CONSENT);
    String ref = b.keys().pseudonymOf(ALICE).hex();
    String dbName = dbName();
    try (Connection admin = DriverManager.getConnection(config.jdbcUrl(), "postgres", "");
        Connection server = TestDatabases.postgres().getPostgresDatabase().getConnection()) {
      // a change written behind Veil's back (no NOTIFY) stands for a notification B could not hear
      assertThat(granted(b, Purpose.ANALYTICS)).contains(true);
      setGrantedSilently(admin, ref, false);
      assertThat(granted(b, Purpose.ANALYTICS)).as("listening: B serves its cache").contains(true);

      int pid = b.feed().backendPid();
      assertThat(pid).isPositive();
      try (Statement s = server.createStatement()) {
        s.execute("ALTER DATABASE " + dbName + " ALLOW_CONNECTIONS false"); // the listener cannot come back yet
        s.execute("SELECT pg_terminate_backend(" + pid + ")");
      }
      try {
        await("B notices", () -> !b.db().changeFeedStatus().trusted());
        assertThat(b.db().changeFeedStatus().listening()).isFalse();
        assertThat(granted(b, Purpose.ANALYTICS)).as("not listening: B reads through").contains(false);
        assertThat(stateCache(b.consent()).size()).isZero();
        setGrantedSilently(admin, ref, true);
        assertThat(granted(b, Purpose.ANALYTICS)).as("still not caching").contains(true);
        setGrantedSilently(admin, ref, false);
        assertThat(granted(b, Purpose.ANALYTICS)).contains(false);
        assertThat(stateCache(b.consent()).size()).isZero();
      } finally {
        try (Statement s = server.createStatement()) {
          s.execute("ALTER DATABASE " + dbName + " ALLOW_CONNECTIONS true");
        }
      }
      await("B listens again", () -> b.db().changeFeedStatus().trusted());
      assertThat(b.db().changeFeedStatus().connections()).isEqualTo(2);
      assertThat(granted(b, Purpose.ANALYTICS)).contains(false);
      setGrantedSilently(admin, ref, true);
      assertThat(granted(b, Purpose.ANALYTICS)).as("listening again: B caches again").contains(false);
      a.consent().withdraw(ALICE, Purpose.ANALYTICS, "api", "n1");
      a.consent().grant(ALICE, Purpose.ANALYTICS, "api", "n1");
      await("and hears A again", () -> granted(b, Purpose.ANALYTICS).equals(Optional.of(true)));
    }
  }

  @Test
  void payloadsCarryAKindAndThePseudonymOnlyAndOnlyCommittedChangesAreSent() throws Exception {
    String ref = a.keys().pseudonymOf(ALICE).hex();
    try (Connection listener = DriverManager.getConnection(config.jdbcUrl(), "postgres", "")) {
      try (Statement s = listener.createStatement()) {
        s.execute("LISTEN " + PostgresChangeFeed.CHANNEL);
      }
      PGConnection pg = listener.unwrap(PGConnection.class);
      a.consent().grant(ALICE, Purpose.LOGGING, "web-form", "n1");
      a.settings().put(ALICE, new PrivacySettings(PrivacySettings.Logging.NONE, PrivacySettings.Mode.BLOCK));
      try {
        a.db().inTransaction("rolled back", c -> {
          a.db().subjectChanges().publish(c, SubjectChangeFeed.Kind.CONSENT, "f".repeat(64));
          throw new IllegalStateException("roll back");
        });
      } catch (IllegalStateException expected) {
        // the notification must die with the transaction
      }
      a.eraser().erase(ALICE);
      List<String> payloads = new ArrayList<>();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (payloads.size() < 3 && System.nanoTime() < deadline) {
        PGNotification[] got = pg.getNotifications(200);
        if (got != null) {
          for (PGNotification n : got) {
            payloads.add(n.getParameter());
          }
        }
      }
      PGNotification[] more = pg.getNotifications(500);
      assertThat(more == null ? 0 : more.length).as("nothing from the rolled-back transaction").isZero();
      assertThat(payloads).containsExactly("c:" + ref, "s:" + ref, "e:" + ref);
      assertThat(payloads).allSatisfy(p -> assertThat(p).doesNotContain("alice").doesNotContain("acme")
          .matches("[cse]:[0-9a-f]{64}"));
    }
  }

  @Test
  void closingTheDatabaseEndsTheListenerSession() throws Exception {
    String dbName = dbName();
    try (Connection admin = DriverManager.getConnection(config.jdbcUrl(), "postgres", "")) {
      assertThat(listenerSessions(admin, dbName)).isEqualTo(2);
      b.close();
      await("B's listener session is gone", () -> listenerSessions(admin, dbName) == 1);
      assertThat(b.db().changeFeedStatus().listening()).isFalse();
    }
  }

  @Test
  void h2HasNothingToListenTo() {
    try (Database h2 = Database.open(TestDatabases.H2.fresh())) {
      assertThat(h2.changeFeedStatus()).isEqualTo(new ChangeFeedStatus(false, true, true, 0));
    }
  }

  private void awaitHeardByB(SubjectChangeFeed.Kind kind) {
    String expected = SubjectChangeFeed.payload(kind, b.keys().pseudonymOf(ALICE).hex());
    await("B hears " + kind, () -> heardByB.contains(expected));
  }

  private static Optional<Boolean> granted(Instance i) {
    return granted(i, Purpose.LLM_PROCESSING);
  }

  private static Optional<Boolean> granted(Instance i, Purpose p) {
    return i.consent().current(ALICE, p).map(ConsentDecision::granted);
  }

  @SuppressWarnings("unchecked")
  private static SubjectStateCache<?> stateCache(ConsentStore store) {
    try {
      var f = ConsentStore.class.getDeclaredField("cache");
      f.setAccessible(true);
      return (SubjectStateCache<?>) f.get(store);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static void setGrantedSilently(Connection admin, String ref, boolean granted) throws Exception {
    try (PreparedStatement ps = admin.prepareStatement(
        "UPDATE consent_state SET granted = ? WHERE subject_ref = ? AND purpose = ?")) {
      ps.setBoolean(1, granted);
      ps.setString(2, ref);
      ps.setString(3, Purpose.ANALYTICS.wireName());
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  private static int listenerSessions(Connection admin, String dbName) {
    try (PreparedStatement ps = admin.prepareStatement(
        "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = ? AND application_name = ?")) {
      ps.setString(1, dbName);
      ps.setString(2, PostgresChangeFeed.APPLICATION_NAME);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private String dbName() {
    String url = config.jdbcUrl();
    int q = url.indexOf('?');
    return url.substring(url.lastIndexOf('/') + 1, q < 0 ? url.length() : q);
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT + ": " + what);
      }
      try {
        Thread.sleep(1_100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
