package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.core.EntityType;
import io.veil.core.Scope;
import io.veil.core.VaultException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
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
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(TestDatabases.class)
class JdbcTokenVaultIT {
  @Parameter TestDatabases backend;
  @TempDir Path keyDir;

  static final Scope SCOPE = new Scope("acme", "conv-1");
  static final Function<Integer, String> PERSON = n -> "<PERSON_" + n + ">";

  MutableClock clock;
  DatabaseConfig config;
  Database db;
  KeyManager keys;
  SubjectKeys subjectKeys;
  JdbcTokenVault vault;

  @BeforeEach
  void open() {
    clock = new MutableClock();
    config = backend.fresh(clock);
    db = Database.open(config);
    keys = KeyManager.openOrCreate(keyDir);
    subjectKeys = new SubjectKeys(db, keys);
    vault = new JdbcTokenVault(db, subjectKeys, Duration.ofHours(1), SubjectResolver.perConversation());
  }

  @AfterEach
  void close() {
    db.close();
  }

  /**
   * review12: the batch was one static per thread, read through the vault that opened it: a second vault on the
   * same thread inside the first one's batch answered from the first one's database and stored nothing in its own.
   */
  @Test
  void aSecondVaultOnTheSameThreadInsideABatchUsesItsOwnDatabase(@TempDir Path otherKeys) {
    DatabaseConfig otherConfig = backend.fresh(clock);
    try (Database other = Database.open(otherConfig)) {
      JdbcTokenVault second = new JdbcTokenVault(other, new SubjectKeys(other, KeyManager.openOrCreate(otherKeys)),
          Duration.ofHours(1), SubjectResolver.perConversation());
      vault.tokenize(SCOPE, EntityType.PERSON, "Anna", PERSON);
      String[] tokens = vault.batched(() -> new String[] {
          vault.tokenize(SCOPE, EntityType.PERSON, "Bert", PERSON), // the batch reads this vault's scope
          second.tokenize(SCOPE, EntityType.PERSON, "Anna", PERSON),
          second.tokenize(SCOPE, EntityType.PERSON, "Carl", PERSON)});
      assertThat(tokens).containsExactly("<PERSON_2>", "<PERSON_1>", "<PERSON_2>");
      assertThat(second.entries(SCOPE)).containsOnly(java.util.Map.entry("<PERSON_1>", "Anna"),
          java.util.Map.entry("<PERSON_2>", "Carl"));
      assertThat(vault.entries(SCOPE)).containsOnly(java.util.Map.entry("<PERSON_1>", "Anna"),
          java.util.Map.entry("<PERSON_2>", "Bert"));
    }
  }

  @Test
  void sameValueSameTokenAndRoundTrip() {
    String t1 = vault.tokenize(SCOPE, EntityType.PERSON, "Anna Schmidt", PERSON);
    String t2 = vault.tokenize(SCOPE, EntityType.PERSON, "Bob Jones", PERSON);
    assertThat(vault.tokenize(SCOPE, EntityType.PERSON, "Anna Schmidt", PERSON)).isEqualTo(t1);
    assertThat(t1).isEqualTo("<PERSON_1>");
    assertThat(t2).isEqualTo("<PERSON_2>");
    assertThat(vault.reveal(SCOPE, t1)).contains("Anna Schmidt");
    assertThat(vault.entries(SCOPE)).containsEntry(t1, "Anna Schmidt").containsEntry(t2, "Bob Jones").hasSize(2);
    assertThat(vault.reveal(new Scope("acme", "conv-2"), t1)).isEmpty();
    assertThat(vault.reveal(new Scope("other", "conv-1"), t1)).isEmpty();
  }

