package io.veil.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.Configuration;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Mac;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.mac.HmacParameters;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-subject data keys and the store's keyed hashes.
 *
 * <p>Key hierarchy: the master keyset ({@link KeyManager}) wraps (a) one AES-256-GCM data keyset per
 * subject, row {@code subject_keys}, and (b) two HMAC-SHA256 keys of the store, row {@code system_keys}:
 * {@code pseudonym} (subject ids → {@link Pseudonym}) and {@code vault-lookup} (vault values → lookup
 * hashes). Wrapping binds each keyset to its row with associated data, so wrapped keys cannot be
 * swapped between subjects.
 *
 * <p>Crypto-shredding: {@link #destroy(Subject)} deletes the subject's wrapped key (and the vault rows it
 * sealed); every ciphertext made with it, in this database, its replicas and its backups, becomes unreadable
 * once the backups that still hold the key row expire.
 *
 * <p>Thread safety: safe for concurrent use, also by several processes sharing one database (key
 * creation races are resolved by the primary key: the loser reads the winner's key).
 *
 * <p>Data-key cache: parsing a wrapped keyset (unwrap with the master key, protobuf parse, primitive
 * set-up) cost more than the vault query that fetched it, on every request. The unwrapped {@link Aead}
 * is therefore kept in a bounded cache ({@value #DATA_KEY_CACHE_SIZE} subjects, dropped
 * {@link #DATA_KEY_CACHE_IDLE} after last use) <em>keyed by the wrapped bytes</em>: every use still
 * reads the subject's {@code subject_keys} row (in the same query as the data it decrypts, or just
 * before), and the cached primitive is used only when that row exists and holds exactly the bytes it
 * was unwrapped from. A key destroyed by any instance sharing the database is therefore unusable by
 * all of them for every read that starts after the deletion commits (bound: zero, not a TTL); a re-wrapped key
 * (master rotation) is unwrapped afresh. {@link #destroy} and erasure also drop the local entry, and
 * (PostgreSQL) notify the other instances, which drop theirs when the deletion commits
 * ({@link SubjectChangeFeed}): a shredded key does not linger in any instance's heap. While this
 * process's change listener is down, no data key is kept at all (each use unwraps afresh).
 *
 * <p>Data-key cryptography ({@link DataKeys}): a subject's AEAD is built straight from its keyset's one
 * AES-GCM key, for new keys and unwrapped ones alike. The stored format (a Tink encrypted keyset, ciphertexts
 * with Tink's prefix) is unchanged, so databases written before read as they are.
 *
 * <p><b>Security:</b> no method returns key material. Unwrapped data keys of recently active subjects
 * stay in this process's heap for up to {@link #DATA_KEY_CACHE_IDLE} (as they did for the length of
 * a request before); a heap dump of a running gateway exposes them either way.
 */
public final class SubjectKeys {
  private static final Configuration CONFIG = KeyManager.CONFIG;
  private static final String PSEUDONYM_KEY = "pseudonym";
  private static final String LOOKUP_KEY = "vault-lookup";
  private static final int PAGE = 500;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SubjectKeys.class);
  /** At most one warning about keys this instance cannot unwrap per this many nanoseconds (one per request else). */
  private static final long UNWRAP_WARNING_EVERY_NANOS = Duration.ofMinutes(1).toNanos();
  static final int DATA_KEY_CACHE_SIZE = 10_000;
  static final Duration DATA_KEY_CACHE_IDLE = Duration.ofMinutes(5);

  /** An unwrapped data key and the exact wrapped bytes it came from. */
  private record UnwrappedKey(byte[] wrapped, Aead aead) {}

  private final Database db;
  private final KeyManager keys;
  /** {@link System#nanoTime()} of the last unwrap warning; {@code Long.MIN_VALUE}: none yet. */
  private final java.util.concurrent.atomic.AtomicLong lastUnwrapWarning =
      new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);
  private final ConcurrentHashMap<String, Mac> systemMacs = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong erasures = new java.util.concurrent.atomic.AtomicLong();
  private final Cache<String, UnwrappedKey> dataKeys = Caffeine.newBuilder()
      .maximumSize(DATA_KEY_CACHE_SIZE)
      .expireAfterAccess(DATA_KEY_CACHE_IDLE)
      .build();

  public SubjectKeys(Database db, KeyManager keys) {
    this.db = Objects.requireNonNull(db, "db");
    this.keys = Objects.requireNonNull(keys, "keys");
    db.subjectChanges().subscribe(new SubjectChangeFeed.Subscriber() {
      @Override
      public void changed(SubjectChangeFeed.Kind kind, String ref) {
        if (kind == SubjectChangeFeed.Kind.ERASURE) {
          erased(ref); // another instance shredded the subject: drop its key here too, re-read snapshots
        }
      }

      @Override
      public void reset() {
        // an erasure may have gone unheard: drop every cached key, make every vault snapshot and every
        // subject-state cache of this process read again
        erasures.incrementAndGet();
        dataKeys.invalidateAll();
      }
    });
  }

  /** The subject's keyed pseudonym; the same subject always gets the same one. */
  public Pseudonym pseudonymOf(Subject subject) {
    Objects.requireNonNull(subject, "subject");
    return new Pseudonym(Bytes.hex(mac(PSEUDONYM_KEY, Bytes.fields("veil.subject.v1", subject.tenant(), subject.id()))));
  }

  /**
   * Unwraps the database's system keys (the pseudonym and vault-lookup keys; created first on an empty
   * database) with this process's master keyset. Called when an instance opens its store, so that an instance
   * started with another master keyset than the one that wrapped them (a second instance on a shared
   * PostgreSQL given its own {@code DATA_DIR/keys}, a data directory restored with the wrong key backup) refuses
   * to start, instead of starting, answering probes and then refusing every request that tokenizes.
   *
   * @throws StoreUnavailableException if the database cannot be reached
   * @throws StoreException if a system key cannot be unwrapped with this master keyset (the message says what
   *     to do; it names no key material)
   */
  public void requireMasterKeysetOfDatabase() {
    for (String name : java.util.List.of(PSEUDONYM_KEY, LOOKUP_KEY)) {
      try {
        systemMacs.computeIfAbsent(name, this::loadOrCreateMac);
      } catch (StoreUnavailableException e) {
        throw e;
      } catch (StoreException e) {
        throw new StoreException("the master keyset does not unwrap this database's keys: every instance on one"
            + " database must load the same keysets (the same DATA_DIR/keys files, or VEIL_MASTER_KEYSET and"
            + " VEIL_SIGNING_KEYSET)", e);
      }
    }
  }

  /** Keyed hash used by the vault to find a value without storing it. */
  String lookupHash(byte[] data) {
    return Bytes.hex(mac(LOOKUP_KEY, data));
  }

  /** True while the subject has a data key. */
  public boolean hasKey(Subject subject) {
    Pseudonym ref = pseudonymOf(subject);
    return db.withConnection("subject key lookup", c -> readWrapped(c, ref.hex()) != null);
  }

  /** What {@link #deleteKeyAndSealedRows} deleted. */
  record Shredded(long vaultRows, long keys) {}

  /**
   * Deletes the subject's key row and then the vault rows sealed under it, in the caller's transaction. The key
   * row first: deleting it waits for a vault insert that claimed the key ({@link #claim}) to commit, so the vault
   * delete after it sees that insert's rows too; an insert after it finds no key and seals again under a new one.
   */
  static Shredded deleteKeyAndSealedRows(Connection c, String ref) throws SQLException {
    long keys = updateSubject(c, "DELETE FROM subject_keys WHERE subject_ref = ?", ref);
    return new Shredded(updateSubject(c, "DELETE FROM vault_entries WHERE subject_ref = ?", ref), keys);
  }

  /** Runs {@code sql}, whose one parameter is the subject's reference, in the caller's transaction; the row count. */
  static long updateSubject(Connection c, String sql, String ref) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, ref);
      return ps.executeUpdate();
    }
  }

  /**
   * Crypto-shreds the subject: deletes its wrapped data key and, in the same transaction, the vault rows sealed
   * under it (ciphertexts no key can open any more; copies of them in backups stay unreadable). The subject's
   * old tokens never restore again, and its conversations go on: a value sent again is a new value and gets a
   * token that restores. (Rows left behind would be tried with the key the subject's next value creates under
   * the same reference, fail authentication, and make every later request of the conversation fail closed.)
   * Unlike {@link SubjectEraser#erase} it keeps consent, settings and audit links.
   *
   * @return true if there was a key to destroy
   */
  public boolean destroy(Subject subject) {
    return destroy(pseudonymOf(subject));
  }

  boolean destroy(Pseudonym ref) {
    try {
      return db.inTransaction("subject key destruction", c -> {
        boolean deleted = deleteKeyAndSealedRows(c, ref.hex()).keys() > 0;
        if (deleted) {
          db.subjectChanges().publish(c, SubjectChangeFeed.Kind.ERASURE, ref.hex()); // heard on commit
        }
        return deleted;
      });
    } finally {
      erased(ref.hex());
    }
  }

  /** Cached data keys (tests). */
  long cachedDataKeys() {
    dataKeys.cleanUp();
    return dataKeys.estimatedSize();
  }

  /** Drops this process's cached copy of a subject's data key (after its row was deleted). */
  void forget(String ref) {
    dataKeys.invalidate(ref);
  }

  /**
   * After this process deleted a subject's key (destruction, erasure): drops the cached copy and
   * advances {@link #erasures()}, so per-request vault snapshots taken before it are read again.
   */
  void erased(String ref) {
    erasures.incrementAndGet();
    forget(ref);
  }

  /**
   * How many subject keys this process has destroyed or erased so far; a vault snapshot taken at an
   * earlier value may hold values of an erased subject and must not be served.
   */
  long erasures() {
    return erasures.get();
  }

  /**
   * Re-wraps every subject key and system key with the master keyset's current primary key (run after
   * {@link KeyManager#rotateMaster()}). Safe to run while the store is in use and to re-run.
   *
   * @return the number of keys re-wrapped
   */
  public int rewrapAll() {
    int n = 0;
    String after = "";
    while (true) {
      String from = after;
      List<String> refs = db.withConnection("key re-wrap", c -> {
        List<String> page = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT subject_ref FROM subject_keys WHERE subject_ref > ? ORDER BY subject_ref")) {
          ps.setString(1, from);
          ps.setMaxRows(PAGE);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              page.add(rs.getString(1));
            }
          }
        }
        return page;
      });
      if (refs.isEmpty()) {
        break;
      }
      for (String ref : refs) {
        n += db.inTransaction("key re-wrap", c -> {
          byte[] wrapped;
          try (PreparedStatement ps = c.prepareStatement(
              "SELECT wrapped_key FROM subject_keys WHERE subject_ref = ? FOR UPDATE")) {
            ps.setString(1, ref);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return 0; // destroyed meanwhile
              }
              wrapped = rs.getBytes(1);
            }
          }
          byte[] ad = subjectAd(ref);
          byte[] rewrapped = wrap(unwrap(wrapped, ad), ad);
          try (PreparedStatement ps = c.prepareStatement(
              "UPDATE subject_keys SET wrapped_key = ?, rewrapped_at = ? WHERE subject_ref = ?")) {
            ps.setBytes(1, rewrapped);
            ps.setLong(2, db.clock().millis());
            ps.setString(3, ref);
            return ps.executeUpdate();
          }
        });
      }
      after = refs.get(refs.size() - 1);
    }
    for (String name : List.of(PSEUDONYM_KEY, LOOKUP_KEY)) {
      n += db.inTransaction("key re-wrap", c -> {
        try (PreparedStatement ps = c.prepareStatement("SELECT wrapped_key FROM system_keys WHERE name = ? FOR UPDATE")) {
          ps.setString(1, name);
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              return 0;
            }
            byte[] ad = systemAd(name);
            byte[] rewrapped = wrap(unwrap(rs.getBytes(1), ad), ad);
            try (PreparedStatement up = c.prepareStatement("UPDATE system_keys SET wrapped_key = ? WHERE name = ?")) {
              up.setBytes(1, rewrapped);
              up.setString(2, name);
              return up.executeUpdate();
            }
          }
        }
      });
    }
    return n;
  }

  /** Rotates the master key and re-wraps every key with it; returns the number re-wrapped. */
  public int rotateMaster() {
    keys.rotateMaster();
    return rewrapAll();
  }

  /**
   * A value sealed with a subject's data key, and the exact wrapped key row it was sealed under: the
   * writer stores the ciphertext only in a transaction where {@link #claim} finds that row unchanged.
   */
  record Sealed(byte[] ciphertext, byte[] wrappedKey) {}

  /** Encrypts with the subject's data key, creating the key on first use. */
  Sealed encrypt(Pseudonym ref, String tenant, byte[] plaintext, byte[] ad) {
    return encrypt(ref, tenant, plaintext, ad, null);
  }

  /**
   * A subject key generated (and wrapped) but not stored yet: the writer inserts it with {@link #insertKey} in
   * the transaction that stores the first values sealed under it, and hands it to {@link #stored} once that
   * committed. Until then no other request can use it (it is in no cache and no row).
   */
  record NewKey(String tenant, byte[] wrapped, Aead aead) {}

  /**
   * As {@link #encrypt(Pseudonym, String, byte[], byte[])}; with {@code pending} non-null, a subject that has
   * no key yet gets one generated <em>without</em> storing it: it is put in {@code pending} (and reused from
   * there for the subject's next values), and the caller must insert it ({@link #insertKey}) in the transaction
   * that stores the values, or drop them. One commit for the key and the values instead of one each.
   */
  Sealed encrypt(Pseudonym ref, String tenant, byte[] plaintext, byte[] ad, java.util.Map<String, NewKey> pending) {
    NewKey fresh = pending == null ? null : pending.get(ref.hex());
    if (fresh != null) {
      try {
        return new Sealed(fresh.aead().encrypt(plaintext, ad), fresh.wrapped());
      } catch (GeneralSecurityException e) {
        throw new StoreException("encryption failed", e);
      }
    }
    UnwrappedKey cached = db.subjectChanges().trusted() ? dataKeys.getIfPresent(ref.hex()) : null;
    if (cached != null) {
      // no read of the key row: the writer's claim checks, in the transaction that stores the value, that
      // the row still holds exactly these bytes (else the value is sealed again, after forget(ref)); a key
      // destroyed or purged by any instance has left this cache when the deletion was heard
      try {
        return new Sealed(cached.aead().encrypt(plaintext, ad), cached.wrapped());
      } catch (GeneralSecurityException e) {
        throw new StoreException("encryption failed", e);
      }
    }
    UnwrappedKey key = db.withConnection("subject key", c -> {
      byte[] w = readWrapped(c, ref.hex());
      if (w != null) {
        return new UnwrappedKey(w, aead(ref.hex(), w));
      }
      if (pending != null) {
        NewKey generated = generate(ref, tenant);
        pending.put(ref.hex(), generated);
        return new UnwrappedKey(generated.wrapped(), generated.aead());
      }
      return create(c, ref, tenant);
    });
    try {
      return new Sealed(key.aead().encrypt(plaintext, ad), key.wrapped());
    } catch (GeneralSecurityException e) {
      throw new StoreException("encryption failed", e);
    }
  }

  /**
   * Inside the transaction that stores a value sealed under {@code wrappedKey}: marks the key used now
   * and locks its row until the transaction ends, so that neither the retention purge nor an erasure
   * can delete it before the value's row is committed (and both see that row once they get the lock).
   *
   * @return false when the row is gone or holds other bytes (destroyed, purged, re-created or
   *     re-wrapped since the value was sealed): the caller must not store the value, and seals it again
   */
  boolean claim(Connection c, Pseudonym ref, byte[] wrappedKey, long now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE subject_keys SET used_at = ? WHERE subject_ref = ? AND wrapped_key = ?")) {
      ps.setLong(1, now);
      ps.setString(2, ref.hex());
      ps.setBytes(3, wrappedKey);
      return ps.executeUpdate() > 0;
    }
  }

  /** The subject's data key if it still exists (an empty result means: crypto-shredded). */
  Optional<Aead> dataKey(Connection c, Pseudonym ref) throws SQLException {
    byte[] wrapped = readWrapped(c, ref.hex());
    return wrapped == null ? Optional.empty() : Optional.of(aead(ref.hex(), wrapped));
  }

  Optional<Aead> dataKey(Pseudonym ref) {
    return db.withConnection("subject key", c -> dataKey(c, ref));
  }

  /**
   * Creates the subject's data key (on an auto-commit connection) and returns it with the bytes stored,
   * without reading the row back or unwrapping what was just wrapped; if a concurrent writer created the
   * key first, returns theirs. A purge or erasure racing with this leaves a sealed value whose key row is
   * gone or different: the writer's {@link #claim} then fails and the value is sealed again.
   */
  private UnwrappedKey create(Connection c, Pseudonym ref, String tenant) throws SQLException {
    NewKey generated = generate(ref, tenant);
    byte[] w = generated.wrapped();
    Aead aead = generated.aead();
    try {
      insertKey(c, ref, generated, db.clock().millis());
    } catch (SQLException e) {
      if (!Database.isUniqueViolation(e) || !c.getAutoCommit()) {
        throw e;
      }
      byte[] theirs = readWrapped(c, ref.hex()); // a concurrent writer created it first
      if (theirs == null) {
        throw new StoreException("subject key vanished while being created");
      }
      return new UnwrappedKey(theirs, aead(ref.hex(), theirs));
    }
    remember(ref.hex(), w, aead);
    return new UnwrappedKey(w, aead);
  }

  /** A fresh data key for the subject, wrapped for its row; nothing is stored. */
  private NewKey generate(Pseudonym ref, String tenant) {
    DataKeys.DataKey fresh;
    try {
      fresh = DataKeys.generate();
    } catch (GeneralSecurityException e) {
      throw new StoreException("cannot create a subject key", e);
    }
    return new NewKey(tenant, wrap(fresh.keyset(), subjectAd(ref.hex())), fresh.aead());
  }

  /**
   * Inserts a generated key's row, marked used at {@code now}; the row stays locked until the transaction ends,
   * as a {@link #claim} would leave it. A unique violation (SQLState 23505) means another writer created the
   * subject's key first: the values sealed under this one must not be stored.
   */
  void insertKey(Connection c, Pseudonym ref, NewKey key, long now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO subject_keys (subject_ref, tenant, wrapped_key, created_at, used_at) VALUES (?, ?, ?, ?, ?)")) {
      ps.setString(1, ref.hex());
      ps.setString(2, key.tenant());
      ps.setBytes(3, key.wrapped());
      ps.setLong(4, now);
      ps.setLong(5, now);
      ps.executeUpdate();
    }
  }

  /** After the transaction that inserted {@code key} committed: later requests use it without unwrapping it. */
  void stored(Pseudonym ref, NewKey key) {
    remember(ref.hex(), key.wrapped(), key.aead());
  }

  /**
   * The data key held in a {@code subject_keys} row just read (with the data it decrypts, in one
   * query); {@code wrapped == null} (no row: destroyed) gives empty.
   */
  Optional<Aead> dataKeyFromRow(String ref, byte[] wrapped) {
    if (wrapped == null) {
      forget(ref);
      return Optional.empty();
    }
    return Optional.of(aead(ref, wrapped));
  }

  private Aead aead(String ref, byte[] wrapped) {
    if (db.subjectChanges().trusted()) {
      UnwrappedKey cached = dataKeys.getIfPresent(ref);
      if (cached != null && MessageDigest.isEqual(cached.wrapped(), wrapped)) {
        return cached.aead();
      }
    }
    try {
      Aead aead = DataKeys.aead(unwrap(wrapped, subjectAd(ref)));
      remember(ref, wrapped, aead);
      return aead;
    } catch (GeneralSecurityException e) {
      throw new StoreException("cannot use a subject key", e);
    }
  }

  /**
   * Keeps an unwrapped data key for later use while the change listener is trusted; while it is down an
   * erasure elsewhere may go unheard, so no data key is held meanwhile (the cache is emptied instead).
   */
  private void remember(String ref, byte[] wrapped, Aead aead) {
    if (db.subjectChanges().trusted()) {
      dataKeys.put(ref, new UnwrappedKey(wrapped.clone(), aead));
    } else if (dataKeys.estimatedSize() > 0) {
      dataKeys.invalidateAll();
    }
  }

  private static byte[] readWrapped(Connection c, String ref) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT wrapped_key FROM subject_keys WHERE subject_ref = ?")) {
      ps.setString(1, ref);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBytes(1) : null;
      }
    }
  }

  private byte[] mac(String keyName, byte[] data) {
    Mac mac = systemMacs.computeIfAbsent(keyName, this::loadOrCreateMac);
    try {
      return mac.computeMac(data);
    } catch (GeneralSecurityException e) {
      throw new StoreException("keyed hash failed", e);
    }
  }

  private Mac loadOrCreateMac(String name) {
    byte[] ad = systemAd(name);
    byte[] wrapped = db.withConnection("system key", c -> {
      byte[] existing = readSystem(c, name);
      if (existing != null) {
        return existing;
      }
      try {
        // NO_PREFIX: the hash must not depend on Tink's key id; this key is never rotated.
        HmacParameters p = HmacParameters.builder().setKeySizeBytes(32).setTagSizeBytes(32)
            .setHashType(HmacParameters.HashType.SHA256).setVariant(HmacParameters.Variant.NO_PREFIX).build();
        byte[] w = wrap(KeysetHandle.generateNew(p, CONFIG), ad);
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO system_keys (name, wrapped_key, created_at) VALUES (?, ?, ?)")) {
          ps.setString(1, name);
          ps.setBytes(2, w);
          ps.setLong(3, db.clock().millis());
          ps.executeUpdate();
          return w;
        }
      } catch (GeneralSecurityException e) {
        throw new StoreException("cannot create a system key", e);
      } catch (SQLException e) {
        if (Database.isUniqueViolation(e)) {
          return readSystem(c, name);
        }
        throw e;
      }
    });
    try {
      return JceHmac.of(unwrap(wrapped, ad), CONFIG);
    } catch (GeneralSecurityException e) {
      throw new StoreException("cannot use a system key", e);
    }
  }

  private static byte[] readSystem(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT wrapped_key FROM system_keys WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBytes(1) : null;
      }
    }
  }

  private byte[] wrap(KeysetHandle handle, byte[] ad) {
    try {
      return TinkProtoKeysetFormat.serializeEncryptedKeyset(handle, keys.masterAead(), ad, CONFIG);
    } catch (GeneralSecurityException e) {
      throw new StoreException("cannot wrap a key", e);
    }
  }

  private KeysetHandle unwrap(byte[] wrapped, byte[] ad) {
    try {
      return TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, keys.masterAead(), ad, CONFIG);
    } catch (GeneralSecurityException first) {
      // Another instance may have rotated the master keyset and re-wrapped this key: re-read the key
      // file once and retry before failing closed.
      if (keys.reload()) {
        try {
          return TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, keys.masterAead(), ad, CONFIG);
        } catch (GeneralSecurityException second) {
          second.addSuppressed(first);
          warnUnwrapFailed();
          throw new StoreException("cannot unwrap a key: wrong master keyset or tampered key row", second);
        }
      }
      warnUnwrapFailed();
      throw new StoreException("cannot unwrap a key: wrong master keyset or tampered key row", first);
    }
  }

  /**
   * Tells the operator why requests are refused: the usual cause on several instances is a master key rotated
   * through another instance whose {@code master.json} this one does not have yet, and nothing else says so (the
   * client sees a vault failure). At most once a minute; names no subject, key or data.
   */
  private void warnUnwrapFailed() {
    long now = System.nanoTime();
    long last = lastUnwrapWarning.get();
    if (last != Long.MIN_VALUE && now - last < UNWRAP_WARNING_EVERY_NANOS) {
      return;
    }
    if (lastUnwrapWarning.compareAndSet(last, now)) {
      LOG.warn("a key in the database does not unwrap with this instance's master keyset, even after re-reading it;"
          + " the requests that need it are refused. If the master key was rotated through another instance"
          + " (veil keys rotate, POST /admin/master-key/rotate), give this instance that instance's keys/master.json"
          + " (read again at the next refusal, no restart) or its VEIL_MASTER_KEYSET (restart); otherwise the key's"
          + " row was altered");
    }
  }

  private static byte[] subjectAd(String ref) {
    return Bytes.fields("veil.subject-key.v1", ref);
  }

  private static byte[] systemAd(String name) {
    return Bytes.fields("veil.system-key.v1", name);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
