package io.veil.store;

import com.google.crypto.tink.Aead;
import io.veil.core.EntityType;
import io.veil.core.Scope;
import io.veil.core.TokenVault;
import io.veil.core.VaultException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.text.Normalizer;

/**
 * The persistent, encrypted {@link TokenVault}: a table {@code vault_entries} in H2 or PostgreSQL.
 *
 * <ul>
 *   <li>Each original value is encrypted (AES-256-GCM) with its subject's data key
 *       ({@link SubjectKeys}); the associated data binds the ciphertext to (tenant, conversation,
 *       token, type), so ciphertexts cannot be moved between rows.</li>
 *   <li>The value is found again through a keyed hash (HMAC-SHA256) of (scope, type, NFC-normalized
 *       value): the same value gets the same token without the value being stored in clear.</li>
 *   <li>Entries expire {@code retention} after they are minted; expired entries are invisible to every
 *       read, and {@link RetentionPurger} deletes them.</li>
 *   <li>Several instances sharing one PostgreSQL agree on one token per value: unique constraints on
 *       (scope, lookup hash) and (scope, token) plus a retry loop decide every race. One process's writers of a
 *       scope take turns; a writer that another instance beats twice in a row mints further ahead each time, so a
 *       faster instance cannot starve it (numbers may then skip a few: a name is never reused, never guaranteed
 *       dense).</li>
 * </ul>
 *
 * <p>Thread safety: safe for concurrent use, also across processes sharing the database.
 *
 * <p>Failure: every failure surfaces as {@link VaultException} (its cause is a {@link StoreException},
 * or a {@link StoreUnavailableException} when the database is unreachable); callers fail closed.
 *
 * <p><b>Security:</b> no method logs values; exception messages carry none. A value whose subject key
 * was destroyed is reported as absent, never as an error that could hint at its existence.
 *
 * <p><b>Integrity:</b> a row that does not authenticate under its subject's key (a moved or altered ciphertext),
 * or that names another key than its subject's current one although it was written after that key was made (an
 * altered key id: no destroy can explain it), is an integrity failure: the read throws {@link VaultException}
 * (the request is refused, nothing is forwarded or restored), the row is kept as evidence, and
 * {@link #integrityFailures()} counts it. Failing closed here means refusing, not restoring nothing: a row that
 * silently vanished would hide the tampering and, deleted, destroy its trace. Only a row older than its subject's
 * current key and naming another key is treated as erased ({@link #seal}).
 */
public final class JdbcTokenVault implements TokenVault {
  private static final int MAX_ATTEMPTS = 32;
  private static final int MAX_VALUE_CHARS = 10_000;
  private static final int MAX_TOKEN_CHARS = 256;

  private final Database db;
  private final SubjectKeys keys;
  private final Duration retention;
  private final SubjectResolver resolver;
  /** Tests only: runs between sealing a value and storing it (the window a key purge must not exploit). */
  volatile Runnable afterSeal;
  /** Scopes cleared by this process so far (see {@link Snapshot}). */
  private final java.util.concurrent.atomic.AtomicLong clears = new java.util.concurrent.atomic.AtomicLong();
  /** Rows refused as altered (see the class's Integrity note). */
  private final java.util.concurrent.atomic.AtomicLong integrityFailures = new java.util.concurrent.atomic.AtomicLong();
  /** Every insert of vault rows (and of the new subject keys they need) goes through here: see {@link #insert}. */
  private final GroupCommit writes;

  /**
   * @param retention how long an entry lives after it is minted (at least one second)
   * @param resolver owner of the values of a scope, for the subject-less {@link #tokenize} of the SPI
   */
  public JdbcTokenVault(Database db, SubjectKeys keys, Duration retention, SubjectResolver resolver) {
    this.db = Objects.requireNonNull(db, "db");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.retention = Objects.requireNonNull(retention, "retention");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.writes = new GroupCommit(db, "vault insert");
    if (retention.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("vault retention must be at least one second");
    }
    db.subjectChanges().subscribe(new SubjectChangeFeed.Subscriber() {
      @Override
      public void changed(SubjectChangeFeed.Kind kind, String ref) {
        if (kind == SubjectChangeFeed.Kind.VAULT_CLEAR) {
          clears.incrementAndGet(); // another instance cleared a scope: snapshots of this process are read again
        }
      }

      @Override
      public void reset() {
        clears.incrementAndGet(); // a clear may have gone unheard
      }
    });
  }

  @Override
  public String tokenize(Scope scope, EntityType type, String value, Function<Integer, String> minter) {
    Objects.requireNonNull(scope, "scope");
    Subject owner = resolver.subjectOf(scope);
    if (owner == null) {
      throw new VaultException("the subject resolver returned no subject");
    }
    return tokenize(scope, owner, type, value, minter);
  }

  /**
   * {@link TokenVault#tokenize} with an explicit owner: the value is encrypted with {@code owner}'s
   * key, exported with the owner's data and shredded when the owner is erased.
   *
   * @throws IllegalArgumentException if the subject's tenant differs from the scope's, the value is
   *     empty or longer than 10,000 characters, or the minter returns an empty or overlong token
   */
  public String tokenize(Scope scope, Subject owner, EntityType type, String value, Function<Integer, String> minter) {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(minter, "minter");
    if (!owner.tenant().equals(scope.tenant())) {
      throw new IllegalArgumentException("the subject must belong to the scope's tenant");
    }
    if (value.isEmpty() || value.length() > MAX_VALUE_CHARS) {
      throw new IllegalArgumentException("values must be 1-" + MAX_VALUE_CHARS + " characters");
    }
    try {
      return doTokenize(scope, owner, type, value, minter);
    } catch (StoreException e) {
      throw new VaultException("the vault could not store a value: " + e.getMessage(), e);
    }
  }

  private String doTokenize(Scope scope, Subject owner, EntityType type, String value, Function<Integer, String> minter) {
    String normalized = Normalizer.normalize(value, Normalizer.Form.NFC);
    String lookup = keys.lookupHash(Bytes.fields("veil.vault.v1", scope.tenant(), scope.conversation(),
        type.name(), normalized));
    Batch batch = batches.get();
    Deferred deferred = batch == null ? null : batch.deferringOn(scope);
    Turn turn = new Turn();
    try {
      return mint(scope, owner, type, value, minter, lookup, batch, deferred, turn);
    } finally {
      turn.end();
    }
  }

