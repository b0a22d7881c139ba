package io.veil.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-subject {@link PrivacySettings}. Last write wins; writes from several instances are atomic.
 *
 * <p>Thread safety: safe for concurrent use. <b>Security:</b> subjects are stored as pseudonyms.
 */
public final class PrivacySettingsStore {
  private final Database db;
  private final SubjectKeys keys;
  private final SubjectStateCache<Optional<PrivacySettings>> cache;

  /** Without a cache: every {@link #get} reads the database. */
  public PrivacySettingsStore(Database db, SubjectKeys keys) {
    this(db, keys, Duration.ZERO);
  }

  /**
   * With {@link #get} answers cached per subject for up to {@code cacheTtl} (zero: no cache). Changes
   * and erasures made in this process take effect on the next lookup; a change made by another
   * process sharing the (PostgreSQL) database, as soon as its notification arrives here (see
   * {@link SubjectStateCache}); while this process's change listener is down, nothing is served from
   * the cache.
   */
  public PrivacySettingsStore(Database db, SubjectKeys keys, Duration cacheTtl) {
    this.db = Objects.requireNonNull(db, "db");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.cache = cacheTtl.isZero() ? null : new SubjectStateCache<>(keys, db.subjectChanges(), cacheTtl, 100_000);
  }

  /** The subject's settings; empty when never set (apply {@link PrivacySettings#DEFAULT} or the policy's). */
  public Optional<PrivacySettings> get(Subject subject) {
    String ref = keys.pseudonymOf(Objects.requireNonNull(subject, "subject")).hex();
    if (cache == null) {
      return db.withConnection("settings lookup", c -> byRef(c, ref));
    }
    return cache.get(ref, () -> db.withConnection("settings lookup", c -> byRef(c, ref)));
  }

  static Optional<PrivacySettings> byRef(Connection c, String ref) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT logging, mode FROM privacy_settings WHERE subject_ref = ?")) {
      ps.setString(1, ref);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new PrivacySettings(PrivacySettings.Logging.fromWire(rs.getString(1)),
                PrivacySettings.Mode.fromWire(rs.getString(2))))
            : Optional.empty();
      }
    }
  }

  /** Stores the subject's settings, replacing earlier ones. */
  public void put(Subject subject, PrivacySettings settings) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(settings, "settings");
    String ref = keys.pseudonymOf(subject).hex();
    long now = db.clock().millis();
    try {
      update(subject, settings, ref, now);
    } finally {
      if (cache != null) {
        cache.written(ref);
      }
    }
  }

  private void update(Subject subject, PrivacySettings settings, String ref, long now) {
    // one transaction with the change notification, so other instances hear of it exactly when it commits;
    // a concurrent first insert by another writer is retried as an update (savepoint: PostgreSQL aborts
    // the whole transaction on a failed statement otherwise)
    db.inTransaction("settings update", c -> {
      for (int attempt = 0; attempt < 3; attempt++) {
        try (PreparedStatement up = c.prepareStatement(
            "UPDATE privacy_settings SET logging = ?, mode = ?, updated_at = ? WHERE subject_ref = ?")) {
          up.setString(1, settings.logging().wireName());
          up.setString(2, settings.mode().wireName());
          up.setLong(3, now);
          up.setString(4, ref);
          if (up.executeUpdate() > 0) {
            db.subjectChanges().publish(c, SubjectChangeFeed.Kind.SETTINGS, ref);
            return null;
          }
        }
        Savepoint sp = c.setSavepoint();
        try (PreparedStatement in = c.prepareStatement(
            "INSERT INTO privacy_settings (subject_ref, tenant, logging, mode, updated_at) VALUES (?,?,?,?,?)")) {
          in.setString(1, ref);
          in.setString(2, subject.tenant());
          in.setString(3, settings.logging().wireName());
          in.setString(4, settings.mode().wireName());
          in.setLong(5, now);
          in.executeUpdate();
          c.releaseSavepoint(sp);
          db.subjectChanges().publish(c, SubjectChangeFeed.Kind.SETTINGS, ref);
          return null;
        } catch (SQLException e) {
          if (!Database.isUniqueViolation(e)) {
            throw e;
          }
          c.rollback(sp);
        }
      }
      throw new StoreException("settings update kept conflicting");
    });
  }

  /** Deletes the subject's settings; true if there were any. */
  public boolean delete(Subject subject) {
    String ref = keys.pseudonymOf(Objects.requireNonNull(subject, "subject")).hex();
    try {
      return db.inTransaction("settings delete", c -> {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM privacy_settings WHERE subject_ref = ?")) {
          ps.setString(1, ref);
          boolean deleted = ps.executeUpdate() > 0;
          if (deleted) {
            db.subjectChanges().publish(c, SubjectChangeFeed.Kind.SETTINGS, ref);
          }
          return deleted;
        }
      });
    } finally {
      if (cache != null) {
        cache.written(ref);
      }
    }
  }
}
