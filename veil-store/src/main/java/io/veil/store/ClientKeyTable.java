package io.veil.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's client keys in the database ({@code client_keys}, migration V3), so that every
 * instance sharing a PostgreSQL database accepts the same keys and refuses a revoked one at once.
 *
 * <p>Each key is stored as the SHA-256 of its secret, never the secret. {@link #findBySecretHash}
 * looks the presented secret's hash up through the unique index and then compares the stored hash
 * with the presented one using {@link MessageDigest#isEqual} (constant time). The index lookup's
 * timing can only tell an attacker about hashes of secrets they chose themselves, which gives them
 * no way towards a preimage of a stored hash (secrets carry 256 random bits).
 *
 * <p><b>Cache:</b> lookups are cached per process, keyed by the secret's hash (never the secret),
 * found keys and unknown hashes in two separate bounded caches (so a flood of wrong keys cannot evict
 * the real ones), each entry for at most {@code ttl}. Every create, revoke and import of this process
 * empties both caches when it commits; on PostgreSQL it also sends {@code pg_notify} inside its
 * transaction ({@link SubjectChangeFeed.Kind#CLIENT_KEYS}; payload: the SHA-256 of the key's public
 * id), and every other process empties its caches when the notification arrives. While this process's
 * change listener is down or silent ({@link Database#changeFeedStatus()}), the caches keep nothing and
 * every lookup reads the database; {@code ttl} is only a last bound. A lookup that raced with a change
 * does not keep what it read.
 *
 * <p>Thread safety: thread-safe. Memory: at most {@value #MAX_CACHED_KEYS} cached keys,
 * {@value #MAX_CACHED_MISSES} cached unknown hashes and {@value #MAX_CACHED_KEYS} keys as last read
 * ({@link #lastKnown}, for accounting refused requests only).
 *
 * <p>Failure: {@link StoreUnavailableException} when the database is unreachable (the gateway then
 * refuses the request: fail closed), {@link StoreException} for any other database failure or a row
 * that does not parse.
 *
 * <p><b>Security:</b> nothing here logs, and no exception message or {@code toString} holds a hash or
 * a secret; rows handed out ({@link ClientKeyRow}) carry the public id and bindings only.
 */
public final class ClientKeyTable {
  /** The most found keys cached per process. */
  static final int MAX_CACHED_KEYS = 100_000;
  /** The most unknown hashes (wrong keys) cached per process. */
  static final int MAX_CACHED_MISSES = 10_000;
  /** How long a key read from the database is remembered for {@link #lastKnown}. */
  static final Duration LAST_KNOWN_FOR = Duration.ofMinutes(10);
  private static final String COLUMNS =
      "id, secret_sha256, tenant, policy, rate_per_minute, created_at, revoked_at, expires_at";

  private final Database db;
  private final boolean caching;
  private final Cache<String, Found> found;
  private final Cache<String, Boolean> missing;
  /** Keys as last read from the database; never used to authenticate (see {@link #lastKnown}). */
  private final Cache<String, Found> lastRead;
  private final AtomicLong changes = new AtomicLong();

  /** A stored key with its hash, as cached. */
  private record Found(ClientKeyRow row, byte[] hash) {
    @Override
    public String toString() {
      return "Found[" + row.id() + "]";
    }
  }

  /**
   * A key to import ({@link #importMissing}): its row and the SHA-256 of its secret.
   *
   * <p><b>Security:</b> {@link #toString()} shows the id only.
   */
  public record Imported(ClientKeyRow row, byte[] secretSha256) {
    public Imported {
      Objects.requireNonNull(row, "row");
      checkHash(secretSha256);
      secretSha256 = secretSha256.clone();
    }

    @Override
    public byte[] secretSha256() {
      return secretSha256.clone();
    }

    @Override
    public String toString() {
      return "Imported[" + row.id() + "]";
    }
  }

  /**
   * The table of {@code db}, with lookups cached for up to {@code ttl} (zero: every lookup reads the
   * database).
   */
  public ClientKeyTable(Database db, Duration ttl) {
    this.db = Objects.requireNonNull(db, "db");
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("ttl must not be negative");
    }
    this.caching = !ttl.isZero();
    this.found = Caffeine.newBuilder().expireAfterWrite(caching ? ttl : Duration.ofMillis(1))
        .maximumSize(MAX_CACHED_KEYS).build();
    this.missing = Caffeine.newBuilder().expireAfterWrite(caching ? ttl : Duration.ofMillis(1))
        .maximumSize(MAX_CACHED_MISSES).build();
    this.lastRead = Caffeine.newBuilder().expireAfterWrite(LAST_KNOWN_FOR).maximumSize(MAX_CACHED_KEYS).build();
    db.subjectChanges().subscribe(new SubjectChangeFeed.Subscriber() {
      @Override
      public void changed(SubjectChangeFeed.Kind kind, String ref) {
        if (kind == SubjectChangeFeed.Kind.CLIENT_KEYS) {
          ClientKeyTable.this.changed();
        }
      }

      @Override
      public void reset() {
        ClientKeyTable.this.changed(); // a change may have gone unheard
      }
    });
  }

  /**
   * The key whose secret hashes to {@code secretSha256} (revoked and expired ones included: the
   * caller decides), or empty when there is none.
   *
   * @throws StoreUnavailableException if the database is unreachable
   */
  public Optional<ClientKeyRow> findBySecretHash(byte[] secretSha256) {
    if (secretSha256 == null || secretSha256.length != 32) {
      return Optional.empty();
    }
    String hex = HexFormat.of().formatHex(secretSha256);
    SubjectChangeFeed feed = db.subjectChanges();
    if (!caching || !feed.trusted()) {
      if (found.estimatedSize() > 0 || missing.estimatedSize() > 0) {
        found.invalidateAll(); // held from before the feed went quiet: may have missed a revocation
        missing.invalidateAll();
      }
      return read(hex).flatMap(f -> matching(f, secretSha256));
    }
    Found cached = found.getIfPresent(hex);
    if (cached != null) {
      return matching(cached, secretSha256);
    }
    if (missing.getIfPresent(hex) != null) {
      return Optional.empty();
    }
    long before = changes.get();
    Optional<Found> fresh = read(hex);
    if (fresh.isPresent()) {
      found.put(hex, fresh.get());
    } else {
      missing.put(hex, Boolean.TRUE);
    }
    if (changes.get() != before || !feed.trusted()) {
      found.invalidate(hex); // a change came while we read: do not keep what we saw
      missing.invalidate(hex);
    }
    return fresh.flatMap(f -> matching(f, secretSha256));
  }

  /**
   * The key this hash belonged to when this process last read it from the database (within
   * {@link #LAST_KNOWN_FOR}), without asking the database. <b>Never a reason to let a request
   * through</b>: it may have been revoked since. It lets the gateway account a request it refuses
   * because the database is unreachable to the key's tenant (its audit record), as it did when keys
   * were read from a file.
   */
  public Optional<ClientKeyRow> lastKnown(byte[] secretSha256) {
    if (secretSha256 == null || secretSha256.length != 32) {
      return Optional.empty();
    }
    Found f = lastRead.getIfPresent(HexFormat.of().formatHex(secretSha256));
    return f == null ? Optional.empty() : matching(f, secretSha256);
  }

  /** All keys, revoked and expired ones included, oldest first. Reads the database. */
  public List<ClientKeyRow> list() {
    return db.withConnection("client key list", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT " + COLUMNS + " FROM client_keys ORDER BY created_at, seq");
          ResultSet rs = ps.executeQuery()) {
        List<ClientKeyRow> out = new ArrayList<>();
        while (rs.next()) {
          out.add(parse(rs).row());
        }
        return out;
      }
    });
  }

  /**
   * Stores a new key; every instance accepts it from its next lookup on.
   *
   * @throws StoreException if a key with this id or this secret already exists, or the write fails
   */
  public void insert(ClientKeyRow row, byte[] secretSha256) {
    Objects.requireNonNull(row, "row");
    checkHash(secretSha256);
    try {
      boolean inserted = db.inTransaction("client key create", c -> insertIfAbsent(c, row, secretSha256));
      if (!inserted) {
        throw new StoreException("a client key with this id or secret already exists", null);
      }
    } finally {
      changed();
    }
  }

  /**
   * Stores the first start's key: only if no process sharing the database decided the first key
   * before (table {@code veil_first_key}, one row at most) and the table holds no key (imported or
   * created by an older version). The decision and the key commit in one transaction; an instance
   * starting at the same moment waits on the marker row's unique key and then finds it taken. So of
   * several instances starting at once on an empty database exactly one creates a key.
   *
   * @return true if this call stored the key; false if the first key was decided already
   * @throws StoreException if the database cannot be written
   */
  public boolean insertFirst(ClientKeyRow row, byte[] secretSha256) {
    Objects.requireNonNull(row, "row");
    checkHash(secretSha256);
    try {
      return db.inTransaction("first client key", c -> {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO veil_first_key (id, decided_at) VALUES (1, ?)")) {
          ps.setLong(1, db.clock().millis());
          ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM client_keys FETCH FIRST 1 ROWS ONLY");
            ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            return false; // keys exist: this is not a first start (the marker stays: decided)
          }
        }
        return insertIfAbsent(c, row, secretSha256);
      });
    } catch (StoreException e) {
      if (e.getCause() instanceof SQLException s && Database.isUniqueViolation(s)) {
        return false; // another instance decided first (its transaction committed)
      }
      throw e;
    } finally {
      changed();
    }
  }

  /**
   * Marks the key revoked at {@code at}; every instance refuses it from its next lookup on (other
   * instances: as soon as the notification arrives, or at once while their listener is down). A key
   * already revoked keeps its first revocation time.
   *
   * @return false if there is no key with this id
   */
  public boolean revoke(String id, Instant at) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(at, "at");
    try {
      return db.inTransaction("client key revoke", c -> {
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE client_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
          ps.setLong(1, at.toEpochMilli());
          ps.setString(2, id);
          if (ps.executeUpdate() > 0) {
            db.subjectChanges().publish(c, SubjectChangeFeed.Kind.CLIENT_KEYS, ref(id));
            return true;
          }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM client_keys WHERE id = ?")) {
          ps.setString(1, id);
          try (ResultSet rs = ps.executeQuery()) {
            return rs.next();
          }
        }
      });
    } finally {
      changed();
    }
  }

  /**
   * Inserts each key whose id and secret hash are not in the table yet, each in its own transaction;
   * never changes a row that exists (so a key revoked in the database stays revoked). Safe to run
   * from several processes at once.
   *
   * @return how many keys were inserted
   */
  public int importMissing(List<Imported> keys) {
    Objects.requireNonNull(keys, "keys");
    int inserted = 0;
    try {
      for (Imported k : keys) {
        try {
          if (db.inTransaction("client key import", c -> insertIfAbsent(c, k.row(), k.secretSha256))) {
            inserted++;
          }
        } catch (StoreException e) {
          if (!(e.getCause() instanceof SQLException s && Database.isUniqueViolation(s))) {
            throw e;
          }
          // another process imported the same key a moment ago
        }
      }
    } finally {
      changed();
    }
    return inserted;
  }

  /** Cached lookups held now (tests). */
  long cachedEntries() {
    found.cleanUp();
    missing.cleanUp();
    return found.estimatedSize() + missing.estimatedSize();
  }

  private boolean insertIfAbsent(Connection c, ClientKeyRow row, byte[] hash) throws SQLException {
    String hex = HexFormat.of().formatHex(hash);
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT 1 FROM client_keys WHERE id = ? OR secret_sha256 = ?")) {
      ps.setString(1, row.id());
      ps.setString(2, hex);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return false;
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO client_keys (" + COLUMNS
        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, row.id());
      ps.setString(2, hex);
      ps.setString(3, row.tenant());
      ps.setString(4, row.policy());
      ps.setInt(5, row.ratePerMinute());
      ps.setLong(6, row.createdAt().toEpochMilli());
      setInstant(ps, 7, row.revokedAt());
      setInstant(ps, 8, row.expiresAt());
      ps.executeUpdate();
    }
    db.subjectChanges().publish(c, SubjectChangeFeed.Kind.CLIENT_KEYS, ref(row.id()));
    return true;
  }

  private Optional<Found> read(String hex) {
    Optional<Found> f = db.withConnection("client key lookup", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT " + COLUMNS + " FROM client_keys WHERE secret_sha256 = ?")) {
        ps.setString(1, hex);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(parse(rs)) : Optional.empty();
        }
      }
    });
    if (f.isPresent()) {
      lastRead.put(hex, f.get());
    } else {
      lastRead.invalidate(hex);
    }
    return f;
  }

  private static Optional<ClientKeyRow> matching(Found f, byte[] presented) {
    return MessageDigest.isEqual(f.hash(), presented) ? Optional.of(f.row()) : Optional.empty();
  }

  private static Found parse(ResultSet rs) throws SQLException {
    try {
      long revoked = rs.getLong("revoked_at");
      Instant revokedAt = rs.wasNull() ? null : Instant.ofEpochMilli(revoked);
      long expires = rs.getLong("expires_at");
      Instant expiresAt = rs.wasNull() ? null : Instant.ofEpochMilli(expires);
      ClientKeyRow row = new ClientKeyRow(rs.getString("id"), rs.getString("tenant"), rs.getString("policy"),
          rs.getInt("rate_per_minute"), Instant.ofEpochMilli(rs.getLong("created_at")), revokedAt, expiresAt);
      byte[] hash = HexFormat.of().parseHex(rs.getString("secret_sha256"));
      checkHash(hash);
      return new Found(row, hash);
    } catch (IllegalArgumentException | NullPointerException e) {
      // fail closed: a damaged row authenticates nobody; the message names no value
      throw new StoreException("a client_keys row does not parse", null);
    }
  }

  private static void setInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, t.toEpochMilli());
    }
  }

  private void changed() {
    changes.incrementAndGet();
    found.invalidateAll();
    missing.invalidateAll();
  }

  private static void checkHash(byte[] hash) {
    if (hash == null || hash.length != 32) {
      throw new IllegalArgumentException("a client key's secret hash is 32 bytes (SHA-256)");
    }
  }

  /** The change feed's ref of a key: SHA-256 of its public id (the feed carries 64 hex digits). */
  private static String ref(String id) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "ClientKeyTable[" + db + "]";
  }
}
