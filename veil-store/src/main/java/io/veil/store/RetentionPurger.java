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
 * <p>Bounded work: every table is deleted from in chunks of at most {@link #CHUNK} rows, each its own short
 * transaction, so a large backlog (the first run after months, or a shortened period) neither holds locks
 * the request path needs for the whole purge nor grows the transaction log or H2's undo by millions of rows.
 * The report's counts are exact. A purge interrupted between chunks has deleted part of what it would have
 * deleted and left every invariant in place (the audit trail still verifies); the next run deletes the rest.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class RetentionPurger {
  private final Database db;
  private final RetentionPolicy policy;
  private final int chunk;
  private final Runnable betweenChunks;

  /**
   * Rows per delete statement and per transaction: small enough that a statement holds its locks (and, for the
   * audit trail, the head every append needs) for milliseconds and H2 keeps only a chunk's undo in memory,
   * the page of review17's vault purge and of the idle-key purge (one size for every retention delete).
   */
  static final int CHUNK = 500;

  public RetentionPurger(Database db, RetentionPolicy policy) {
    this(db, policy, CHUNK, () -> {});
  }

  /**
   * @param chunk rows per delete statement and per transaction (see {@link #deleteInChunks})
   * @param betweenChunks run after each committed chunk of every table (tests: to act in the middle of a purge)
   */
  RetentionPurger(Database db, RetentionPolicy policy, int chunk, Runnable betweenChunks) {
    this.db = Objects.requireNonNull(db, "db");
    this.policy = Objects.requireNonNull(policy, "policy");
    if (chunk < 1) {
      throw new IllegalArgumentException("chunk must be positive");
    }
    this.chunk = chunk;
    this.betweenChunks = Objects.requireNonNull(betweenChunks, "betweenChunks");
  }

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
    long vaultPeriod = policy.periodOf(DataClass.VAULT_ENTRIES).toMillis();
    db.withConnection("retention (vault)", c -> {
      db.allowLongStatements(c); // bulk deletes: not bounded by the pool's silence limit
      // token high-water marks outlive their scope's entries by one period (TokenMarks); not counted: no data
      return TokenMarks.purge(c, now - vaultPeriod);
    });
    out.put(DataClass.VAULT_ENTRIES, deleteInChunks("retention (vault)", "vault_entries", "id", 0L, null,
        "(expires_at <= ? OR created_at <= ?)", now, now - vaultPeriod));
    VaultScopes.purge(db); // then the scopes left with neither rows nor marks; not counted: no data
    out.put(DataClass.AUDIT_RECORDS, purgeAudit(now - policy.periodOf(DataClass.AUDIT_RECORDS).toMillis()));
    // the current decision stays: its id is excluded (only ids in the chunk's range can match, so the
    // subquery is narrowed to that range)
    out.put(DataClass.CONSENT_HISTORY, deleteInChunks("retention (consent)", "consent_events", "id", 0L, null,
        "recorded_at <= ? AND id NOT IN (SELECT last_event_id FROM consent_state WHERE last_event_id > ?"
            + " AND last_event_id <= ?)", now - policy.periodOf(DataClass.CONSENT_HISTORY).toMillis(),
        RANGE_LOW, RANGE_HIGH));
    out.put(DataClass.PRIVACY_REQUESTS, deleteInChunks("retention (requests)", "privacy_requests", "id", "", null,
        "closed_at IS NOT NULL AND closed_at <= ?",
        now - policy.periodOf(DataClass.PRIVACY_REQUESTS).toMillis()));
    long keys = purgeIdleSubjectKeys(now - policy.periodOf(DataClass.VAULT_ENTRIES).toMillis());
    return new Report(out, keys);
  }

  /** A parameter of {@link #deleteInChunks}'s condition that stands for the chunk's lower key bound (exclusive). */
  private static final Object RANGE_LOW = new Object();
  /** ... and for its upper key bound (inclusive). */
  private static final Object RANGE_HIGH = new Object();

  /**
   * Deletes the rows of {@code table} that match {@code condition}, walking its primary key {@code key} in
   * ranges of at most {@link #CHUNK} rows: one statement (its own auto-committed transaction) per range, so
   * no statement deletes, locks or logs more than a chunk, whatever the backlog. Each range is found through
   * the primary key index ({@code ORDER BY key LIMIT}), so the walk reads the table once in all. Rows added
   * after the walk began (keys above the largest key then) are left to the next run.
   *
   * @param below a key value below every key ({@code 0} for numbers, {@code ""} for text keys)
   * @param upTo the largest key to look at; null: the largest key when the walk begins
   * @param condition what a row to delete matches besides its key range; "" for every row in range
   * @param params the condition's parameters in order: values, or {@link #RANGE_LOW}/{@link #RANGE_HIGH}
   * @return the rows deleted (exact: the sum of the statements' update counts)
   */
  private long deleteInChunks(String what, String table, String key, Object below, Object upTo, String condition,
      Object... params) {
    Object last = upTo != null ? upTo : db.withConnection(what, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT MAX(" + key + ") FROM " + table);
          ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getObject(1) : null;
      }
    });
    if (last == null) {
      return 0;
    }
    long deleted = 0;
    Object low = below;
    while (true) {
      Object from = low;
      Object[] range = db.withConnection(what, c -> {
        db.allowLongStatements(c); // a chunk is bounded; a slow disk still must not fail it at the silence limit
        Object high;
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(" + key + ") FROM (SELECT " + key + " FROM "
            + table + " WHERE " + key + " > ? AND " + key + " <= ? ORDER BY " + key + " LIMIT " + chunk + ") w")) {
          ps.setObject(1, from);
          ps.setObject(2, last);
          try (ResultSet rs = ps.executeQuery()) {
            high = rs.next() ? rs.getObject(1) : null;
          }
        }
        if (high == null) {
          return null;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE " + key + " > ? AND "
            + key + " <= ?" + (condition.isEmpty() ? "" : " AND " + condition))) {
          ps.setObject(1, from);
          ps.setObject(2, high);
          for (int i = 0; i < params.length; i++) {
            ps.setObject(3 + i, params[i] == RANGE_LOW ? from : params[i] == RANGE_HIGH ? high : params[i]);
          }
          return new Object[] {high, (long) ps.executeUpdate()};
        }
      });
      if (range == null) {
        return deleted;
      }
      low = range[0];
      deleted += (Long) range[1];
      betweenChunks.run();
    }
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
   * Up to {@link #chunk} refs after {@code after} (in order) of keys that seal no vault entry, were last
   * used (or made) at or before {@code idleSince} and belong to no subject with consent, settings or
   * privacy requests; only among {@code among} when it is not null.
   */
  private List<String> idleKeys(Connection c, String after, long idleSince, List<String> among)
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
      ps.setMaxRows(chunk);
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
   * The audit purge in two steps (review17). First, under the chain head's lock and within the pool's silence
   * limit, the new anchor (the newest signed checkpoint whose record is older than {@code cutoff}) is chosen and
   * recorded as {@code purged_through}: a few index reads and one update. Then, with the head free again, the
   * records up to it and the checkpoints before it are deleted in chunks ({@link #deleteInChunks}). Verification
   * reads only the records after {@code purged_through}, so the rows still there between the steps, or left by a
   * run stopped between two chunks, are not part of the chain: the trail verifies at every point, and the next run
   * deletes them (and counts them).
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
    long deleted = deleteInChunks("retention (audit)", "audit_records", "seq", 0L, purgedThrough, "");
    deleteInChunks("retention (audit)", "audit_checkpoints", "seq", 0L, purgedThrough - 1, "");
    return deleted;
  }
}
