package io.veil.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-subject, per-purpose consent with its full history as proof. Data only: whether a request may
 * proceed is the gateway's decision, made from {@link #current(Subject, Purpose)} and the regulation
 * profile (absent = no decision yet: opt-in under GDPR means "no", opt-out under CCPA means "yes").
 *
 * <p>Every change appends to {@code consent_events} (never updated or deleted, except by retention
 * for superseded events) and updates {@code consent_state} in the same transaction, under a row lock
 * per (subject, purpose): concurrent changes, also from several instances, are serialized, and the
 * current state is always the newest decision of the history (by decision time, ties by arrival).
 *
 * <p>Thread safety: safe for concurrent use. <b>Security:</b> subjects are stored as pseudonyms.
 */
public final class ConsentStore {
  private static final int MAX_HISTORY = 10_000;
  private static final Duration MAX_FUTURE_SKEW = Duration.ofMinutes(5);

  private final Database db;
  private final SubjectKeys keys;
  private final SubjectStateCache<Map<Purpose, ConsentDecision>> cache;

  /** Without a cache: every {@link #current} reads the database. */
  public ConsentStore(Database db, SubjectKeys keys) {
    this(db, keys, Duration.ZERO);
  }

  /**
   * With {@link #current} answers cached per subject for up to {@code cacheTtl} (zero: no cache).
   * Decisions recorded and erasures made in this process take effect on the next lookup; a decision
   * recorded by another process sharing the (PostgreSQL) database, as soon as its notification arrives
   * here (see {@link SubjectStateCache}); while this process's change listener is down, nothing is
   * served from the cache.
   */
  public ConsentStore(Database db, SubjectKeys keys, Duration cacheTtl) {
    this.db = Objects.requireNonNull(db, "db");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.cache = cacheTtl.isZero() ? null : new SubjectStateCache<>(keys, db.subjectChanges(), cacheTtl, 100_000);
  }

  /** Records that the subject granted {@code purpose} now. */
  public ConsentDecision grant(Subject subject, Purpose purpose, String source, String noticeVersion) {
    return record(subject, purpose, true, db.clock().instant(), source, noticeVersion);
  }

  /** Records that the subject withdrew {@code purpose} now. */
  public ConsentDecision withdraw(Subject subject, Purpose purpose, String source, String noticeVersion) {
    return record(subject, purpose, false, db.clock().instant(), source, noticeVersion);
  }

