package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.EntityType;
import io.veil.core.Scope;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The retention purge deletes the data keys of per-conversation subjects once nothing they sealed is
 * left, keeps every other key, and never races a request into storing a value under a deleted key.
 */
@ParameterizedClass
@EnumSource(TestDatabases.class)
class SubjectKeyPurgeIT {
  @Parameter TestDatabases backend;
  @TempDir Path keyDir;

  static final Function<Integer, String> PERSON = n -> "<PERSON_" + n + ">";
  static final Subject ALICE = new Subject("acme", "alice@example.org");
  static final Subject BOB = new Subject("acme", "bob@example.org");
  static final Subject CAROL = new Subject("acme", "carol@example.org");

  MutableClock clock;
  DatabaseConfig config;
  Database db;
  KeyManager km;
  SubjectKeys keys;
  JdbcTokenVault vault;
  RetentionPolicy policy = RetentionPolicy.defaults(RegulationProfile.GDPR); // vault entries: 24 h

  @BeforeEach
  void open() {
    clock = new MutableClock();
    config = backend.fresh(clock);
    db = Database.open(config);
    km = KeyManager.openOrCreate(keyDir);
    keys = new SubjectKeys(db, km);
    vault = new JdbcTokenVault(db, keys, policy.periodOf(DataClass.VAULT_ENTRIES), SubjectResolver.perConversation());
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void idleKeysOfConversationsGoAndEveryOtherKeyStays() throws Exception {
    for (int i = 0; i < 3; i++) { // three anonymous conversations: three subjects, three keys
      vault.tokenize(new Scope("acme", "anon-" + i), EntityType.PERSON, "Person " + i, PERSON);
    }
    Scope users = new Scope("acme", "u-1");
    vault.tokenize(users, ALICE, EntityType.PERSON, "Alice Archer", PERSON);
    new ConsentStore(db, keys).grant(ALICE, Purpose.LLM_PROCESSING, "api", "n1");
    vault.tokenize(users, BOB, EntityType.PERSON, "Bob Baker", PERSON);
    new PrivacySettingsStore(db, keys).put(BOB, PrivacySettings.DEFAULT);
    vault.tokenize(users, CAROL, EntityType.PERSON, "Carol Cole", PERSON);
    new PrivacyRequestStore(db, keys).open(CAROL, PrivacyRequest.Kind.ACCESS, RegulationProfile.GDPR);
    assertThat(count("subject_keys")).isEqualTo(6);

    clock.advance(Duration.ofHours(23));
    Scope busy = new Scope("acme", "anon-busy");
    vault.tokenize(busy, EntityType.PERSON, "Dora Dunn", PERSON);
    RetentionPurger.Report early = new RetentionPurger(db, policy).run();
    assertThat(early.subjectKeysPurged()).as("keys still sealing live entries stay").isZero();

    clock.advance(Duration.ofHours(2)); // the first six entries are past 24 h, the busy one is not
    RetentionPurger.Report report = new RetentionPurger(db, policy).run();
    assertThat(report.deleted().get(DataClass.VAULT_ENTRIES)).isEqualTo(6);
    assertThat(report.subjectKeysPurged()).isEqualTo(3);
    assertThat(keys.hasKey(ALICE)).as("consent on record").isTrue();
    assertThat(keys.hasKey(BOB)).as("settings on record").isTrue();
    assertThat(keys.hasKey(CAROL)).as("privacy request on record").isTrue();
    assertThat(keys.hasKey(new Subject("acme", "conversation:anon-busy"))).isTrue();
    for (int i = 0; i < 3; i++) {
      assertThat(keys.hasKey(new Subject("acme", "conversation:anon-" + i))).isFalse();
    }
    assertThat(count("subject_keys")).isEqualTo(4);
    assertThat(new RetentionPurger(db, policy).run().subjectKeysPurged()).isZero();

    // a purged conversation that comes back gets a new key, and its values restore
    Scope back = new Scope("acme", "anon-0");
    String t = vault.tokenize(back, EntityType.PERSON, "Erin Ellis", PERSON);
    assertThat(vault.reveal(back, t)).contains("Erin Ellis");
    assertThat(count("subject_keys")).isEqualTo(5);

    // the busy conversation's key goes once its entry expired and a vault period passed since its last use
    clock.advance(Duration.ofHours(23));
    assertThat(new RetentionPurger(db, policy).run().subjectKeysPurged()).isEqualTo(1);
    assertThat(keys.hasKey(new Subject("acme", "conversation:anon-busy"))).isFalse();
    assertThat(orphanedVaultRows()).isZero();
  }

  /**
   * The purge deletes the key in the window between sealing a value and storing it (deterministically,
   * through the vault's test hook): the request still succeeds, under a new key, and the value restores.
   */
  @Test
  void aKeyPurgedBetweenSealingAndStoringIsReplacedNotUsed() throws Exception {
    Scope s = new Scope("acme", "window");
    vault.tokenize(s, EntityType.PERSON, "Seed", PERSON);
    vault.clear(s);
    clock.advance(Duration.ofDays(2));
    AtomicLong purgedInWindow = new AtomicLong();
    vault.afterSeal = () -> {
      vault.afterSeal = null; // once
      purgedInWindow.set(new RetentionPurger(db, policy).run().subjectKeysPurged());
    };
    String token = vault.tokenize(s, EntityType.PERSON, "Frank Fox", PERSON);
    assertThat(purgedInWindow.get()).as("the purge ran in the window and deleted the key").isEqualTo(1);
    assertThat(orphanedVaultRows()).isZero();
    assertThat(vault.reveal(s, token)).contains("Frank Fox");
    // the cleared "Seed" keeps <PERSON_1> (names are not reused, TokenMarks); the attempt whose key went mints
    // the same ordinal again, not the next one
    assertThat(token).isEqualTo("<PERSON_2>");
  }

  /**
   * As above, for the values of one text stored together ({@code tokenizeTogether}): the key is purged after
   * the first value was sealed and before the text's values are stored; the store's claim fails, nothing is
   * stored under the purged key, and the text is transformed again under a new key.
   */
  @Test
  void aKeyPurgedBeforeATextsValuesAreStoredTogetherIsReplacedNotUsed() throws Exception {
    Scope s = new Scope("acme", "window-together");
    vault.tokenize(s, EntityType.PERSON, "Seed", PERSON);
    vault.clear(s);
    clock.advance(Duration.ofDays(2));
    AtomicLong purgedInWindow = new AtomicLong();
    vault.afterSeal = () -> {
      vault.afterSeal = null; // once
      purgedInWindow.set(new RetentionPurger(db, policy).run().subjectKeysPurged());
    };
    AtomicLong runs = new AtomicLong();
    List<String> tokens = vault.tokenizeTogether(s, () -> {
      runs.incrementAndGet();
      return List.of(vault.tokenize(s, EntityType.PERSON, "Frank Fox", PERSON),
          vault.tokenize(s, EntityType.PERSON, "Gina Gold", PERSON));
    });
    assertThat(purgedInWindow.get()).as("the purge ran in the window and deleted the key").isEqualTo(1);
    assertThat(runs.get()).as("the text was transformed again").isEqualTo(2);
    assertThat(orphanedVaultRows()).isZero();
    assertThat(tokens).containsExactly("<PERSON_1>", "<PERSON_2>");
    assertThat(vault.reveal(s, tokens.get(0))).contains("Frank Fox");
    assertThat(vault.reveal(s, tokens.get(1))).contains("Gina Gold");
  }

  /**
   * Requests mint values in conversations whose keys the purge is deleting at the same moment (two
   * instances on one database, several threads each): every request succeeds and every value stored
   * is under a key that still exists, so every token restores.
   */
  @Test
  void purgeRacingRequestsNeverLeavesAValueUnderADeletedKey() throws Exception {
    int conversations = 40;
    for (int i = 0; i < conversations; i++) { // keys that exist but seal nothing: purge candidates
      Scope s = new Scope("acme", "race-" + i);
      vault.tokenize(s, EntityType.PERSON, "Seed " + i, PERSON);
      vault.clear(s);
    }
    clock.advance(Duration.ofDays(2));
    assertThat(count("subject_keys")).isEqualTo(conversations);

    try (Database second = Database.open(config)) {
      SubjectKeys keys2 = new SubjectKeys(second, km);
      JdbcTokenVault vault2 = new JdbcTokenVault(second, keys2, policy.periodOf(DataClass.VAULT_ENTRIES),
          SubjectResolver.perConversation());
      AtomicBoolean minting = new AtomicBoolean(true);
      AtomicLong purged = new AtomicLong();
      Map<String, String> minted = new ConcurrentHashMap<>(); // conversation|token -> value
      ExecutorService pool = Executors.newFixedThreadPool(10);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> work = new ArrayList<>();
      for (int p = 0; p < 2; p++) {
        Database pdb = p == 0 ? db : second;
        work.add(pool.submit(() -> {
          start.await();
          RetentionPurger purger = new RetentionPurger(pdb, policy);
          while (minting.get()) {
            purged.addAndGet(purger.run().subjectKeysPurged());
          }
          return null;
        }));
      }
      List<Future<?>> minters = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        JdbcTokenVault v = t % 2 == 0 ? vault : vault2;
        int thread = t;
        minters.add(pool.submit(() -> {
          start.await();
          int rounds = 6;
          for (int round = 0; round < rounds; round++) {
            for (int i = thread; i < conversations; i += 8) {
              Scope s = new Scope("acme", "race-" + i);
              String value = "Value " + thread + "-" + round + "-" + i;
              String token = v.tokenize(s, EntityType.PERSON, value, PERSON);
              minted.put(s.conversation() + "|" + token, value);
            }
            if (round == rounds - 1) {
              break; // the last round's rows stay, to be checked
            }
            // let this thread's keys fall idle again (nothing sealed left) for the next round
            for (int i = thread; i < conversations; i += 8) {
              v.clear(new Scope("acme", "race-" + i));
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : minters) {
        f.get(); // a request failing because of the purge fails the test here
      }
      minting.set(false);
      for (Future<?> f : work) {
        f.get();
      }
      pool.shutdown();
      assertThat(purged.get()).as("the purge did delete keys meanwhile").isPositive();
      assertThat(orphanedVaultRows()).as("vault rows whose key is gone").isZero();
      // every value still stored restores through either instance
      try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
          ResultSet rs = c.createStatement().executeQuery("SELECT s.conversation, v.token FROM vault_entries v JOIN vault_scopes s ON s.id = v.scope_id")) {
        while (rs.next()) {
          Scope s = new Scope("acme", rs.getString(1));
          String value = minted.get(rs.getString(1) + "|" + rs.getString(2));
          assertThat(vault.reveal(s, rs.getString(2))).contains(value);
          assertThat(vault2.reveal(s, rs.getString(2))).contains(value);
        }
      }
    }
  }

  long count(String table) throws Exception {
    try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
        ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  long orphanedVaultRows() throws Exception {
    try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
        ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM vault_entries v"
            + " WHERE NOT EXISTS (SELECT 1 FROM subject_keys k WHERE k.subject_ref = v.subject_ref)")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
