package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.veil.core.EntityType;
import io.veil.core.Scope;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A token name once given to a value of a conversation is never given to another value of it, whatever removed
 * the first value's row (erasure, crypto-shredding, expiry, a clear): the client and the model may still hold the
 * old token, and it must then restore to nothing, never to the new value ({@link TokenMarks}).
 */
@ParameterizedClass
@EnumSource(TestDatabases.class)
class TokenNameReuseIT {
  @Parameter TestDatabases backend;
  @TempDir Path keyDir;

  static final Scope SCOPE = new Scope("acme", "conv-1");
  static final Function<Integer, String> PERSON = n -> "<PERSON_" + n + ">";
  static final Subject ANNA = new Subject("acme", "anna");
  static final Subject BOB = new Subject("acme", "bob");
  static final Subject CAROL = new Subject("acme", "carol");

  MutableClock clock;
  DatabaseConfig config;
  Database db;
  KeyManager keyManager;
  SubjectKeys keys;
  JdbcTokenVault vault;

  @BeforeEach
  void open() {
    clock = new MutableClock();
    config = backend.fresh(clock);
    db = Database.open(config);
    keyManager = KeyManager.openOrCreate(keyDir);
    keys = new SubjectKeys(db, keyManager);
    vault = new JdbcTokenVault(db, keys, Duration.ofHours(1), SubjectResolver.perConversation());
  }

  @AfterEach
  void close() {
    db.close();
  }

  /** What takes the last-minted value's row (and perhaps others) out of the vault. */
  enum Removal {
    DESTROY_KEY, ERASE_SUBJECT, CLEAR_SCOPE, EXPIRE_AND_PURGE
  }

  /** How the next new value is minted: alone, inside a request's batch, or deferred with the request's others. */
  enum MintPath {
    PLAIN, BATCHED, TOGETHER
  }

  String mint(MintPath path, Subject owner, String value) {
    return switch (path) {
      case PLAIN -> vault.tokenize(SCOPE, owner, EntityType.PERSON, value, PERSON);
      case BATCHED -> vault.batched(() -> vault.tokenize(SCOPE, owner, EntityType.PERSON, value, PERSON));
      case TOGETHER -> vault.tokenizeTogether(SCOPE,
          () -> vault.tokenize(SCOPE, owner, EntityType.PERSON, value, PERSON));
    };
  }