  /**
   * Records a decision taken at {@code decidedAt} (e.g. collected offline). It always enters the
   * history; it becomes the current state unless a newer decision is already there.
   *
   * @throws IllegalArgumentException if {@code decidedAt} lies more than 5 minutes in the future or an id is malformed
   */
  public ConsentDecision record(Subject subject, Purpose purpose, boolean granted, Instant decidedAt, String source,
      String noticeVersion) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(decidedAt, "decidedAt");
    Ids.requireShortId("source", source);
    Ids.requireShortId("noticeVersion", noticeVersion);
    if (decidedAt.isAfter(db.clock().instant().plus(MAX_FUTURE_SKEW))) {
      throw new IllegalArgumentException("decidedAt lies in the future");
    }
    String ref = keys.pseudonymOf(subject).hex();
    try {
      return recordByRef(subject, ref, purpose, granted, decidedAt, source, noticeVersion);
    } finally {
      if (cache != null) {
        cache.written(ref);
      }
    }
  }

  private ConsentDecision recordByRef(Subject subject, String ref, Purpose purpose, boolean granted, Instant decidedAt,
      String source, String noticeVersion) {
    ensureStateRow(subject.tenant(), ref, purpose);
    return db.inTransaction("consent change", c -> {
      Long stateDecided;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT decided_at FROM consent_state WHERE subject_ref = ? AND purpose = ? FOR UPDATE")) {
        ps.setString(1, ref);
        ps.setString(2, purpose.wireName());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new StoreException("consent state row vanished");
          }
          long v = rs.getLong(1);
          stateDecided = rs.wasNull() ? null : v;
        }
      }
      long now = db.clock().millis();
      long id;
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO consent_events (tenant, subject_ref, purpose, granted,"
          + " decided_at, source, notice_version, recorded_at) VALUES (?,?,?,?,?,?,?,?)", Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, subject.tenant());
        ps.setString(2, ref);
        ps.setString(3, purpose.wireName());
        ps.setBoolean(4, granted);
        ps.setLong(5, decidedAt.toEpochMilli());
        ps.setString(6, source);
        ps.setString(7, noticeVersion);
        ps.setLong(8, now);
        ps.executeUpdate();
        try (ResultSet keysRs = ps.getGeneratedKeys()) {
          keysRs.next();
          id = keysRs.getLong(1);
        }
      }
      if (stateDecided == null || decidedAt.toEpochMilli() >= stateDecided) {
        try (PreparedStatement ps = c.prepareStatement("UPDATE consent_state SET granted = ?, decided_at = ?, source = ?,"
            + " notice_version = ?, last_event_id = ? WHERE subject_ref = ? AND purpose = ?")) {
          ps.setBoolean(1, granted);
          ps.setLong(2, decidedAt.toEpochMilli());
          ps.setString(3, source);
          ps.setString(4, noticeVersion);
          ps.setLong(5, id);
          ps.setString(6, ref);
          ps.setString(7, purpose.wireName());
          ps.executeUpdate();
        }
        // other instances' caches drop this subject when (and only if) this transaction commits
        db.subjectChanges().publish(c, SubjectChangeFeed.Kind.CONSENT, ref);
      }
      return new ConsentDecision(id, purpose, granted, Instant.ofEpochMilli(decidedAt.toEpochMilli()), source,
          noticeVersion, Instant.ofEpochMilli(now));
    });
  }

  private void ensureStateRow(String tenant, String ref, Purpose purpose) {
    db.withConnection("consent state", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO consent_state (subject_ref, purpose, tenant) VALUES (?, ?, ?)")) {
        ps.setString(1, ref);
        ps.setString(2, purpose.wireName());
        ps.setString(3, tenant);
        ps.executeUpdate();
      } catch (SQLException e) {
        if (!Database.isUniqueViolation(e)) {
          throw e;
        }
      }
      return null;
    });
  }

  /** The current decision for one purpose; empty when the subject never decided. */
  public Optional<ConsentDecision> current(Subject subject, Purpose purpose) {
    Objects.requireNonNull(purpose, "purpose");
    return Optional.ofNullable(current(subject).get(purpose));
  }

  /** The current decision per purpose (purposes never decided are absent). */
  public Map<Purpose, ConsentDecision> current(Subject subject) {
    Objects.requireNonNull(subject, "subject");
    String ref = keys.pseudonymOf(subject).hex();
    if (cache == null) {
      return db.withConnection("consent lookup", c -> currentByRef(c, ref));
    }
    return cache.get(ref, () -> Collections.unmodifiableMap(db.withConnection("consent lookup", c -> currentByRef(c, ref))));
  }

  static Map<Purpose, ConsentDecision> currentByRef(Connection c, String ref) throws SQLException {
    Map<Purpose, ConsentDecision> out = new EnumMap<>(Purpose.class);
    try (PreparedStatement ps = c.prepareStatement("SELECT s.purpose, s.granted, s.decided_at, s.source,"
        + " s.notice_version, s.last_event_id, e.recorded_at FROM consent_state s"
        + " LEFT JOIN consent_events e ON e.id = s.last_event_id WHERE s.subject_ref = ? AND s.granted IS NOT NULL")) {
      ps.setString(1, ref);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Purpose p = Purpose.fromWire(rs.getString(1));
          out.put(p, new ConsentDecision(rs.getLong(6), p, rs.getBoolean(2), Instant.ofEpochMilli(rs.getLong(3)),
              rs.getString(4), rs.getString(5), Instant.ofEpochMilli(rs.getLong(7))));
        }
      }
    }
    return out;
  }

  /** The subject's consent history, oldest first (at most 10,000 entries). */
  public List<ConsentDecision> history(Subject subject) {
    Objects.requireNonNull(subject, "subject");
    String ref = keys.pseudonymOf(subject).hex();
    return db.withConnection("consent history", c -> {
      List<ConsentDecision> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id, purpose, granted, decided_at, source, notice_version,"
          + " recorded_at FROM consent_events WHERE subject_ref = ? ORDER BY id")) {
        ps.setString(1, ref);
        ps.setMaxRows(MAX_HISTORY);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(event(rs));
          }
        }
      }
      return out;
    });
  }

  static ConsentDecision event(ResultSet rs) throws SQLException {
    return new ConsentDecision(rs.getLong(1), Purpose.fromWire(rs.getString(2)), rs.getBoolean(3),
        Instant.ofEpochMilli(rs.getLong(4)), rs.getString(5), rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)));
  }

  /** Per purpose: how many subjects of the tenant currently grant and how many withdrew. */
  public Map<Purpose, ConsentCounts> statistics(String tenant) {
    Ids.requireTenant(tenant);
    return db.withConnection("consent statistics", c -> {
      Map<Purpose, ConsentCounts> out = new EnumMap<>(Purpose.class);
      for (Purpose p : Purpose.values()) {
        out.put(p, new ConsentCounts(0, 0));
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT purpose, granted, COUNT(*) FROM consent_state"
          + " WHERE tenant = ? AND granted IS NOT NULL GROUP BY purpose, granted")) {
        ps.setString(1, tenant);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Purpose p = Purpose.fromWire(rs.getString(1));
            ConsentCounts old = out.get(p);
            out.put(p, rs.getBoolean(2) ? new ConsentCounts(rs.getLong(3), old.withdrawn())
                : new ConsentCounts(old.granted(), rs.getLong(3)));
          }
        }
      }
      return out;
    });
  }

  /** Subjects currently granting / having withdrawn one purpose. */
  public record ConsentCounts(long granted, long withdrawn) {}
}