  /**
   * A batch counts each type once and then counts its own mints instead of querying per value: the tokens
   * must be those the query per value gives (repeated values, three types, a minter that skips ordinals,
   * values already in the scope before the batch, a second batch on top).
   */
  @Test
  void batchedMintsEqualUnbatchedOnes() {
    List<EntityType> types = List.of(EntityType.PERSON, EntityType.EMAIL, EntityType.of("MY_OWN_TYPE"));
    java.util.Random r = new java.util.Random(7);
    List<String[]> requests = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      requests.add(new String[] {types.get(r.nextInt(3)).name(), "value " + r.nextInt(120)});
    }
    // skips ordinals divisible by 5, as a placeholder minter skips ordinals the text already holds
    Function<EntityType, Function<Integer, String>> minter =
        type -> n -> "<" + type.name() + "_" + (n % 5 == 0 ? n + 1 : n) + ">";
    Scope plain = new Scope("acme", "plain");
    Scope batched = new Scope("acme", "batched");
    List<String> expected = new ArrayList<>();
    List<String> actual = new ArrayList<>();
    for (int part = 0; part < 3; part++) {
      List<String[]> slice = requests.subList(part * 100, part * 100 + 100);
      for (String[] q : slice) {
        EntityType type = EntityType.of(q[0]);
        expected.add(vault.tokenize(plain, type, q[1], minter.apply(type)));
      }
      if (part == 0) { // values already in the scope before any batch
        for (String[] q : slice) {
          EntityType type = EntityType.of(q[0]);
          actual.add(vault.tokenize(batched, type, q[1], minter.apply(type)));
        }
        continue;
      }
      vault.batched(() -> {
        for (String[] q : slice) {
          EntityType type = EntityType.of(q[0]);
          actual.add(vault.tokenize(batched, type, q[1], minter.apply(type)));
        }
        return null;
      });
    }
    assertThat(actual).isEqualTo(expected);
    assertThat(vault.entries(batched)).isEqualTo(vault.entries(plain));
  }

  @Test
  void anyTokenInABatchFollowsItsMintsAndClears() {
    java.util.function.Predicate<String> notPlaceholder = t -> !t.startsWith("<");
    vault.tokenize(SCOPE, EntityType.PERSON, "Anna Schmidt", PERSON);
    assertThat(vault.anyToken(SCOPE, notPlaceholder)).isFalse();
    vault.batched(() -> {
      assertThat(vault.anyToken(SCOPE, notPlaceholder)).isFalse();
      vault.tokenize(SCOPE, EntityType.PERSON, "Bob Jones", n -> "Maria Lopez");
      assertThat(vault.anyToken(SCOPE, notPlaceholder)).isTrue();
      vault.clear(SCOPE);
      assertThat(vault.anyToken(SCOPE, notPlaceholder)).isFalse();
      return null;
    });
    vault.tokenize(SCOPE, EntityType.PERSON, "Bob Jones", n -> "Maria Lopez");
    assertThat(vault.anyToken(SCOPE, notPlaceholder)).isTrue();
  }

  /** A token index that records what it was fed, in order. */
  static final class Recorded implements io.veil.core.TokenIndex {
    final List<String> tokens = new ArrayList<>();

    @Override
    public void add(String token) {
      tokens.add(token);
    }
  }

  @Test
  void tokenIndexInABatchFollowsItsMintsAndClears() {
    java.util.function.Supplier<Recorded> recorded = Recorded::new;
    vault.tokenize(SCOPE, EntityType.PERSON, "Anna Schmidt", PERSON);
    assertThat(vault.<Recorded, List<String>>withTokenIndex(SCOPE, recorded, r -> List.copyOf(r.tokens)))
        .containsExactly("<PERSON_1>");
    vault.batched(() -> {
      Recorded first = vault.withTokenIndex(SCOPE, recorded, r -> r);
      assertThat(first.tokens).containsExactly("<PERSON_1>");
      vault.tokenize(SCOPE, EntityType.PERSON, "Bob Jones", n -> "Maria Lopez");
      vault.tokenize(SCOPE, EntityType.PERSON, "Bob Jones", n -> "never minted");
      // the same index, fed the mint once
      assertThat(vault.<Recorded, Recorded>withTokenIndex(SCOPE, recorded, r -> r)).isSameAs(first);
      assertThat(first.tokens).containsExactly("<PERSON_1>", "Maria Lopez");
      vault.clear(SCOPE);
      assertThat(vault.<Recorded, List<String>>withTokenIndex(SCOPE, recorded, r -> r.tokens)).isEmpty();
      return null;
    });
    vault.tokenize(SCOPE, EntityType.PERSON, "Bob Jones", n -> "Maria Lopez");
    assertThat(vault.<Recorded, List<String>>withTokenIndex(SCOPE, recorded, r -> r.tokens))
        .containsExactly("Maria Lopez");
  }

  @Test
  void noPlaintextInTheDatabase() throws Exception {
    vault.tokenize(SCOPE, EntityType.EMAIL, "anna.secret@example.org", n -> "<EMAIL_" + n + ">");
    try (Connection c = java.sql.DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
        PreparedStatement ps = c.prepareStatement("SELECT * FROM vault_entries");
        ResultSet rs = ps.executeQuery()) {
      assertThat(rs.next()).isTrue();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        Object v = rs.getObject(i);
        String s = v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.ISO_8859_1) : String.valueOf(v);
        assertThat(s).doesNotContain("anna.secret");
      }
    }
  }

  /**
   * Rows left behind by a destroy of an earlier release (the key row deleted, the rows it sealed kept) are erased
   * values: once the subject's next value has made a new key under the same reference, the conversation still
   * reads (before: the new key failed to authenticate the old rows, and every read of the conversation failed
   * closed), the old token restores to nothing, and the old value sent again gets a new token that restores.
   */
  @Test
  void rowsOrphanedByAnEarlierDestroyAreTreatedAsErased() throws Exception {
    Subject bob = new Subject("acme", "bob");
    String anna = vault.tokenize(SCOPE, EntityType.PERSON, "Anna", PERSON);
    String old = vault.tokenize(SCOPE, bob, EntityType.PERSON, "Bob Baker", PERSON);
    try (Connection c = java.sql.DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
        PreparedStatement ps = c.prepareStatement("DELETE FROM subject_keys WHERE subject_ref = ?")) {
      ps.setString(1, subjectKeys.pseudonymOf(bob).hex()); // what destroy deleted before: the key row alone
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
    assertThat(vault.reveal(SCOPE, old)).isEmpty();
    // the subject's next value: a new key under the same reference
    String mail = vault.tokenize(SCOPE, bob, EntityType.EMAIL, "bob@example.com", n -> "<EMAIL_" + n + ">");
    assertThat(vault.reveal(SCOPE, old)).as("sealed under the destroyed key").isEmpty();
    assertThat(vault.batched(() -> vault.entries(SCOPE)))
        .containsEntry(anna, "Anna").containsEntry(mail, "bob@example.com").doesNotContainKey(old);
    String again = vault.batched(() -> vault.tokenize(SCOPE, bob, EntityType.PERSON, "Bob Baker", PERSON));
    assertThat(again).as("a new token, not the one whose value is gone").isNotEqualTo(old);
    assertThat(vault.reveal(SCOPE, again)).contains("Bob Baker");
    assertThat(vault.entries(SCOPE)).containsOnlyKeys(anna, mail, again);
  }

  /**
   * A key id (Tink prefix) altered in a row written after its subject's current key was made: no destroy explains
   * it, so it is an integrity failure (refused, counted, the row kept), not an erased row. qa7 treated every row
   * naming another key as erased: the value silently vanished, and the next read deleted the evidence.
   */
  @Test
  void aKeyIdAlteredAfterTheKeyWasMadeIsAnIntegrityFailure() throws Exception {
    Subject bob = new Subject("acme", "bob");
    String name = vault.tokenize(SCOPE, bob, EntityType.PERSON, "Bob Baker", PERSON);
    clock.advance(Duration.ofSeconds(1));
    String mail = vault.tokenize(SCOPE, bob, EntityType.EMAIL, "bob@example.com", n -> "<EMAIL_" + n + ">");
    byte[] ct = ciphertext(mail);
    ct[1] ^= 0x5a; // the key id after Tink's version byte
    setCiphertext(mail, ct);
    long before = vault.integrityFailures();
    assertThatThrownBy(() -> vault.reveal(SCOPE, mail)).isInstanceOf(VaultException.class)
        .hasMessageNotContaining("bob@").hasMessageNotContaining("Bob");
    assertThatThrownBy(() -> vault.entries(SCOPE)).isInstanceOf(VaultException.class)
        .hasMessageNotContaining("bob@").hasMessageNotContaining("Bob");
    assertThat(vault.integrityFailures()).isEqualTo(before + 2);
    assertThat(vault.reveal(SCOPE, name)).as("the subject's other rows are unaffected").contains("Bob Baker");
    try (Connection c = java.sql.DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
        PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM vault_entries WHERE token = ?")) {
      ps.setString(1, mail);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getLong(1)).as("the altered row is kept as evidence").isEqualTo(1);
      }
    }
  }

  private byte[] ciphertext(String token) throws SQLException {
    try (Connection c = java.sql.DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
        PreparedStatement ps = c.prepareStatement("SELECT ciphertext FROM vault_entries WHERE token = ?")) {
      ps.setString(1, token);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getBytes(1);
      }
    }
  }

  private void setCiphertext(String token, byte[] ciphertext) throws SQLException {
    try (Connection c = java.sql.DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
        PreparedStatement ps = c.prepareStatement("UPDATE vault_entries SET ciphertext = ? WHERE token = ?")) {
      ps.setBytes(1, ciphertext);
      ps.setString(2, token);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  /** A ciphertext that fails authentication counts as an integrity failure too. */
  @Test
  void aFailedAuthenticationIsCounted() throws Exception {
    String a = vault.tokenize(SCOPE, EntityType.PERSON, "Anna", PERSON);
    try (Connection c = java.sql.DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
        PreparedStatement ps = c.prepareStatement("UPDATE vault_entries SET token = ? WHERE token = ?")) {
      ps.setString(1, "<PERSON_9>"); // the ciphertext's associated data names the old token
      ps.setString(2, a);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
    assertThatThrownBy(() -> vault.reveal(SCOPE, "<PERSON_9>")).isInstanceOf(VaultException.class);
    assertThat(vault.integrityFailures()).isEqualTo(1);
  }

  @Test
  void ciphertextSwappedBetweenRowsIsRejected() throws Exception {
    String a = vault.tokenize(SCOPE, EntityType.PERSON, "Anna", PERSON);
    String b = vault.tokenize(SCOPE, EntityType.PERSON, "Bob", PERSON);
    setCiphertext(b, ciphertext(a));
    assertThatThrownBy(() -> vault.reveal(SCOPE, b)).isInstanceOf(VaultException.class)
        .hasMessageNotContaining("Anna").hasMessageNotContaining("Bob");
    assertThat(vault.reveal(SCOPE, a)).contains("Anna");
  }

  /**
   * A value minted in a unit that expires before the unit ends makes the unit run again, storing at once. The signal
   * the work sees is a {@link VaultException}, so a caller that turns failures into refusals (the gateway's
   * PiiInterceptor) treats it as a vault answer, not as an unexpected error logged at ERROR for a benign rerun
   * (review12: it was a bare RuntimeException).
   */
  @Test
  void aMintThatExpiresInsideItsUnitRerunsWithAVaultSignal() {
    List<RuntimeException> seen = new ArrayList<>();
    int[] attempts = {0};
    String token = vault.tokenizeTogether(SCOPE, () -> {
      vault.tokenize(SCOPE, EntityType.PERSON, "Anna", PERSON);
      if (attempts[0]++ == 0) {
        clock.advance(Duration.ofMinutes(61));
      }
      try {
        return vault.tokenize(SCOPE, EntityType.PERSON, "Anna", PERSON);
      } catch (RuntimeException e) {
        seen.add(e);
        throw e;
      }
    });
    assertThat(attempts[0]).isEqualTo(2);
    assertThat(seen).singleElement().isInstanceOf(VaultException.class);
    assertThat(vault.reveal(SCOPE, token)).contains("Anna");
  }

  @Test
  void entriesExpireOnReadAndAreReminted() {
    String t = vault.tokenize(SCOPE, EntityType.PERSON, "Anna", PERSON);
    clock.advance(Duration.ofMinutes(61));
    assertThat(vault.reveal(SCOPE, t)).isEmpty();
    assertThat(vault.entries(SCOPE)).isEmpty();
    String again = vault.tokenize(SCOPE, EntityType.PERSON, "Anna", PERSON);
    assertThat(vault.reveal(SCOPE, again)).contains("Anna");
  }

  @Test
  void destroyingTheSubjectKeyShredsItsValues() {
    Subject alice = new Subject("acme", "alice@example.org");
    String t = vault.tokenize(SCOPE, alice, EntityType.PERSON, "Alice A.", PERSON);
    String other = vault.tokenize(SCOPE, EntityType.PERSON, "Carol", PERSON);
    assertThat(subjectKeys.destroy(alice)).isTrue();
    assertThat(vault.reveal(SCOPE, t)).isEmpty();
    assertThat(vault.reveal(SCOPE, other)).contains("Carol");
    assertThat(vault.entries(SCOPE)).containsOnlyKeys(other);
  }

  /**
   * Crypto-shredding alone ({@link SubjectKeys#destroy}, no erasure): the subject's old tokens never restore
   * again, and the conversation goes on. Before, the shredded rows stayed under the subject's reference, the
   * next value created a new key for that reference, and every later read of the scope tried the old rows with
   * the new key: authentication failed and each request of the conversation was refused from then on.
   */
  @Test
  void aConversationWorksAgainAfterItsSubjectKeyAloneWasDestroyed() {
    Subject alice = new Subject("acme", "alice@example.org");
    String old = vault.tokenize(SCOPE, alice, EntityType.PERSON, "Alice A.", PERSON);
    String carol = vault.tokenize(SCOPE, EntityType.PERSON, "Carol", PERSON);
    assertThat(subjectKeys.destroy(alice)).isTrue();
    assertThat(vault.reveal(SCOPE, old)).isEmpty();

    // a new value of the same subject: a new key under the same reference
    String email = vault.tokenize(SCOPE, alice, EntityType.EMAIL, "alice@example.org", n -> "<EMAIL_" + n + ">");
    assertThat(vault.entries(SCOPE)).as("the scope reads again").containsEntry(email, "alice@example.org")
        .containsEntry(carol, "Carol").doesNotContainValue("Alice A.");
    // the shredded value sent again is a new value: it gets a token that restores
    String again = vault.tokenize(SCOPE, alice, EntityType.PERSON, "Alice A.", PERSON);
    assertThat(vault.reveal(SCOPE, again)).contains("Alice A.");
    assertThat(again).isNotEqualTo(carol);
    assertThat(vault.batched(() -> vault.entries(SCOPE))).containsEntry(again, "Alice A.")
        .containsEntry(email, "alice@example.org").containsEntry(carol, "Carol");
    // and inside a request's batch too (the batch reads the scope's lookups once)
    assertThat(subjectKeys.destroy(alice)).isTrue();
    String third = vault.batched(() -> vault.tokenizeTogether(SCOPE,
        () -> vault.tokenize(SCOPE, alice, EntityType.PERSON, "Alice A.", PERSON)));
    assertThat(vault.entries(SCOPE)).containsEntry(third, "Alice A.").containsEntry(carol, "Carol")
        .doesNotContainValue("alice@example.org");
  }

  @Test
  void anErasedSubjectsCachedKeyIsUnusableAtOnceAlsoOnASecondInstance() {
    Subject alice = new Subject("acme", "alice@example.org");
    Database db2 = Database.open(config);
    try {
      SubjectKeys keys2 = new SubjectKeys(db2, KeyManager.openOrCreate(keyDir));
      JdbcTokenVault vault2 = new JdbcTokenVault(db2, keys2, Duration.ofHours(1), SubjectResolver.perConversation());
      String t = vault.tokenize(SCOPE, alice, EntityType.PERSON, "Alice A.", PERSON);
      String other = vault.tokenize(SCOPE, EntityType.PERSON, "Carol", PERSON);
      // both instances now hold alice's unwrapped data key in their caches
      assertThat(vault.reveal(SCOPE, t)).contains("Alice A.");
      assertThat(vault2.reveal(SCOPE, t)).contains("Alice A.");
      assertThat(vault2.entries(SCOPE)).containsKeys(t, other);

      // instance 1 destroys the key (crypto-shredding; the ciphertext rows stay): bound zero, on both
      assertThat(subjectKeys.destroy(alice)).isTrue();
      assertThat(vault2.reveal(SCOPE, t)).as("second instance, right after").isEmpty();
      assertThat(vault2.entries(SCOPE)).containsOnlyKeys(other);
      assertThat(vault.reveal(SCOPE, t)).isEmpty();
      assertThat(keys2.dataKey(new Pseudonym(subjectKeys.pseudonymOf(alice).hex()))).isEmpty();

      // a full erasure through the second instance is seen by the first at once, too
      Subject bob = new Subject("acme", "bob");
      String tb = vault.tokenize(SCOPE, bob, EntityType.PERSON, "Bob B.", PERSON);
      assertThat(vault.reveal(SCOPE, tb)).contains("Bob B.");
      new SubjectEraser(db2, keys2, KeyManager.openOrCreate(keyDir)).erase(bob);
      assertThat(vault.reveal(SCOPE, tb)).isEmpty();
      assertThat(subjectKeys.dataKey(subjectKeys.pseudonymOf(bob))).isEmpty();
    } finally {
      db2.close();
    }
  }

  @Test
  void aKeyRewrappedByAnotherInstanceIsUnwrappedAfreshNotServedStale() {
    String t = vault.tokenize(SCOPE, EntityType.PERSON, "Anna", PERSON);
    assertThat(vault.reveal(SCOPE, t)).contains("Anna"); // cached here
    Database db2 = Database.open(config);
    try {
      new SubjectKeys(db2, KeyManager.openOrCreate(keyDir)).rotateMaster(); // new wrapped bytes in the row
      assertThat(vault.reveal(SCOPE, t)).contains("Anna");
      assertThat(vault.entries(SCOPE)).containsEntry(t, "Anna");
    } finally {
      db2.close();
    }
  }

  @Test
  void batchedTokenizeAgreesWithTheDatabaseAndWithAnotherInstance() {
    String anna = vault.tokenize(SCOPE, EntityType.PERSON, "Anna", PERSON);
    Database db2 = Database.open(config);
    try {
      JdbcTokenVault vault2 = new JdbcTokenVault(db2, new SubjectKeys(db2, KeyManager.openOrCreate(keyDir)),
          Duration.ofHours(1), SubjectResolver.perConversation());
      List<String> tokens = vault.batched(() -> {
        List<String> out = new ArrayList<>();
        out.add(vault.tokenize(SCOPE, EntityType.PERSON, "Anna", PERSON)); // from the scope read
        out.add(vault.tokenize(SCOPE, EntityType.PERSON, "Carl", PERSON)); // minted here
        assertThat(vault.entries(SCOPE)).containsEntry(out.get(1), "Carl");
        out.add(vault2.tokenize(SCOPE, EntityType.PERSON, "Bert", PERSON)); // another instance, meanwhile
        out.add(vault.tokenize(SCOPE, EntityType.PERSON, "Bert", PERSON)); // not in the read: looked up
        out.add(vault.tokenize(SCOPE, EntityType.PERSON, "Carl", PERSON));
        out.add(vault.tokenize(new Scope("acme", "conv-2"), EntityType.PERSON, "Anna", PERSON));
        return out;
      });
      assertThat(tokens.get(0)).isEqualTo(anna);
      assertThat(tokens.get(3)).isEqualTo(tokens.get(2));
      assertThat(tokens.get(4)).isEqualTo(tokens.get(1));
      assertThat(Set.of(tokens.get(0), tokens.get(1), tokens.get(2))).hasSize(3);
      assertThat(tokens.get(5)).as("scopes stay apart").isEqualTo("<PERSON_1>");
      assertThat(vault2.entries(SCOPE)).containsEntry(tokens.get(1), "Carl").containsEntry(tokens.get(2), "Bert");
      // an entry that expired is not served from the read
      clock.advance(Duration.ofHours(2));
      String again = vault.batched(() -> vault.tokenize(SCOPE, EntityType.PERSON, "Anna", PERSON));
      assertThat(vault.reveal(SCOPE, again)).contains("Anna");
      assertThat(vault.entries(SCOPE)).containsOnlyKeys(again);
    } finally {
      db2.close();
    }
  }

  @Test
  void aBatchThatReadsEntriesFirstTakesItsLookupsFromThatReadAndStillSeesOtherInstances() {
    String anna = vault.tokenize(SCOPE, EntityType.PERSON, "Anna", PERSON);
    Subject carol = new Subject("acme", "carol");
    String shredded = vault.tokenize(SCOPE, carol, EntityType.PERSON, "Carol", PERSON);
    subjectKeys.destroy(carol); // its row goes with its key: the value sent again is a new value
    Database db2 = Database.open(config);
    try {
      JdbcTokenVault vault2 = new JdbcTokenVault(db2, new SubjectKeys(db2, KeyManager.openOrCreate(keyDir)),
          Duration.ofHours(1), SubjectResolver.perConversation());
      List<String> tokens = vault.batched(() -> {
        assertThat(vault.entries(SCOPE)).containsOnlyKeys(anna); // the read that also gives the lookups
        List<String> out = new ArrayList<>();
        out.add(vault.tokenize(SCOPE, EntityType.PERSON, "Anna", PERSON));
        out.add(vault.tokenize(SCOPE, carol, EntityType.PERSON, "Carol", PERSON));
        out.add(vault2.tokenize(SCOPE, EntityType.PERSON, "Bert", PERSON)); // another instance, after the read
        out.add(vault.tokenize(SCOPE, EntityType.PERSON, "Bert", PERSON));
        return out;
      });
      assertThat(tokens.get(0)).isEqualTo(anna);
      assertThat(tokens.get(1)).as("a new token, above every token the scope ever had (TokenMarks)")
          .isNotEqualTo(shredded).isEqualTo("<PERSON_3>");
      assertThat(tokens.get(3)).isEqualTo(tokens.get(2));
    } finally {
      db2.close();
    }
  }

  @Test
  void masterRotationKeepsOldDataReadable() {
    String t = vault.tokenize(SCOPE, EntityType.PERSON, "Anna", PERSON);
    int rewrapped = subjectKeys.rotateMaster();
    assertThat(rewrapped).isGreaterThanOrEqualTo(1);
    assertThat(keys.masterKeyCount()).isEqualTo(2);
    assertThat(vault.reveal(SCOPE, t)).contains("Anna");
    // a second process loading the rotated key directory reads it too
    KeyManager reloaded = KeyManager.openOrCreate(keyDir);
    JdbcTokenVault other = new JdbcTokenVault(db, new SubjectKeys(db, reloaded), Duration.ofHours(1),
        SubjectResolver.perConversation());
    assertThat(other.reveal(SCOPE, t)).contains("Anna");
  }

  @Test
  void anotherInstancePicksUpARotationByItself() {
    String t = vault.tokenize(SCOPE, EntityType.PERSON, "Anna", PERSON);
    // instance B loaded the keys before A rotated and re-wrapped everything
    JdbcTokenVault b = new JdbcTokenVault(db, new SubjectKeys(db, KeyManager.openOrCreate(keyDir)),
        Duration.ofHours(1), SubjectResolver.perConversation());
    b.tokenize(SCOPE, EntityType.PERSON, "warm-up", PERSON);
    subjectKeys.rotateMaster();
    assertThat(b.reveal(SCOPE, t)).contains("Anna");
  }

  @Test
  void clearForgetsTheScope() {
    String t = vault.tokenize(SCOPE, EntityType.PERSON, "Anna", PERSON);
    vault.clear(SCOPE);
    assertThat(vault.reveal(SCOPE, t)).isEmpty();
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> vault.tokenize(SCOPE, EntityType.PERSON, "", PERSON))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> vault.tokenize(SCOPE, EntityType.PERSON, "x".repeat(10_001), PERSON))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> vault.tokenize(SCOPE, new Subject("other", "u"), EntityType.PERSON, "Anna", PERSON))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> vault.tokenize(SCOPE, EntityType.PERSON, "Anna", n -> ""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void twoInstancesAgreeOnOneTokenUnderConcurrency() throws Exception {
    Database db2 = Database.open(config);
    try {
      JdbcTokenVault vault2 = new JdbcTokenVault(db2, new SubjectKeys(db2, KeyManager.openOrCreate(keyDir)),
          Duration.ofHours(1), SubjectResolver.perConversation());
      List<JdbcTokenVault> vaults = List.of(vault, vault2);
      int threads = 8;
      int values = 20;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<String>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        JdbcTokenVault v = vaults.get(t % 2);
        results.add(pool.submit(() -> {
          start.await();
          List<String> tokens = new ArrayList<>();
          for (int i = 0; i < values; i++) {
            tokens.add(v.tokenize(SCOPE, EntityType.PERSON, "Person " + i, PERSON));
          }
          return tokens;
        }));
      }
      start.countDown();
      List<String> first = results.get(0).get();
      for (Future<List<String>> f : results) {
        assertThat(f.get()).isEqualTo(first);
      }
      pool.shutdown();
      assertThat(Set.copyOf(first)).hasSize(values);
      for (int i = 0; i < values; i++) {
        assertThat(vault2.reveal(SCOPE, first.get(i))).contains("Person " + i);
      }
    } finally {
      db2.close();
    }
  }

  /**
   * PostgreSQL: the restore's scope read fetches each row's subject key by the key table's primary key, however
   * many subjects the database holds. Written as a {@code LEFT JOIN}, it was planned, once {@code subject_keys}
   * held some thousands of subjects, as a hash join over a sequential scan of the whole key table, on every
   * request (docs/notes/pgplan.md). The conversations here look like the load run's: one subject each, 67 rows.
   */
  @Test
  void scopeReadProbesSubjectKeysByPrimaryKeyHoweverManySubjects() {
    org.junit.jupiter.api.Assumptions.assumeTrue(backend == TestDatabases.POSTGRES, "PostgreSQL's planner");
    String token = vault.tokenize(SCOPE, EntityType.PERSON, "Anna Schmidt", PERSON);
    int subjects = 9000;
    db.withConnection("fill", c -> {
      try (java.sql.Statement s = c.createStatement()) {
        s.execute("INSERT INTO subject_keys (subject_ref, tenant, wrapped_key, created_at)"
            + " SELECT md5('s' || i) || md5('t' || i), 'acme', decode(md5('k' || i) || md5('w' || i), 'hex'), 0"
            + " FROM generate_series(1, " + subjects + ") i");
        s.execute("INSERT INTO vault_scopes (tenant, conversation)"
            + " SELECT 'acme', 'c-' || i FROM generate_series(0, " + (subjects / 10) + ") i");
        s.execute("INSERT INTO vault_entries (scope_id, entity_type, token, lookup_hash, subject_ref,"
            + " ciphertext, created_at, expires_at)"
            + " SELECT (SELECT id FROM vault_scopes WHERE tenant = 'acme' AND conversation = 'c-' || (i / 67)),"
            + " 'PERSON', '<PERSON_' || (i % 67) || '>', md5('l' || i) || md5('m' || i),"
            + " md5('s' || (1 + i / 67)) || md5('t' || (1 + i / 67)), decode(md5('c' || i), 'hex'), 0, 9000000000000"
            + " FROM generate_series(0, " + (subjects * 67 / 10 - 1) + ") i");
        s.execute("ANALYZE subject_keys");
        s.execute("ANALYZE vault_entries");
        s.execute("ANALYZE vault_scopes");
      }
      return null;
    });
    String plan = db.withConnection("explain", c -> {
      try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + JdbcTokenVault.SCOPE_READ)) {
        ps.setString(1, "acme");
        ps.setString(2, "c-17");
        StringBuilder b = new StringBuilder();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            b.append(rs.getString(1)).append('\n');
          }
        }
        return b.toString();
      }
    });
    assertThat(plan).doesNotContain("Seq Scan on subject_keys").contains("subject_keys_pkey")
        .as("the scope's rows by its number (schema V10)").doesNotContain("Seq Scan on vault_entries")
        .doesNotContain("Seq Scan on vault_scopes");
    assertThat(vault.entries(SCOPE)).containsExactly(java.util.Map.entry(token, "Anna Schmidt"));
  }

  @Test
  void keyFilesAreCreatedPrivateAndLooseOnesAreRefused() throws Exception {
    assertThat(PosixPerm.of(keyDir.resolve("master.json"))).isEqualTo("rw-------");
    Path loose = Files.createTempDirectory("veil-loose-keys");
    KeyManager.openOrCreate(loose);
    Files.setPosixFilePermissions(loose.resolve("master.json"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> KeyManager.openOrCreate(loose)).isInstanceOf(StoreException.class)
        .hasMessageContaining("chmod 600");
  }

  static final class PosixPerm {
    static String of(Path p) throws java.io.IOException {
      return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
  }
}