  void remove(Removal removal, Subject owner) {
    switch (removal) {
      case DESTROY_KEY -> assertThat(keys.destroy(owner)).isTrue();
      case ERASE_SUBJECT -> assertThat(new SubjectEraser(db, keys, keyManager).erase(owner).vaultEntriesDeleted())
          .isEqualTo(1);
      case CLEAR_SCOPE -> vault.clear(SCOPE);
      case EXPIRE_AND_PURGE -> {
        clock.advance(Duration.ofHours(2));
        assertThat(new RetentionPurger(db, RetentionPolicy.defaults(RegulationProfile.GDPR)).run()
            .deleted().get(DataClass.VAULT_ENTRIES)).isEqualTo(2);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Removal.class)
  void aRemovedValuesTokenIsNotGivenToTheNextValue(Removal removal) {
    Scope scope = SCOPE;
    for (MintPath path : MintPath.values()) {
      String anna = mint(path, ANNA, "Anna Archer " + path);
      String bob = mint(path, BOB, "Bob Baker " + path);
      assertThat(vault.reveal(scope, bob)).contains("Bob Baker " + path);
      remove(removal, BOB);
      String carol = mint(path, CAROL, "Carol Cruz " + path);
      assertThat(carol).as("%s then a %s mint", removal, path).isNotIn(anna, bob);
      assertThat(vault.reveal(scope, bob)).as("the removed value's token restores to nothing").isEmpty();
      assertThat(vault.entries(scope)).doesNotContainKey(bob).containsEntry(carol, "Carol Cruz " + path);
      vault.clear(scope); // the next path starts on an empty scope, above every mark so far
      clock.advance(Duration.ofMinutes(1));
    }
  }

  /** The next ordinal is the one above the highest ever minted, not above the rows that remain. */
  @Test
  void numberingGoesOnAboveTheHighestEverMinted() {
    vault.tokenize(SCOPE, ANNA, EntityType.PERSON, "Anna Archer", PERSON);
    vault.tokenize(SCOPE, BOB, EntityType.PERSON, "Bob Baker", PERSON);
    vault.tokenize(SCOPE, BOB, EntityType.EMAIL, "bob@example.com", n -> "<EMAIL_" + n + ">");
    keys.destroy(BOB);
    assertThat(vault.tokenize(SCOPE, CAROL, EntityType.PERSON, "Carol Cruz", PERSON)).isEqualTo("<PERSON_3>");
    assertThat(vault.tokenize(SCOPE, CAROL, EntityType.EMAIL, "carol@example.com", n -> "<EMAIL_" + n + ">"))
        .isEqualTo("<EMAIL_2>");
    // a value sent again after its erasure is a new value: a new token, never its old one
    assertThat(vault.tokenize(SCOPE, BOB, EntityType.PERSON, "Bob Baker", PERSON)).isEqualTo("<PERSON_4>");
    // other scopes number on their own
    assertThat(vault.tokenize(new Scope("acme", "conv-2"), BOB, EntityType.PERSON, "Bob Baker", PERSON))
        .isEqualTo("<PERSON_1>");
  }

  /**
   * Writers of one scope (two instances on PostgreSQL, one process's threads on H2) mint new values while others'
   * values are erased: no token name is ever handed out for two different values.
   */
  @Test
  void concurrentMintsAndErasuresNeverReuseAName() throws Exception {
    Database second = backend == TestDatabases.POSTGRES ? Database.open(config) : db;
    try {
      SubjectKeys secondKeys = second == db ? keys : new SubjectKeys(second, keyManager);
      JdbcTokenVault other = second == db ? vault
          : new JdbcTokenVault(second, secondKeys, Duration.ofHours(1), SubjectResolver.perConversation());
      Map<String, String> valueOfToken = new ConcurrentHashMap<>();
      List<String> reused = java.util.Collections.synchronizedList(new ArrayList<>());
      int threads = 6;
      int perThread = 25;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int id = t;
          JdbcTokenVault v = id % 2 == 0 ? vault : other;
          SubjectKeys k = id % 2 == 0 ? keys : secondKeys;
          done.add(pool.submit(() -> {
            for (int i = 0; i < perThread; i++) {
              Subject owner = new Subject("acme", "s-" + id + "-" + i);
              String value = "Person " + id + "-" + i;
              String token = i % 3 == 0
                  ? v.tokenizeTogether(SCOPE, () -> v.tokenize(SCOPE, owner, EntityType.PERSON, value, PERSON))
                  : v.tokenize(SCOPE, owner, EntityType.PERSON, value, PERSON);
              String before = valueOfToken.putIfAbsent(token, value);
              if (before != null && !before.equals(value)) {
                reused.add(token);
              }
              if (i % 2 == 1) {
                k.destroy(owner); // often the scope's newest value: its ordinal is the count's next one
              }
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(reused).as("token names given to two values").isEmpty();
      assertThat(valueOfToken).hasSize(threads * perThread);
      Map<String, String> live = vault.entries(SCOPE);
      live.forEach((token, value) -> assertThat(valueOfToken).containsEntry(token, value));
      assertThat(live).hasSize(threads * (perThread - perThread / 2));
    } finally {
      if (second != db) {
        second.close();
      }
    }
  }

  /**
   * One process's writers of a scope never lose an insert to each other: they take turns from count to commit, so
   * each stores its value in one unit. Before (vault16), all counted the same next ordinal, all but one lost and
   * counted again, and a writer could lose 32 times in a row (the flaky failure of the test above).
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void oneProcesssWritersOfAScopeNeverLoseAnInsertToEachOther(boolean inBatches) throws Exception {
    // inBatches: each writer mints inside a batch, as the gateway mints a request's values; a writer that waited for
    // its turn counted from its batch's count, which the writer before it had just made stale, and lost its insert
    // to that writer's commit (review15)
    vault.tokenize(SCOPE, ANNA, EntityType.PERSON, "Anna Archer", PERSON); // the subject's key exists
    long unitsBefore = vault.insertsCommitted();
    int threads = 8;
    int perThread = 20;
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<List<String>>> done = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int id = t;
        done.add(pool.submit(() -> {
          start.await();
          List<String> tokens = new ArrayList<>();
          Runnable mint = () -> {
            for (int i = 0; i < perThread; i++) {
              tokens.add(vault.tokenize(SCOPE, ANNA, EntityType.PERSON, "Person " + id + "-" + i, PERSON));
            }
          };
          if (inBatches) {
            vault.batched(() -> {
              mint.run();
              return null;
            });
          } else {
            mint.run();
          }
          return tokens;
        }));
      }
      start.countDown();
      java.util.Set<String> tokens = new java.util.HashSet<>();
      for (Future<List<String>> f : done) {
        tokens.addAll(f.get());
      }
      assertThat(tokens).hasSize(threads * perThread);
    } finally {
      pool.shutdownNow();
    }
    assertThat(vault.insertsCommitted() - unitsBefore).as("insert units, one per value: none lost")
        .isEqualTo(threads * perThread);
    assertThat(vault.entries(SCOPE)).hasSize(threads * perThread + 1);
  }

  /**
   * Another instance mints in the scope each time this writer has counted and sealed, so its every count sees the
   * other's last commit but not the insert that follows: counting alone minted that ordinal again on every attempt
   * and failed after 32 ("could not mint a unique token"). A writer beaten twice in a row leaps ahead and stores
   * its value; no name is given twice.
   */
  @Test
  void aWriterThatAnotherInstanceAlwaysOutpacesStillMints() {
    Database second = backend == TestDatabases.POSTGRES ? Database.open(config) : db;
    try {
      JdbcTokenVault other = new JdbcTokenVault(second, second == db ? keys : new SubjectKeys(second, keyManager),
          Duration.ofHours(1), SubjectResolver.perConversation());
      assertThat(vault.tokenize(SCOPE, ANNA, EntityType.PERSON, "Anna Archer", PERSON)).isEqualTo("<PERSON_1>");
      List<String> theirs = new ArrayList<>();
      vault.afterSeal = () -> { // between this writer's count and its insert, the other instance commits a mint
        if (theirs.size() < 40) {
          theirs.add(other.tokenize(SCOPE, BOB, EntityType.PERSON, "Rival " + theirs.size(), PERSON));
        }
      };
      String mine = vault.tokenize(SCOPE, CAROL, EntityType.PERSON, "Carol Cruz", PERSON);
      vault.afterSeal = null;
      assertThat(theirs).as("the other instance's mints while this one tried").hasSizeLessThan(8)
          .doesNotHaveDuplicates().doesNotContain(mine, "<PERSON_1>");
      Map<String, String> live = vault.entries(SCOPE);
      assertThat(live).containsEntry(mine, "Carol Cruz").containsEntry("<PERSON_1>", "Anna Archer")
          .hasSize(theirs.size() + 2);
    } finally {
      if (second != db) {
        second.close();
      }
    }
  }

  /** A mark outlives its scope's entries by one vault retention period, then the purge deletes it. */
  @Test
  void marksArePurgedOnePeriodAfterTheirNewestEntryExpired() throws Exception {
    RetentionPolicy policy = RetentionPolicy.defaults(RegulationProfile.GDPR).with(DataClass.VAULT_ENTRIES,
        Duration.ofDays(1));
    vault.tokenize(SCOPE, ANNA, EntityType.PERSON, "Anna Archer", PERSON);
    clock.advance(Duration.ofHours(2)); // the entry expired
    new RetentionPurger(db, policy).run();
    assertThat(marks()).isEqualTo(1);
    assertThat(vault.tokenize(SCOPE, BOB, EntityType.PERSON, "Bob Baker", PERSON)).isEqualTo("<PERSON_2>");
    clock.advance(Duration.ofHours(1).plusDays(1)); // Bob's entry expired a period ago
    new RetentionPurger(db, policy).run();
    assertThat(marks()).isZero();
    assertThat(vault.tokenize(SCOPE, CAROL, EntityType.PERSON, "Carol Cruz", PERSON)).isEqualTo("<PERSON_1>");
  }

  private long marks() throws Exception {
    try (Connection c = java.sql.DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
         PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM vault_token_marks");
         ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * PostgreSQL: two writers of one scope can deadlock, each inserting a row and then locking the scope's marks
   * row ({@link TokenMarks}) while the other waits on the row it inserted. The victim's transaction is rolled back
   * whole, so the vault mints again instead of failing the request (seen as a rare failure of
   * {@link #concurrentMintsAndErasuresNeverReuseAName}, two instances' group commits). Here the other writer is a
   * plain connection that holds the marks row and then inserts the token the vault is inserting; its own deadlock
   * check is put off, so the vault's backend finds the cycle and is the victim.
   */
  @Test
  void aMintThatIsADeadlockVictimMintsAgain() throws Exception {
    assumeTrue(backend == TestDatabases.POSTGRES, "row-lock deadlocks are PostgreSQL's");
    assertThat(mint(MintPath.PLAIN, ANNA, "Anna Arendt")).isEqualTo("<PERSON_1>");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    String bob;
    try (Connection other = raw(); Connection watch = raw()) {
      other.setAutoCommit(false);
      try (var st = other.createStatement()) {
        st.execute("SET deadlock_timeout = '60s'");
        st.executeUpdate("UPDATE vault_token_marks SET high_water = high_water"
            + " WHERE scope_id = (SELECT id FROM vault_scopes WHERE tenant = 'acme' AND conversation = 'conv-1')"
            + " AND entity_type = 'PERSON'");
      }
      Future<String> minted = pool.submit(() -> mint(MintPath.PLAIN, BOB, "Bob Brown"));
      for (int i = 0; i < 200 && waitingOnLocks(watch) == 0; i++) {
        Thread.sleep(50); // until the vault has inserted its row and waits for the marks row
      }
      assertThat(waitingOnLocks(watch)).as("the vault waits for the marks row").isEqualTo(1);
      try (PreparedStatement ps = other.prepareStatement("INSERT INTO vault_entries (scope_id,"
          + " entity_type, token, lookup_hash, subject_ref, ciphertext, created_at, expires_at)"
          + " VALUES ((SELECT id FROM vault_scopes WHERE tenant = 'acme' AND conversation = 'conv-1'),"
          + " 'PERSON', '<PERSON_2>', 'other-lookup', 'other-ref', ?, 0, 0)")) {
        ps.setBytes(1, new byte[] {1});
        ps.executeUpdate(); // waits for the vault's row: a cycle, which the vault's backend detects after 1 s
      }
      other.rollback();
      // <PERSON_2> or a later name: the other writer held <PERSON_2> when the vault looked again
      bob = minted.get(30, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    assertThat(bob).matches("<PERSON_[23]>");
    assertThat(vault.entries(SCOPE)).containsOnly(Map.entry("<PERSON_1>", "Anna Arendt"), Map.entry(bob, "Bob Brown"));
  }

  private Connection raw() throws SQLException {
    return java.sql.DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
  }

  private static int waitingOnLocks(Connection c) throws SQLException {
    try (var st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