  /** {@link #doTokenize}'s attempts: the value's row if there is one, else a new token, stored or deferred. */
  private String mint(Scope scope, Subject owner, EntityType type, String value, Function<Integer, String> minter,
      String lookup, Batch batch, Deferred deferred, Turn turn) {
    Pseudonym ref = null; // a keyed hash: derived only when a value is minted, not for each value found
    int lastOrdinal = 0;
    boolean fromBatch = batch != null; // the first lookup is the batch's
    int losses = 0; // inserts in a row that another writer's commit refused
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      long now = db.clock().millis();
      Existing existing;
      if (fromBatch) {
        fromBatch = false;
        // the batch read every row of the scope (live and expired) and has learnt each mint since: a value it
        // does not know had no row when the request began; if another writer has stored it since, the insert
        // hits the unique constraint on the lookup hash and the next attempt queries
        existing = batch.lookups(scope).get(lookup);
      } else {
        existing = db.withConnection("vault lookup", c -> findByLookup(c, scope, lookup));
      }
      if (existing != null) {
        if (existing.expiresAt > now) {
          return existing.token;
        }
        if (deferred != null && existing.id < 0) {
          // minted by this call and not stored yet (it expired before the work ended): store the call's
          // values one by one instead
          deferred.conflict = true; // the work may wrap what it throws: tokenizeTogether asks the call
          throw deferralConflict();
        }
        db.withConnection("vault expiry", c -> deleteExpired(c, existing.id, now));
        if (batch != null) {
          batch.forgetCount(scope, type);
        }
        continue;
      }
      if (deferred == null && !turn.taken()) {
        // from here to the commit, this process's writers of the scope take turns: none counts an ordinal another
        // is about to store, so only another instance's commit can refuse this insert (TokenNameReuseIT)
        boolean waited = !turn.take(lockOf(scope));
        if (batch != null && batch.staleCounts(scope, stripeCommits.get(stripeOf(scope)))) {
          // another writer of this process committed since the batch counted the scope (while this one waited, or
          // between two of its mints): counted from the batch, this insert would lose to that commit (review15)
          batch.forgetCount(scope, type);
        }
        if (waited) {
          // look the value up again (the writer before may have stored it)
          fromBatch = false;
          attempt--;
          continue;
        }
      }
      // after a second insert in a row lost, another instance mints in the scope as fast as this one counts: each
      // count sees its last commit while its next insert is in flight, so counting alone would mint that insert's
      // ordinal again and again (it starved a writer for 32 attempts); leap one further ahead per loss instead
      int counted = (batch != null ? batch.count(scope, type) : countType(scope, type)) + 1 + Math.max(0, losses - 1);
      String token;
      int ordinal;
      int skipped = 0;
      do {
        ordinal = Math.max(counted, lastOrdinal + 1);
        lastOrdinal = ordinal;
        token = minter.apply(ordinal);
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
          throw new IllegalArgumentException("the minter must return a token of 1-" + MAX_TOKEN_CHARS + " characters");
        }
        // a token the batch knows in the scope is taken (its insert would fail): mint the next ordinal at once
      } while (batch != null && batch.tokenTaken(scope, token) && ++skipped < MAX_ATTEMPTS);
      if (ref == null) {
        ref = keys.pseudonymOf(owner);
      }
      SubjectKeys.Sealed sealed = keys.encrypt(ref, scope.tenant(), value.getBytes(StandardCharsets.UTF_8),
          ad(scope, token, type.name()), deferred != null ? deferred.newKeys : null);
      Runnable hook = afterSeal;
      if (hook != null) {
        hook.run();
      }
      if (deferred != null) {
        // stored with the call's other new values when its work returns (tokenizeTogether)
        deferred.rows.add(new Row(type, ordinal, token, lookup, ref, sealed, now, now + retention.toMillis()));
        deferred.values.put(token, value);
        batch.minted(scope, type, lookup, token, now + retention.toMillis());
        return token;
      }
      // one transaction: the key row is claimed (locked, marked used) before the row that needs it is
      // written, so a concurrent purge of idle keys or an erasure either waits and then sees this row, or
      // deleted the key first and this attempt seals the value again under a new key
      Row row = new Row(type, ordinal, token, lookup, ref, sealed, now, now + retention.toMillis());
      Insert outcome = storeUnit(ref.hex(), c -> insert(c, scope, java.util.List.of(row), Map.of(), now));
      if (outcome == Insert.KEY_GONE) {
        keys.forget(ref.hex()); // seal the next attempt under the key row as it is now, not a cached copy
        lastOrdinal = ordinal - 1; // the token was not used: mint the same ordinal again
        continue;
      }
      if (outcome == Insert.INSERTED) {
        long commits = stripeCommits.incrementAndGet(stripeOf(scope)); // under the turn: no other commit since its check
        if (batch != null) {
          batch.minted(scope, type, lookup, token, now + retention.toMillis());
          batch.staleCounts(scope, commits);
        }
        return token;
      }
      losses++;
      if (batch != null) {
        batch.forgetCount(scope, type); // another writer minted in the scope: count again
      }
    }
    throw new StoreException("could not mint a unique token after " + MAX_ATTEMPTS + " attempts");
  }

  /** A writer's turn at its scope's lock ({@link #lockOf}), from its count to its commit. */
  private static final class Turn {
    private ReentrantLock lock;

    boolean taken() {
      return lock != null;
    }

    /** Takes {@code scopeLock}; false when another writer held it and this one waited for its turn. */
    boolean take(ReentrantLock scopeLock) {
      lock = scopeLock;
      if (scopeLock.tryLock()) {
        return true;
      }
      scopeLock.lock();
      return false;
    }

    void end() {
      if (lock != null) {
        lock.unlock();
      }
    }
  }

  /** A value sealed and given its token (minted from {@code ordinal}), to be inserted into {@code vault_entries}. */
  private record Row(EntityType type, int ordinal, String token, String lookup, Pseudonym ref,
                     SubjectKeys.Sealed sealed, long createdAt, long expiresAt) {}

  /**
   * Runs an {@link #insert} unit in the group commit ({@code order}: its first subject) while this process's
   * retention purge deletes no vault scope, so no scope is purged between the unit's lookup of its number and
   * its commit ({@link VaultScopes}).
   */
  private Insert storeUnit(String order, GroupCommit.Unit<Insert> unit) {
    db.vaultScopeUse.readLock().lock();
    try {
      return writes.run(order, unit, Insert::stored);
    } finally {
      db.vaultScopeUse.readLock().unlock();
    }
  }

  /**
   * Inside a transaction (a {@link GroupCommit} unit): claims the key of every row's subject once (in subject
   * order, so two writers never wait on each other's claims), or inserts it where it is one of {@code newKeys}
   * (generated for these rows, not stored yet: key and values share one commit), then inserts the rows in one
   * JDBC batch. On {@link Insert#KEY_GONE} or {@link Insert#TAKEN} the group commit rolls back what this did and
   * nothing of it is stored.
   */
  private Insert insert(Connection c, Scope scope, java.util.List<Row> rows, Map<String, SubjectKeys.NewKey> newKeys,
      long now) throws SQLException {
    java.util.TreeMap<String, Row> bySubject = new java.util.TreeMap<>();
    for (Row r : rows) {
      Row first = bySubject.putIfAbsent(r.ref().hex(), r);
      if (first != null && !java.util.Arrays.equals(first.sealed().wrappedKey(), r.sealed().wrappedKey())) {
        return Insert.KEY_GONE; // sealed under two versions of one subject's key: the older one is gone
      }
    }
    for (Row r : bySubject.values()) {
      SubjectKeys.NewKey fresh = newKeys.get(r.ref().hex());
      if (fresh != null && java.util.Arrays.equals(fresh.wrapped(), r.sealed().wrappedKey())) {
        try {
          keys.insertKey(c, r.ref(), fresh, now);
        } catch (SQLException e) {
          if (Database.isUniqueViolation(e)) {
            return Insert.KEY_GONE; // another writer created the subject's key first: seal under theirs
          }
          throw e;
        }
      } else if (!keys.claim(c, r.ref(), r.sealed().wrappedKey(), now)) {
        return Insert.KEY_GONE;
      }
    }
    try {
      // the scope's number, made with the rows when they are its first (after the key claims, as the rows)
      VaultScopes.ScopeId number = VaultScopes.idForInsert(c, scope, db.isPostgres());
      long scopeId = number.id();
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO vault_entries (scope_id, entity_type,"
          + " token, lookup_hash, subject_ref, ciphertext, created_at, expires_at) VALUES (?,?,?,?,?,?,?,?)")) {
        for (Row r : rows) {
          ps.setLong(1, scopeId);
          ps.setString(2, r.type().name());
          ps.setString(3, r.token());
          ps.setString(4, r.lookup());
          ps.setString(5, r.ref().hex());
          ps.setBytes(6, r.sealed().ciphertext());
          ps.setLong(7, r.createdAt());
          ps.setLong(8, r.expiresAt());
          if (rows.size() == 1) {
            ps.executeUpdate();
          } else {
            ps.addBatch();
          }
        }
        if (rows.size() > 1) {
          ps.executeBatch();
        }
      }
      // the scope's high-water marks go up with the rows, or nothing is stored: a token name is never reused
      return TokenMarks.raise(c, scopeId, number.made(), minted(rows)) ? Insert.INSERTED : Insert.TAKEN;
    } catch (SQLException e) {
      // someone else minted a value or a token or made the scope first, or (PostgreSQL) this transaction was a
      // deadlock victim: two instances' groups insert rows of one scope and then lock its marks row, so each can
      // wait on the other; the victim is rolled back whole; or the retention purge deleted the scope (foreign key).
      // Either way look again (nothing of it is kept)
      if (Database.isUniqueViolation(e) || Database.isTransactionConflict(e) || Database.isForeignKeyViolation(e)) {
        return Insert.TAKEN;
      }
      throw e;
    }
  }

  /** Per entity type (in name order), the ordinals the rows were minted from. */
  private static java.util.Collection<TokenMarks.Minted> minted(java.util.List<Row> rows) {
    java.util.TreeMap<String, TokenMarks.Minted> byType = new java.util.TreeMap<>();
    for (Row r : rows) {
      byType.merge(r.type().name(), new TokenMarks.Minted(r.type().name(), r.ordinal(), r.ordinal(), r.expiresAt()),
          (a, b) -> new TokenMarks.Minted(a.type(), Math.min(a.lowest(), b.lowest()),
              Math.max(a.highest(), b.highest()), Math.max(a.expiresAt(), b.expiresAt())));
    }
    return byType.values();
  }

  /** The values one {@link #tokenizeTogether} call has minted in its scope and not stored yet. */
  private static final class Deferred {
    /** Marks a call that defers nothing (the one-by-one run after a conflict). */
    static final Deferred NONE = new Deferred(null, new Scope("-", "-"));
    final JdbcTokenVault vault;
    final Scope scope;
    final java.util.List<Row> rows = new java.util.ArrayList<>();
    /** Subject keys generated for these rows, inserted with them (see {@link SubjectKeys.NewKey}). */
    final Map<String, SubjectKeys.NewKey> newKeys = new HashMap<>();
    /** Token to value of {@link #rows}, for {@link #entries} of the scope inside the call. */
    final Map<String, String> values = new LinkedHashMap<>();
    /** Set when a mint found that the call's rows cannot be stored together (before the deferral conflict is thrown). */
    boolean conflict;

    Deferred(JdbcTokenVault vault, Scope scope) {
      this.vault = vault;
      this.scope = scope;
    }
  }

  /**
   * Thrown inside a deferred call's work when its mints cannot be stored together; tokenizeTogether knows it by
   * {@link Deferred#conflict}, not by its class. A {@link VaultException}, so that work which turns failures into
   * refusals (the gateway's interceptor) treats it as a vault answer rather than logging an unexpected error for a
   * rerun that then succeeds.
   */
  private static VaultException deferralConflict() {
    return new VaultException("deferred vault writes conflict");
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: new values of {@code scope} get their token and are sealed at once; their rows are inserted
   * when {@code work} returns, all in one transaction that claims each subject's key once and inserts the
   * rows in one JDBC batch: one commit per call instead of one per new value (H2 writes a chunk per commit).
   * Values already in the scope are answered from the batch's read of the scope as in {@link #batched}
   * (the call opens a batch if none is open). If the transaction cannot store every row as minted (another
   * writer stored one of the values or tokens first, or a subject key was purged, erased or re-wrapped
   * since sealing), it stores none: the batch forgets all it knew of the scope and {@code work} runs again,
   * each new value then stored at once as {@link #tokenize} does. If {@code work} throws in its first run, nothing
   * it minted is stored or remembered (the gateway runs a whole request's pseudonymization in one call, so a
   * request refused part-way leaves nothing in the vault). If it throws in the run after a conflict, the values it
   * stored at once <em>stay</em>, like any stored value, until retention or erasure: once committed, a row is
   * found by its lookup hash by every other request of the scope, on every instance, and one of them may already
   * have been handed its token and sent it upstream; deleting the row would leave that request's answer with a raw
   * placeholder (review13 deleted them; vault16 reverted it). Which requests read a row is not recorded (that
   * would be a write per read), so no row can be proven unseen. A nested call joins the outer one: its mints in the outer
   * call's scope are stored with the outer call's; tokenize calls for other scopes store at once.
   * {@link #entries} and {@link #reveal} of the scope inside {@code work} answer with the stored entries and the
   * call's mints so far (the collision check of a text reads them); {@link #clear} of the scope fails with
   * IllegalStateException.
   *
   * <p><b>Security:</b> until this method returns, the tokens {@code work} was given may not be stored;
   * {@code work} must not let them out.
   */
  @Override
  public <T> T tokenizeTogether(Scope scope, java.util.function.Supplier<T> work) {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(work, "work");
    Batch batch = batches.get();
    if (batch == null) {
      return batched(() -> tokenizeTogether(scope, work));
    }
    if (batch.deferring != null) {
      return work.get(); // nested: the outer call stores what it defers; the rest is stored at once
    }
    Deferred deferred = new Deferred(this, scope);
    batch.deferring = deferred;
    boolean stored = false;
    T result = null;
    try {
      result = work.get();
      stored = store(deferred);
    } catch (RuntimeException e) {
      if (!deferred.conflict) {
        throw e; // the work failed: nothing it minted is stored
      }
      stored = false; // a deferral conflict, perhaps wrapped by the work
    } finally {
      batch.deferring = null;
      if (!stored) {
        batch.forget(scope); // provisional tokens were never stored: never answer from them
      }
    }
    if (stored) {
      return result;
    }
    // one value at a time, as without deferral: each new value is stored at once, under the scope's lock only from
    // its count to its commit (a thread never holds two scope locks, nor one while the work runs)
    batch.deferring = Deferred.NONE; // nested calls store at once too
    try {
      return work.get();
    } finally {
      batch.deferring = null;
    }
  }

  /**
   * Per scope (striped), this process's writers: of deferred rows ({@link #store}), and of a value stored at once
   * from its count to its commit ({@link #doTokenize}). A text's rows are stored in one
   * transaction that holds the subject's key row from its claim to its commit; concurrent requests of one
   * conversation (the turns a client sends at once) would otherwise meet on that row and on the unique
   * indexes inside H2, whose lock waits starved the transaction they waited for when the waiters occupied
   * every carrier thread (the load test hung). In-process they wait here, on a lock virtual threads park
   * on; other instances sharing a PostgreSQL database still meet in the database, as before. Writers of a value
   * stored at once used to count the scope's next ordinal side by side: all but one lost each insert and counted
   * again, the same next ordinal as the others, and one could lose 32 times in a row ("could not mint a unique
   * token", TokenNameReuseIT). A thread holds at most one of these locks, and none while caller code runs except
   * the minter (the rerun of {@link #tokenizeTogether} takes it per value, not around its work), so no two writers
   * can wait for each other's locks in a cycle.
   */
  private final ReentrantLock[] scopeLocks = newLocks(64);

  private static ReentrantLock[] newLocks(int n) {
    ReentrantLock[] locks = new ReentrantLock[n];
    for (int i = 0; i < n; i++) {
      locks[i] = new ReentrantLock();
    }
    return locks;
  }

  private ReentrantLock lockOf(Scope scope) {
    return scopeLocks[stripeOf(scope)];
  }

  private int stripeOf(Scope scope) {
    return Math.floorMod(scope.hashCode(), scopeLocks.length);
  }

  /**
   * Per lock of {@link #scopeLocks}, the inserts this process committed under it (a value's, or a deferred call's
   * rows), increased under the lock only: a batch that counted a scope at another number counts it again before
   * it mints there ({@link Batch#staleCounts}).
   */
  private final java.util.concurrent.atomic.AtomicLongArray stripeCommits =
      new java.util.concurrent.atomic.AtomicLongArray(scopeLocks.length);

  /** Inserts a deferred call's rows in one transaction; false when they could not all be stored (none was). */
  private boolean store(Deferred deferred) {
    if (deferred.rows.isEmpty()) {
      return true;
    }
    ReentrantLock lock = lockOf(deferred.scope);
    lock.lock();
    try {
      // the group runs units in the order of their first subject, insert() claims a unit's subjects in order:
      // with one subject per unit (a conversation's), the group locks key rows in ascending order, as the purge does
      String first = deferred.rows.stream().map(r -> r.ref().hex()).min(String::compareTo).orElse("");
      Insert outcome = storeUnit(first,
          c -> insert(c, deferred.scope, deferred.rows, deferred.newKeys, db.clock().millis()));
      if (outcome == Insert.KEY_GONE) {
        deferred.rows.forEach(r -> keys.forget(r.ref().hex()));
      }
      if (outcome == Insert.INSERTED) {
        stripeCommits.incrementAndGet(stripeOf(deferred.scope));
        deferred.rows.forEach(r -> {
          SubjectKeys.NewKey fresh = deferred.newKeys.remove(r.ref().hex());
          if (fresh != null) {
            keys.stored(r.ref(), fresh); // committed: later requests use it as generated
          }
        });
      }
      return outcome == Insert.INSERTED;
    } catch (StoreException e) {
      throw new VaultException("the vault could not store a value: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  /** {@link #reveal}'s read: tenant, conversation, token, now. Package-private for the plan test (VaultIndexesIT). */
  static final String REVEAL = "SELECT v.entity_type, v.subject_ref, v.ciphertext, k.wrapped_key,"
      + " v.created_at FROM vault_entries v LEFT JOIN subject_keys k ON k.subject_ref = v.subject_ref"
      + " WHERE v.scope_id = " + VaultScopes.ID + " AND v.token = ? AND v.expires_at > ?";

  @Override
  public Optional<String> reveal(Scope scope, String token) {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(token, "token");
    if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
      return Optional.empty();
    }
    Batch batch = batches.get();
    Deferred deferred = batch == null ? null : batch.deferringOn(scope);
    if (deferred != null && deferred.values.containsKey(token)) {
      return Optional.of(deferred.values.get(token)); // minted by the running tokenizeTogether, not stored yet
    }
    try {
      return db.withConnection("vault reveal", c -> {
        try (PreparedStatement ps = c.prepareStatement(REVEAL)) {
          VaultScopes.bind(ps, 1, scope);
          ps.setString(3, token);
          ps.setLong(4, db.clock().millis());
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              return Optional.<String>empty();
            }
            Optional<Aead> key = keys.dataKeyFromRow(rs.getString(2), rs.getBytes(4));
            byte[] sealed = rs.getBytes(3);
            if (seal(c, key, sealed, rs.getString(2), rs.getLong(5)) == Seal.ERASED) {
              return Optional.<String>empty();
            }
            return Optional.of(open(key.get(), sealed, ad(scope, token, rs.getString(1))));
          }
        }
      });
    } catch (StoreException e) {
      throw new VaultException("the vault could not read a value: " + e.getMessage(), e);
    }
  }

  @Override
  public Map<String, String> entries(Scope scope) {
    Objects.requireNonNull(scope, "scope");
    Batch batch = batches.get();
    if (batch == null) {
      return readEntries(scope, null).entries();
    }
    Snapshot s = batch.entries.get(scope);
    if (s == null || !s.current(keys.erasures(), clears.get(), db.clock().millis())) {
      // the same rows also give the batch its token lookups when it has none for the scope yet (the
      // collision check reads entries before the first tokenize): one query instead of two
      Map<String, Existing> lookups = batch.lookups.containsKey(scope) ? null : new HashMap<>();
      s = readEntries(scope, lookups);
      batch.entries.put(scope, s);
      if (lookups != null) {
        batch.lookups.put(scope, lookups);
      }
    }
    Deferred deferred = batch.deferringOn(scope);
    if (deferred != null && !deferred.values.isEmpty()) {
      // inside tokenizeTogether: the stored entries and the call's mints, as they will be once it stores them
      Map<String, String> all = new LinkedHashMap<>(s.entries());
      all.putAll(deferred.values);
      return all;
    }
    return s.entries();
  }

  /**
   * A scope's decrypted entries as one read saw them: {@code erasures} and {@code clears} are this
   * process's counters taken before the read, {@code validUntil} the earliest expiry among them.
   */
  /** A scope's decrypted entries. <b>Security:</b> they map tokens to values; {@link #toString()} counts them. */
  private record Snapshot(Map<String, String> entries, long erasures, long clears, long validUntil) {
    boolean current(long erasuresNow, long clearsNow, long now) {
      return erasures == erasuresNow && clears == clearsNow && now < validUntil;
    }

    @Override
    public String toString() {
      return "Snapshot[entries=" + entries.size() + ", erasures=" + erasures + ", clears=" + clears + "]";
    }
  }

  /**
   * The read of a whole scope behind {@link #entries}: every row with its subject's wrapped key (NULL once the
   * key is destroyed). The key comes from a scalar subquery, which PostgreSQL runs as a primary-key probe per
   * row (a few rows, nearly always of one subject). Written as a {@code LEFT JOIN}, the planner costed one
   * random probe per row against hashing all of {@code subject_keys} and chose the hash join once the table
   * held a few thousand subjects: a sequential scan of every subject's key, dead versions included, on every
   * request, growing with the number of subjects (docs/notes/pgplan.md). Package-private for the plan test.
   */
  static final String SCOPE_READ = "SELECT v.token, v.entity_type, v.subject_ref, v.ciphertext,"
      + " (SELECT k.wrapped_key FROM subject_keys k WHERE k.subject_ref = v.subject_ref),"
      + " v.expires_at, v.id, v.lookup_hash, v.created_at FROM vault_entries v"
      + " WHERE v.scope_id = " + VaultScopes.ID + " ORDER BY v.id";

  /** Reads and decrypts the scope's live entries; also fills {@code lookups} (may be null) with every live row. */
  private Snapshot readEntries(Scope scope, Map<String, Existing> lookups) {
    long erasures = keys.erasures(); // before the query: an erasure after it makes this snapshot stale
    long cleared = clears.get();
    try {
      return db.withConnection("vault entries", c -> {
        long[] validUntil = {Long.MAX_VALUE};
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, Optional<Aead>> keyCache = new HashMap<>();
        // the subject's wrapped key comes in the same query: a key destroyed before it ran (erasure,
        // on any instance) yields no row, so no cached copy of it can decrypt anything
        try (PreparedStatement ps = c.prepareStatement(SCOPE_READ)) {
          VaultScopes.bind(ps, 1, scope);
          long now = db.clock().millis();
          java.util.List<Long> orphans = new java.util.ArrayList<>();
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              String token = rs.getString(1);
              String ref = rs.getString(3);
              boolean live = rs.getLong(6) > now; // expired: invisible to reads (the purge deletes it)
              Optional<Aead> key = null;
              byte[] sealed = null;
              if (live) {
                key = keyCache.get(ref);
                if (key == null) {
                  key = keys.dataKeyFromRow(ref, rs.getBytes(5));
                  keyCache.put(ref, key);
                }
                sealed = rs.getBytes(4);
                if (seal(c, key, sealed, ref, rs.getLong(9)) == Seal.ERASED) {
                  orphans.add(rs.getLong(7));
                  continue;
                }
              }
              if (lookups != null) { // every row, expired ones too, as readLookups gives them
                lookups.put(rs.getString(8), new Existing(rs.getLong(7), token, rs.getLong(6), rs.getString(2)));
              }
              if (live) {
                out.put(token, open(key.get(), sealed, ad(scope, token, rs.getString(2))));
                validUntil[0] = Math.min(validUntil[0], rs.getLong(6));
              }
            }
          }
          deleteOrphans(c, orphans);
        }
        return new Snapshot(out, erasures, cleared, validUntil[0]);
      });
    } catch (StoreException e) {
      throw new VaultException("the vault could not read a scope: " + e.getMessage(), e);
    }
  }

  /**
   * Inside {@link #batched}, tests the tokens of the batch's lookup cache (no value read or decrypted, no
   * query after the first of the scope; expired tokens included, tokens another instance mints during
   * the batch not), once per predicate instance and then only this thread's new mints; outside a batch,
   * the tokens of {@link #entries}.
   */
  @Override
  public boolean anyToken(Scope scope, java.util.function.Predicate<String> test) {
    Objects.requireNonNull(scope, "scope");
    Batch batch = batches.get();
    if (batch == null) {
      return TokenVault.super.anyToken(scope, test);
    }
    return batch.anyToken(scope, test);
  }

  /**
   * Inside {@link #batched}, keeps one index per scope and {@code newIndex} instance for the batch, built from
   * the tokens of the batch's lookup cache (as {@link #anyToken}: expired tokens included, tokens another
   * instance mints during the batch not) and fed this thread's mints; outside a batch, a fresh index over
   * the tokens of {@link #entries} per call.
   */
  @Override
  public <I extends io.veil.core.TokenIndex, R> R withTokenIndex(
      Scope scope, java.util.function.Supplier<I> newIndex, java.util.function.Function<? super I, R> query) {
    Objects.requireNonNull(scope, "scope");
    Batch batch = batches.get();
    if (batch == null) {
      return TokenVault.super.withTokenIndex(scope, newIndex, query);
    }
    return query.apply(batch.tokenIndex(scope, newIndex));
  }

  /** {@link #clear}'s delete: tenant, conversation. */
  static final String CLEAR = "DELETE FROM vault_entries WHERE scope_id = " + VaultScopes.ID;

  @Override
  public void clear(Scope scope) {
    Objects.requireNonNull(scope, "scope");
    Batch batch = batches.get();
    if (batch != null) {
      requireNotDeferring(batch, scope);
      batch.forget(scope);
    }
    try {
      String scopeRef = keys.lookupHash(Bytes.fields("veil.vault-scope.v1", scope.tenant(), scope.conversation()));
      db.inTransaction("vault clear", c -> {
        try (PreparedStatement ps = c.prepareStatement(CLEAR)) {
          VaultScopes.bind(ps, 1, scope);
          int n = ps.executeUpdate();
          if (n > 0) {
            // the other instances sharing the database drop their snapshots when this commits
            db.subjectChanges().publish(c, SubjectChangeFeed.Kind.VAULT_CLEAR, scopeRef);
          }
          return n;
        }
      });
    } catch (StoreException e) {
      throw new VaultException("the vault could not clear a scope: " + e.getMessage(), e);
    } finally {
      clears.incrementAndGet(); // after the delete: snapshots any thread of this process took before are read again
    }
  }

  /**
   * Runs {@code work} (on this thread) with a read cache for the scopes it tokenizes in: the first
   * {@link #tokenize} of a scope reads the lookup hashes and tokens of all the scope's entries in one
   * query (no value is read or decrypted), later ones find their value's token there instead of
   * querying the database once per value; {@link #entries} is read once per scope and read again
   * after this thread mints a token in it. A value the cache does not know is looked up and minted
   * as always (the database's unique constraints still decide races with other instances).
   *
   * <p>Meant for one request (the gateway runs a request's pseudonymization, the upstream call and
   * the restore of a JSON answer in one batch): within it, a token found in the cache is as current as
   * one found by a query at the start of the request, and the {@code entries} snapshot is as current
   * as one read after this thread's last mint in the scope. Erasure takes effect at once within this
   * process: a snapshot taken before {@link SubjectKeys#destroy} or {@link SubjectEraser#erase} (or
   * {@link #clear}) returned on any thread of this process is never served again, and neither is one
   * holding an entry that has expired since. An erasure by <em>another</em> instance reaches an
   * in-flight batch of this one only through its next read: the staleness bound is the length of
   * one request (the batch ends with it). Nested calls share the outer cache. <b>Security:</b> holds
   * tokens and, after an {@code entries} read, values of the scope in memory only until {@code work}
   * returns; the same values are in the request being processed.
   */
  public <T> T batched(java.util.function.Supplier<T> work) {
    if (batches.get() != null) {
      return work.get();
    }
    batches.set(new Batch());
    try {
      return work.get();
    } finally {
      batches.remove();
    }
  }

  /** This vault's batch on each thread: per vault, as a batch reads through its own vault's database. */
  private final ThreadLocal<Batch> batches = new ThreadLocal<>();

  /**
   * A counter that advances whenever a snapshot of {@link #entries} taken before may no longer be served:
   * an erasure or key destruction ({@link SubjectKeys#destroy}, {@link SubjectEraser#erase}) or a
   * {@link #clear} in this process, or one another instance announced on the change feed. A caller that
   * reads entries on one thread and uses them later (the gateway builds an answer's restorer while the
   * upstream call runs) compares the value taken before the read with the value at use, and reads again
   * if they differ. Expiry is not counted.
   */
  public long snapshotEpoch() {
    return keys.erasures() + clears.get();
  }

  /** A clear of a scope whose mints are deferred would not clear them: they would be stored after it. */
  private void requireNotDeferring(Batch batch, Scope scope) {
    if (batch.deferringOn(scope) != null) {
      throw new IllegalStateException("a scope cannot be cleared inside tokenizeTogether");
    }
  }

  /** The per-thread cache of {@link #batched}. */
  private final class Batch {
    final Map<Scope, Map<String, Existing>> lookups = new HashMap<>();
    /** Per scope, every token of {@link #lookups} (built on first use, fed by {@link #minted}). */
    final Map<Scope, java.util.Set<String>> tokens = new HashMap<>();
    /** The {@link #tokenizeTogether} call running on this thread, if any. */
    Deferred deferring;

    /** The running {@link #tokenizeTogether} call of this vault for {@code scope}, or null. */
    Deferred deferringOn(Scope scope) {
      return deferring != null && deferring.scope.equals(scope) && deferring.vault == JdbcTokenVault.this
          ? deferring : null;
    }
    final Map<Scope, Snapshot> entries = new HashMap<>();
    /**
     * Per scope and type, the number of entries as last counted plus those this thread minted since: the
     * ordinal a mint starts from. Counting with a query per mint scanned the scope's rows each time (time
     * quadratic in the values of a request); a failed insert or an expiry delete drops the count, so the
     * next mint counts again, and so does one after an erasure or clear in this process.
     */
    final Map<Scope, Map<EntityType, Integer>> counts = new HashMap<>();

    private long countsErasures = keys.erasures();
    private long countsClears = clears.get();
    /**
     * Scopes whose rows may differ from what {@link #lookups} knows of them beyond this thread's mints
     * (another writer minted, an expired row was deleted): counted by a query, not from the lookups.
     */
    private final java.util.Set<Scope> countByQuery = new java.util.HashSet<>();
    /** An erasure or clear in this process since the batch began: every scope is counted by a query. */
    private boolean countAllByQuery;

    int count(Scope scope, EntityType type) {
      long erasuresNow = keys.erasures();
      long clearsNow = clears.get();
      if (erasuresNow != countsErasures || clearsNow != countsClears) {
        counts.clear(); // an erasure or clear in this process deleted rows: count again
        countAllByQuery = true;
        countsErasures = erasuresNow;
        countsClears = clearsNow;
      }
      Map<EntityType, Integer> m = counts.computeIfAbsent(scope, s -> new HashMap<>());
      Integer n = m.get(type);
      if (n == null) {
        // the batch's read of the scope holds every row (expired ones too, as COUNT(*) counts them) and its
        // mints since: count there, without a query per type
        Map<String, Existing> known = countAllByQuery || countByQuery.contains(scope) ? null : lookups.get(scope);
        if (known != null) {
          int k = 0;
          for (Existing e : known.values()) {
            if (type.name().equals(e.type())) {
              k++;
            }
          }
          // numbered above the scope's high-water mark, read once per scope: rows erased or expired do not count
          n = Math.max(k, marks(scope).getOrDefault(type.name(), 0));
        } else {
          n = countType(scope, type);
        }
        m.put(type, n);
      }
      return n;
    }

    /** {@link #anyToken} answers per scope and predicate instance, kept current by {@link #minted}. */
    final Map<Scope, Map<java.util.function.Predicate<String>, Boolean>> anyTokenAnswers = new HashMap<>();

    boolean anyToken(Scope scope, java.util.function.Predicate<String> test) {
      Map<String, Existing> known = lookups(scope);
      Map<java.util.function.Predicate<String>, Boolean> answers =
          anyTokenAnswers.computeIfAbsent(scope, s -> new HashMap<>());
      Boolean any = answers.get(test);
      if (any == null) {
        any = known.values().stream().anyMatch(e -> test.test(e.token()));
        answers.put(test, any);
      }
      return any;
    }

    /** {@link #withTokenIndex} indexes per scope and supplier instance, fed by {@link #minted}. */
    final Map<Scope, Map<java.util.function.Supplier<?>, io.veil.core.TokenIndex>> tokenIndexes = new HashMap<>();

    <I extends io.veil.core.TokenIndex> I tokenIndex(Scope scope, java.util.function.Supplier<I> newIndex) {
      Map<String, Existing> known = lookups(scope);
      Map<java.util.function.Supplier<?>, io.veil.core.TokenIndex> indexes =
          tokenIndexes.computeIfAbsent(scope, s -> new HashMap<>());
      io.veil.core.TokenIndex index = indexes.get(newIndex);
      if (index == null) {
        I fresh = newIndex.get();
        known.values().forEach(e -> fresh.add(e.token()));
        indexes.put(newIndex, fresh);
        return fresh;
      }
      @SuppressWarnings("unchecked") // stored under the supplier that made it
      I typed = (I) index;
      return typed;
    }

    /** Whether a row of the scope known to the batch (live or expired, or minted by this thread) holds the token. */
    boolean tokenTaken(Scope scope, String token) {
      java.util.Set<String> known = tokens.get(scope);
      if (known == null) {
        known = new java.util.HashSet<>();
        for (Existing e : lookups(scope).values()) {
          known.add(e.token());
        }
        tokens.put(scope, known);
      }
      return known.contains(token);
    }

    /** Per scope, its token high-water marks as read at the batch's first count in it ({@link TokenMarks}). */
    final Map<Scope, Map<String, Integer>> marks = new HashMap<>();

    Map<String, Integer> marks(Scope scope) {
      return readOnce(marks, scope, "vault token marks", c -> TokenMarks.of(c, scope));
    }

    /** Forgets all the batch knows of the scope: the next use reads it again. */
    void forget(Scope scope) {
      countedAt.remove(scope);
      lookups.remove(scope);
      marks.remove(scope);
      tokens.remove(scope);
      entries.remove(scope);
      counts.remove(scope);
      anyTokenAnswers.remove(scope);
      tokenIndexes.remove(scope);
      countByQuery.remove(scope);
    }

    /**
     * Per scope, the {@link #stripeCommits} number at which this batch's reads of the scope (its lookups, and the
     * counts made from them or by a query under the scope's lock) were current.
     */
    private final Map<Scope, Long> countedAt = new HashMap<>();

    /**
     * Whether this process committed inserts under the scope's lock since the batch's reads of it were current
     * (or none is recorded); either way {@code commits} is recorded as the current number.
     */
    boolean staleCounts(Scope scope, long commits) {
      Long at = countedAt.put(scope, commits);
      return at == null || at != commits;
    }

    void forgetCount(Scope scope, EntityType type) {
      countByQuery.add(scope);
      Map<EntityType, Integer> m = counts.get(scope);
      if (m != null) {
        m.remove(type);
      }
    }

    Map<String, Existing> lookups(Scope scope) {
      if (!lookups.containsKey(scope)) {
        countedAt.put(scope, stripeCommits.get(stripeOf(scope))); // before the read: a commit during it counts as after
      }
      return readOnce(lookups, scope, "vault lookups", c -> readLookups(c, scope));
    }

    /** What {@code cache} holds for the scope, read from the database the first time the batch asks. */
    private <T> T readOnce(Map<Scope, T> cache, Scope scope, String what, Database.SqlWork<T> read) {
      T m = cache.get(scope);
      if (m == null) {
        try {
          m = db.withConnection(what, read);
        } catch (StoreException e) {
          throw new VaultException("the vault could not read a scope: " + e.getMessage(), e);
        }
        cache.put(scope, m);
      }
      return m;
    }

    void minted(Scope scope, EntityType type, String lookup, String token, long expiresAt) {
      Map<String, Existing> m = lookups.get(scope);
      if (m != null) {
        m.put(lookup, new Existing(-1, token, expiresAt, type.name()));
      }
      java.util.Set<String> known = tokens.get(scope);
      if (known != null) {
        known.add(token);
      }
      entries.remove(scope);
      Map<java.util.function.Predicate<String>, Boolean> answers = anyTokenAnswers.get(scope);
      if (answers != null) {
        answers.replaceAll((test, any) -> any || test.test(token));
      }
      Map<java.util.function.Supplier<?>, io.veil.core.TokenIndex> indexes = tokenIndexes.get(scope);
      if (indexes != null) {
        indexes.values().forEach(index -> index.add(token));
      }
      Map<EntityType, Integer> c = counts.get(scope);
      if (c != null) {
        c.computeIfPresent(type, (t, n) -> n + 1);
      }
    }
  }

  /** A batch's read of a scope's tokens and lookup hashes: tenant, conversation. */
  static final String READ_LOOKUPS = "SELECT id, token, expires_at, lookup_hash, entity_type"
      + " FROM vault_entries WHERE scope_id = " + VaultScopes.ID;

  private static Map<String, Existing> readLookups(Connection c, Scope scope) throws SQLException {
    Map<String, Existing> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(READ_LOOKUPS)) {
      VaultScopes.bind(ps, 1, scope);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(4), new Existing(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(5)));
        }
      }
    }
    return out;
  }

  /** How a live row stands against its subject's key (see {@link #seal}). */
  private enum Seal { CURRENT, ERASED }

  /**
   * How a row stands against its subject's key as it is now.
   *
   * <ul>
   *   <li>{@code ERASED}: the key row is gone (erased, destroyed or purged), or the ciphertext names another key
   *       (its Tink prefix, public) and the row is not younger than the current key: it outlived a key destroyed
   *       before erasure deleted the rows with the key (databases written before qa6), and the subject's next value
   *       made a new key under the same reference. Not restored, and (readEntries) deleted, so that it neither
   *       fails the conversation closed nor holds its value's lookup hash against a new token.</li>
   *   <li>{@code CURRENT}: the prefix is the key's; {@link #open} then authenticates it.</li>
   *   <li>A row that names another key although it was written <em>after</em> the current key was made cannot
   *       come from any destroy: its key id was altered. {@link VaultException}, counted, the row kept.</li>
   * </ul>
   *
   * Limit: the rows a subject's very first request mints are written in the same millisecond as (or just before)
   * its key; an altered key id there is taken for an erased row.
   */
  private Seal seal(Connection c, Optional<Aead> key, byte[] ciphertext, String ref, long rowCreatedAt)
      throws SQLException {
    if (key.isEmpty()) {
      return Seal.ERASED;
    }
    if (!(key.get() instanceof JceAesGcm k) || k.mayHaveSealed(ciphertext)) {
      return Seal.CURRENT;
    }
    // rare (a mismatch): when was the current key made? (one primary-key read)
    try (PreparedStatement ps = c.prepareStatement("SELECT created_at FROM subject_keys WHERE subject_ref = ?")) {
      ps.setString(1, ref);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || rowCreatedAt <= rs.getLong(1)) {
          return Seal.ERASED; // gone meanwhile, or a row older than the key: an earlier key's
        }
      }
    }
    integrityFailures.incrementAndGet();
    throw new StoreException("a vault entry names a key its subject did not hold when it was written (altered key id)");
  }

  /** {@link #decrypt}, counting a failed authentication as an integrity failure. */
  private String open(Aead key, byte[] ciphertext, byte[] ad) {
    try {
      return decrypt(key, ciphertext, ad);
    } catch (StoreException e) {
      integrityFailures.incrementAndGet();
      throw e;
    }
  }

  /**
   * Vault rows this instance refused as altered: a ciphertext that failed authentication under its subject's key,
   * or a key id no destroy can explain (see the class's Integrity note). Any is worth an alert: someone wrote to
   * the vault table. For metrics.
   */
  public long integrityFailures() {
    return integrityFailures.get();
  }

  /** Deletes rows sealed under keys that are gone (see {@link #seal}); their values cannot be read. */
  private static void deleteOrphans(Connection c, java.util.List<Long> ids) throws SQLException {
    if (ids.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM vault_entries WHERE id = ?")) {
      for (long id : ids) {
        ps.setLong(1, id);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  static byte[] ad(Scope scope, String token, String type) {
    return Bytes.fields("veil.vault-entry.v1", scope.tenant(), scope.conversation(), token, type);
  }

  static String decrypt(Aead key, byte[] ciphertext, byte[] ad) {
    try {
      return new String(key.decrypt(ciphertext, ad), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new StoreException("a vault entry failed authentication (tampered or moved ciphertext)", e);
    }
  }

  /** A row of the scope: {@code id} -1 for one this thread minted, {@code type} null where not read. */
  private record Existing(long id, String token, long expiresAt, String type) {}

  /** What one insert attempt of {@link #doTokenize} found. */
  private enum Insert {
    INSERTED, TAKEN, KEY_GONE;

    /** Whether the insert's writes are kept (committed with its group); else they are rolled back. */
    boolean stored() {
      return this == INSERTED;
    }
  }

  /**
   * Transactions this instance committed to insert vault rows (a group of concurrent requests' inserts shares
   * one); with {@link #insertsCommitted()}, the group size. For measurements and metrics.
   */
  public long insertCommits() {
    return writes.commits();
  }

  /** Inserts (of one text's new values, or of one value) committed by this instance, kept or given up on a conflict. */
  public long insertsCommitted() {
    return writes.units();
  }

  /** One value's row by its lookup hash: tenant, conversation, lookup hash. */
  static final String FIND_BY_LOOKUP = "SELECT id, token, expires_at, entity_type FROM vault_entries"
      + " WHERE scope_id = " + VaultScopes.ID + " AND lookup_hash = ?";

  private static Existing findByLookup(Connection c, Scope scope, String lookup) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(FIND_BY_LOOKUP)) {
      VaultScopes.bind(ps, 1, scope);
      ps.setString(3, lookup);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new Existing(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4)) : null;
      }
    }
  }

  private static int deleteExpired(Connection c, long id, long now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM vault_entries WHERE id = ? AND expires_at <= ?")) {
      ps.setLong(1, id);
      ps.setLong(2, now);
      return ps.executeUpdate();
    }
  }

  private int countType(Scope scope, EntityType type) {
    return db.withConnection("vault count", c -> countType(c, scope, type));
  }

  /** A type's row count and mark in a scope: (tenant, conversation, type) twice. */
  static final String COUNT_TYPE = "SELECT (SELECT COUNT(*) FROM vault_entries"
      + " WHERE scope_id = " + VaultScopes.ID + " AND entity_type = ?), (SELECT high_water FROM vault_token_marks"
      + " WHERE scope_id = " + VaultScopes.ID + " AND entity_type = ?)";

  /**
   * The ordinal the scope's last value of the type was minted from, as far as the database tells: its high-water
   * mark ({@link TokenMarks}), or its row count where that is higher (rows stored before the marks existed).
   */
  private static int countType(Connection c, Scope scope, EntityType type) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(COUNT_TYPE)) {
      for (int i = 0; i < 6; i += 3) {
        VaultScopes.bind(ps, i + 1, scope);
        ps.setString(i + 3, type.name());
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return Math.max(rs.getInt(1), rs.getInt(2)); // no mark: getInt gives 0
      }
    }
  }

  @Override
  public String toString() {
    return "JdbcTokenVault[" + db + ", retention=" + retention + "]";
  }
}
