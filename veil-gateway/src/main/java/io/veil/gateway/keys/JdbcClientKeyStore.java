package io.veil.gateway.keys;

import io.veil.store.ClientKeyRow;
import io.veil.store.ClientKeyTable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Client keys in the governance database ({@link ClientKeyTable}: table {@code client_keys}), so that
 * several gateway instances sharing one PostgreSQL database accept the same keys, and a key created
 * or revoked through any of them (or through {@code veil keys} on the database) is accepted or refused
 * by all of them without a restart: at once on the instance that made the change, on the others as
 * soon as its {@code NOTIFY} arrives (milliseconds), and while an instance's change listener is down,
 * it reads the database on every request instead of trusting its cache.
 *
 * <p>Each key is stored as the SHA-256 of its secret. {@link #authenticate} hashes the presented
 * secret, looks the hash up (per-process cache keyed by the hash, then the unique index) and compares
 * the stored hash with the presented one in constant time ({@link java.security.MessageDigest#isEqual}).
 * Revoked and expired keys authenticate nobody; expiry is checked against this store's clock on every
 * request, whatever the cache holds.
 *
 * <p>Thread safety: thread-safe.
 *
 * <p>Failure: when the database is unreachable {@link #authenticate} throws
 * {@link io.veil.store.StoreUnavailableException}, which the gateway answers with 503: no request is
 * let through on a key that cannot be checked (fail closed).
 *
 * <p><b>Security:</b> the secret leaves {@link #create} once, inside the {@link IssuedKey}, and is never
 * stored, logged or put into an exception; {@link #toString()} names the store only.
 */
public final class JdbcClientKeyStore implements ClientKeyStore {
  private final ClientKeyTable table;
  private final Clock clock;

  private JdbcClientKeyStore(ClientKeyTable table, Clock clock) {
    this.table = Objects.requireNonNull(table, "table");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The keys of {@code table} (usually {@code Governance.clientKeyTable()}). */
  public static JdbcClientKeyStore open(ClientKeyTable table) {
    return open(table, Clock.systemUTC());
  }

  /** ... with this clock for creation, revocation and expiry times. */
  public static JdbcClientKeyStore open(ClientKeyTable table, Clock clock) {
    return new JdbcClientKeyStore(table, clock);
  }

  @Override
  public IssuedKey create(String tenant, String policy, int ratePerMinute) {
    return create(tenant, policy, ratePerMinute, null);
  }

  @Override
  public IssuedKey create(String tenant, String policy, int ratePerMinute, Duration lifetime) {
    ClientKeySecrets.checkNew(tenant, policy, ratePerMinute, lifetime);
    String secret = ClientKeySecrets.newSecret();
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS); // what the table keeps: the returned key equals the stored one
    ClientKey key = new ClientKey(ClientKeySecrets.newId(), tenant, policy, ratePerMinute, now, null,
        lifetime == null ? null : now.plus(lifetime));
    table.insert(row(key), ClientKeySecrets.sha256(secret));
    return new IssuedKey(key, secret);
  }

  /**
   * Atomic across every instance on the database ({@link ClientKeyTable#insertFirst}): of several
   * instances starting at once on an empty database, exactly one creates the key.
   */
  @Override
  public Optional<IssuedKey> createFirst(String tenant, String policy, int ratePerMinute) {
    ClientKeySecrets.checkNew(tenant, policy, ratePerMinute, null);
    String secret = ClientKeySecrets.newSecret();
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    ClientKey key = new ClientKey(ClientKeySecrets.newId(), tenant, policy, ratePerMinute, now, null, null);
    return table.insertFirst(row(key), ClientKeySecrets.sha256(secret))
        ? Optional.of(new IssuedKey(key, secret)) : Optional.empty();
  }

  @Override
  public Optional<ClientKey> authenticate(String secret) {
    if (!ClientKeySecrets.plausible(secret)) {
      return Optional.empty();
    }
    Optional<ClientKey> key = table.findBySecretHash(ClientKeySecrets.sha256(secret)).map(JdbcClientKeyStore::key);
    return key.filter(k -> !k.revoked() && !k.expiredAt(clock.instant()));
  }

  @Override
  public Optional<ClientKey> lastKnown(String secret) {
    if (!ClientKeySecrets.plausible(secret)) {
      return Optional.empty();
    }
    return table.lastKnown(ClientKeySecrets.sha256(secret)).map(JdbcClientKeyStore::key)
        .filter(k -> !k.revoked() && !k.expiredAt(clock.instant())); // valid when last read
  }

  @Override
  public List<ClientKey> list() {
    return table.list().stream().map(JdbcClientKeyStore::key).toList();
  }

  @Override
  public boolean revoke(String id) {
    return id != null && table.revoke(id, clock.instant().truncatedTo(ChronoUnit.MILLIS));
  }

  /**
   * Copies the keys of a {@code keys.json} store that the database does not hold yet (by id and by
   * secret hash): hashes, bindings, creation, revocation and expiry times (to the millisecond); the
   * secrets are unknown and stay so. Never changes a key the database already holds, so running it again (every start does)
   * imports nothing twice and never revives a key revoked in the database.
   *
   * @return how many keys were imported
   */
  public int importFrom(FileClientKeyStore file) {
    List<ClientKeyTable.Imported> missing = new ArrayList<>();
    for (FileClientKeyStore.Entry e : file.hashedKeys()) {
      missing.add(new ClientKeyTable.Imported(row(e.key()), e.hash()));
    }
    return missing.isEmpty() ? 0 : table.importMissing(missing);
  }

  private static ClientKeyRow row(ClientKey k) {
    return new ClientKeyRow(k.id(), k.tenant(), k.policy(), k.ratePerMinute(), k.createdAt(), k.revokedAt(),
        k.expiresAt());
  }

  private static ClientKey key(ClientKeyRow r) {
    return new ClientKey(r.id(), r.tenant(), r.policy(), r.ratePerMinute(), r.createdAt(), r.revokedAt(),
        r.expiresAt());
  }

  @Override
  public String toString() {
    return "JdbcClientKeyStore[" + table + "]";
  }
}
