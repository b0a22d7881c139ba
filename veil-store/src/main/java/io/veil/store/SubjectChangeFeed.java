package io.veil.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;

/**
 * Tells every process sharing the database that a subject's cached state changed: consent recorded,
 * privacy settings changed, subject erased or its data key destroyed (by erasure, by
 * {@link SubjectKeys#destroy} or by the retention purge of idle keys), or a conversation's vault entries
 * cleared. The per-process caches ({@link SubjectStateCache}, the data-key cache of {@link SubjectKeys},
 * the per-request snapshots of {@link JdbcTokenVault}) subscribe to it.
 *
 * <p>Two kinds, one per database: {@link LocalChangeFeed} (H2, one process: nothing to tell anyone
 * else, the caches are always {@linkplain #trusted() trusted}) and {@link PostgresChangeFeed}
 * ({@code NOTIFY} inside the writing transaction, one {@code LISTEN} connection per process).
 *
 * <p>The payload of a change is {@code <kind letter>:<pseudonym hex>}: the subject's keyed hash that
 * the tables already hold, never the subject id (see {@link #payload}); for {@link Kind#VAULT_CLEAR}
 * the 64 hex digits are a keyed hash of the cleared scope (tenant and conversation id), never the ids;
 * for {@link Kind#CLIENT_KEYS} the SHA-256 of the changed key's public id.
 *
 * <p>Thread safety: implementations are thread-safe.
 */
sealed interface SubjectChangeFeed extends AutoCloseable permits LocalChangeFeed, PostgresChangeFeed {

  /** What changed; the receivers decide what to drop. */
  enum Kind {
    CONSENT('c'), SETTINGS('s'), ERASURE('e'),
    /** A conversation's vault entries were cleared ({@link JdbcTokenVault#clear}); the ref is a keyed hash of the scope. */
    VAULT_CLEAR('v'),
    /**
     * A gateway client key was created, revoked or imported ({@link ClientKeyTable}); the ref is the
     * SHA-256 of the key's public id (never its secret or the secret's hash). Receivers drop every
     * cached key lookup.
     */
    CLIENT_KEYS('k');

    final char letter;

    Kind(char letter) {
      this.letter = letter;
    }
  }

  /** A receiver of changes (a cache). Called on the listener thread; must be quick and not throw. */
  interface Subscriber {
    /** Another process (or this one) committed a change of {@code ref}'s state. */
    void changed(Kind kind, String ref);

    /**
     * As {@link #changed(Kind, String)}; {@code appliedHere}: this process published it with
     * {@link #publishApplied} (its caller tells this process's own listeners itself).
     */
    default void changed(Kind kind, String ref, boolean appliedHere) {
      changed(kind, ref);
    }

    /** Changes may have been missed: drop everything cached. */
    void reset();
  }

  /**
   * Announces a change of {@code ref} on {@code c}, inside the caller's transaction: delivered to the
   * other processes only if and when that transaction commits.
   */
  void publish(Connection c, Kind kind, String ref) throws SQLException;

  /**
   * As {@link #publish}, for a change whose caller also tells this process's own listeners (an erasure through
   * {@code Governance.erase}): when this process hears it back, its subscribers get {@code appliedHere = true}.
   */
  default void publishApplied(Connection c, Kind kind, String ref) throws SQLException {
    publish(c, kind, ref);
  }

  /** Registers a receiver for as long as the database is open. */
  void subscribe(Subscriber s);

  /**
   * True while a cache may serve what it holds: changes made by any process sharing the database
   * reach the subscribers. False (PostgreSQL) while the listener is not connected or has not confirmed
   * its connection recently: caches must then read through and keep nothing.
   */
  boolean trusted();

  /** The feed's state for health checks and metrics. */
  ChangeFeedStatus status();

  @Override
  void close();

  /** {@code <kind letter>:<64 lowercase hex>}; the ref is a {@link Pseudonym}'s hex (a keyed hash, no personal data). */
  static String payload(Kind kind, String ref) {
    Objects.requireNonNull(kind, "kind");
    if (!isRef(ref)) {
      throw new IllegalArgumentException("not a subject pseudonym");
    }
    return kind.letter + ":" + ref;
  }

  /** A received payload, or empty when it is not one this version writes (the receiver then resets). */
  static Optional<Change> parse(String payload) {
    if (payload == null || payload.length() != 66 || payload.charAt(1) != ':') {
      return Optional.empty();
    }
    String ref = payload.substring(2);
    if (!isRef(ref)) {
      return Optional.empty();
    }
    for (Kind k : Kind.values()) {
      if (k.letter == payload.charAt(0)) {
        return Optional.of(new Change(k, ref));
      }
    }
    return Optional.empty();
  }

  /** One parsed change. */
  record Change(Kind kind, String ref) {}

  private static boolean isRef(String ref) {
    if (ref == null || ref.length() != 64) {
      return false;
    }
    for (int i = 0; i < ref.length(); i++) {
      char ch = ref.charAt(i);
      if (!(ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f')) {
        return false;
      }
    }
    return true;
  }
}
