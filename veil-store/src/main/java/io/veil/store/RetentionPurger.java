package io.veil.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Deletes what has outlived its retention period. Run it from a timer and from
 * {@code veil retention run}; it is idempotent and safe to run on several instances at once.
 *
 * <ul>
 *   <li>vault entries: expired ({@code expires_at}) or older than the period; a conversation's token
 *       high-water marks ({@link TokenMarks}) one period after its newest entry expired;</li>
 *   <li>audit records: the oldest prefix of the chain up to the newest signed checkpoint whose record is
 *       older than the period. The checkpoint stays as the anchor the rest of the chain is verified
 *       from, so verification keeps working (records younger than the period but before that
 *       checkpoint are never deleted early);</li>
 *   <li>consent history: superseded decisions older than the period (the current one stays);</li>
 *   <li>privacy requests: completed or denied ones closed longer ago than the period.</li>
 *   <li>subject keys left idle: a data key that seals no vault entry any more, has not sealed one for
 *       the vault period, and whose subject has no consent record, privacy settings or privacy request
 *       (in practice: the key of each per-conversation subject, one per anonymous conversation). It
 *       protects nothing, so deleting it loses nothing; the subject gets a new key with its next value.
 *       Counted in {@link Report#subjectKeysPurged()}, announced to the other instances like a key
 *       destruction.</li>
 * </ul>
 *
 * <p>Race with the vault (several instances): the vault stores a value only in a transaction that
 * first locks and marks its key row ({@link SubjectKeys#claim}); the purge locks its candidate key rows
 * and only then checks, in a new statement, that they are still idle and unreferenced. Either the
 * vault's transaction committed first (the purge sees its row or its mark and keeps the key), or the
 * purge committed first (the vault finds the key gone and seals the value again under a new key). No
 * value is ever stored under a deleted key, and no request fails because of the purge.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class RetentionPurger {
  private final Database db;
  private final RetentionPolicy policy;

  public RetentionPurger(Database db, RetentionPolicy policy) {
    this.db = Objects.requireNonNull(db, "db");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  private static final int PAGE = 500;

  /**
   * Rows deleted per data class, and the idle subject keys deleted (not a data class of its own: a
   * key goes when nothing it sealed is left).
   */
  public record Report(Map<DataClass, Long> deleted, long subjectKeysPurged) {
    public Report {
      deleted = Collections.unmodifiableMap(new EnumMap<>(deleted));
      if (subjectKeysPurged < 0) {
        throw new IllegalArgumentException("subjectKeysPurged must not be negative");
      }
    }

    public Report(Map<DataClass, Long> deleted) {
      this(deleted, 0);
    }

    /** Rows of the data classes deleted (subject keys not included). */
    public long total() {
      return deleted.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  public Report run() {
    long now = db.clock().millis();
    EnumMap<DataClass, Long> out = new EnumMap<>(DataClass.class);
    out.put(DataClass.VAULT_ENTRIES, db.withConnection("retention (vault)", c -> {
      db.allowLongStatements(c); // bulk deletes: not bounded by the pool's silence limit
      long vaultPeriod = policy.periodOf(DataClass.VAULT_ENTRIES).toMillis();
      // token high-water marks outlive their scope's entries by one period (TokenMarks); not counted: no data
      TokenMarks.purge(c, now - vaultPeriod);
      return purgeVaultEntries(c, now, now - vaultPeriod);
    }));
    VaultScopes.purge(db); // then the scopes left with neither rows nor marks; not counted: no data
    out.put(DataClass.AUDIT_RECORDS, purgeAudit(now - policy.periodOf(DataClass.AUDIT_RECORDS).toMillis()));
    out.put(DataClass.CONSENT_HISTORY, db.withConnection("retention (consent)", c -> {
      db.allowLongStatements(c); // bulk deletes: not bounded by the pool's silence limit
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM consent_events WHERE recorded_at <= ? AND id NOT IN"
          + " (SELECT last_event_id FROM consent_state WHERE last_event_id IS NOT NULL)")) {
        ps.setLong(1, now - policy.periodOf(DataClass.CONSENT_HISTORY).toMillis());
        return (long) ps.executeUpdate();
      }
    }));
    out.put(DataClass.PRIVACY_REQUESTS, db.withConnection("retention (requests)", c -> {
      db.allowLongStatements(c); // bulk deletes: not bounded by the pool's silence limit
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM privacy_requests WHERE closed_at IS NOT NULL AND closed_at <= ?")) {
        ps.setLong(1, now - policy.periodOf(DataClass.PRIVACY_REQUESTS).toMillis());
        return (long) ps.executeUpdate();
      }
    }));
    long keys = purgeIdleSubjectKeys(now - policy.periodOf(DataClass.VAULT_ENTRIES).toMillis());
    return new Report(out, keys);
  }

  /** Deletes idle subject keys (see the class comment), a page at a time; returns how many. */
  private long purgeIdleSubjectKeys(long idleSince) {
    long purged = 0;
    String after = "";
    while (true) {
      String from = after;
      List<String> page = db.withConnection("retention (subject keys)", c -> {
        db.allowLongStatements(c); // a scan of the keys with five NOT EXISTS: may take long on a large store
        return idleKeys(c, from, idleSince, null);
      });
      if (page.isEmpty()) {
        return purged;
      }
      purged += db.inTransaction("retention (subject keys)", c -> {
        // 1. lock the candidates: a vault insert that claimed one of them first has committed when this returns.
        //    In key order (PostgreSQL locks the rows in the order the query returns them, without ORDER BY in
        //    their physical order): the vault's group commits claim keys in ascending order too, and so does the
        //    purge of another instance, so none of them can deadlock with this
        try (PreparedStatement ps = c.prepareStatement("SELECT subject_ref FROM subject_keys WHERE subject_ref IN ("
            + placeholders(page.size()) + ") ORDER BY subject_ref FOR UPDATE")) {
          for (int i = 0; i < page.size(); i++) {
            ps.setString(i + 1, page.get(i));
          }
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              // locked
            }
          }
        }
        // 2. check again in a new statement (it sees everything committed before the locks were granted);
        //    nobody can claim these rows until this transaction ends
        List<String> idle = idleKeys(c, "", idleSince, page);
        if (idle.isEmpty()) {
          return 0L;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM subject_keys WHERE subject_ref IN ("
            + placeholders(idle.size()) + ")")) {
          for (int i = 0; i < idle.size(); i++) {
            ps.setString(i + 1, idle.get(i));
          }
          ps.executeUpdate();
        }
        for (String ref : idle) {
          db.subjectChanges().publish(c, SubjectChangeFeed.Kind.ERASURE, ref); // other instances drop cached copies
        }
        return (long) idle.size();
      });
      after = page.get(page.size() - 1);
    }
  }

  /**
   * Up to {@link #PAGE} refs after {@code after} (in order) of keys that seal no vault entry, were last
   * used (or made) at or before {@code idleSince} and belong to no subject with consent, settings or
   * privacy requests; only among {@code among} when it is not null.
   */
  private static List<String> idleKeys(Connection c, String after, long idleSince, List<String> among)
      throws SQLException {
    String sql = "SELECT k.subject_ref FROM subject_keys k WHERE k.subject_ref > ?"
        + " AND COALESCE(k.used_at, k.created_at) <= ?"
        + (among == null ? "" : " AND k.subject_ref IN (" + placeholders(among.size()) + ")")
        + " AND NOT EXISTS (SELECT 1 FROM vault_entries v WHERE v.subject_ref = k.subject_ref)"
        + " AND NOT EXISTS (SELECT 1 FROM consent_state s WHERE s.subject_ref = k.subject_ref)"
        + " AND NOT EXISTS (SELECT 1 FROM consent_events e WHERE e.subject_ref = k.subject_ref)"
        + " AND NOT EXISTS (SELECT 1 FROM privacy_settings p WHERE p.subject_ref = k.subject_ref)"
        + " AND NOT EXISTS (SELECT 1 FROM privacy_requests r WHERE r.subject_ref = k.subject_ref)"
        + " ORDER BY k.subject_ref";
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, after);
      ps.setLong(2, idleSince);
      if (among != null) {
        for (int i = 0; i < among.size(); i++) {
          ps.setString(3 + i, among.get(i));
        }
      }
      ps.setMaxRows(PAGE);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  private static String placeholders(int n) {
    return String.join(",", Collections.nCopies(n, "?"));
  }

  /**
   * Deletes the vault rows that expired by {@code now} or were created by {@code createdBy}, {@value #PAGE} rows per
   * statement (found by id, in id order). A request that meets an expired row of its conversation deletes it itself
   * ({@code JdbcTokenVault}) and so waits for a purge that has locked that row: one statement over the whole backlog
   * held its rows locked until it ended (minutes on a large store; the silence limit lifted for it), and the request
   * failed at the limit with 503 (review17). Now a row stays locked for one page's delete.
   */
  private static long purgeVaultEntries(Connection c, long now, long createdBy) throws SQLException {
    long deleted = 0;
    long after = 0;
    while (true) {
      List<Long> ids = new ArrayList<>(PAGE);
      try (PreparedStatement ps = c.prepareStatement("SELECT id FROM vault_entries WHERE id > ?"
          + " AND (expires_at <= ? OR created_at <= ?) ORDER BY id")) {
        ps.setLong(1, after);
        ps.setLong(2, now);
        ps.setLong(3, createdBy);
        ps.setMaxRows(PAGE);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getLong(1));
          }
        }
      }
      if (ids.isEmpty()) {
        return deleted;
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM vault_entries WHERE id IN ("
          + placeholders(ids.size()) + ") AND (expires_at <= ? OR created_at <= ?)")) {
        int i = 1;
        for (long id : ids) {
          ps.setLong(i++, id);
        }
        ps.setLong(i++, now);
        ps.setLong(i, createdBy);
        deleted += ps.executeUpdate();
      }
      after = ids.get(ids.size() - 1);
    }
  }

  /**
   * The audit purge in two steps. First, under the chain head's lock and within the pool's silence limit, the new
   * anchor is chosen and recorded as {@code purged_through}: a few index reads and one update. Then, with the head
   * free again, the records up to it (and the checkpoints before it) are deleted without the limit. Every request's
   * audit append locks the head: while the bulk delete ran under that lock (minutes on a large trail), each of them
   * waited for it beyond the silence limit and failed with 503 (review17). Verification reads only the records after
   * {@code purged_through}, so the rows still there between the steps are not part of the chain; rows a run left
   * there (it stopped between the steps) are deleted by the next run.
   */
  private long purgeAudit(long cutoff) {
    long purgedThrough = db.inTransaction("retention (audit anchor)", c -> {
      AuditLog.Head head = AuditLog.lockHead(c);
      try (PreparedStatement ps = c.prepareStatement("SELECT MAX(k.seq) FROM audit_checkpoints k"
          + " JOIN audit_records r ON r.seq = k.seq WHERE r.recorded_at <= ? AND k.seq > ?")) {
        ps.setLong(1, cutoff);
        ps.setLong(2, head.purgedThrough());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          long anchor = rs.getLong(1);
          if (rs.wasNull() || anchor == 0) {
            return head.purgedThrough();
          }
          try (PreparedStatement up = c.prepareStatement("UPDATE audit_head SET purged_through = ? WHERE id = 1")) {
            up.setLong(1, anchor);
            up.executeUpdate();
          }
          return anchor;
        }
      }
    });
    if (purgedThrough == 0) {
      return 0L;
    }
    return db.inTransaction("retention (audit)", c -> {
      db.allowLongStatements(c); // bulk deletes: not bounded by the pool's silence limit, and no lock requests wait on
      long deleted;
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit_records WHERE seq <= ?")) {
        ps.setLong(1, purgedThrough);
        deleted = ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit_checkpoints WHERE seq < ?")) {
        ps.setLong(1, purgedThrough);
        ps.executeUpdate();
      }
      return deleted;
    });
  }

}
