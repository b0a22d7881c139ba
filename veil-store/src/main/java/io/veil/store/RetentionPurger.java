package io.veil.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Deletes what has outlived its retention period. Run it from a timer and from
 * {@code veil retention run}; it is idempotent and safe to run on several instances at once.
 *
 * <ul>
 *   <li>vault entries: expired ({@code expires_at}) or older than the period;</li>
 *   <li>audit records: the oldest prefix of the chain up to the newest signed checkpoint whose record is
 *       older than the period. The checkpoint stays as the anchor the rest of the chain is verified
 *       from, so verification keeps working (records younger than the period but before that
 *       checkpoint are never deleted early);</li>
 *   <li>consent history: superseded decisions older than the period (the current one stays);</li>
 *   <li>privacy requests: completed or denied ones closed longer ago than the period.</li>
 * </ul>
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

  /** Rows deleted per data class. */
  public record Report(Map<DataClass, Long> deleted) {
    public Report {
      deleted = Collections.unmodifiableMap(new EnumMap<>(deleted));
    }

    public long total() {
      return deleted.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  public Report run() {
    long now = db.clock().millis();
    EnumMap<DataClass, Long> out = new EnumMap<>(DataClass.class);
    out.put(DataClass.VAULT_ENTRIES, db.withConnection("retention (vault)", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM vault_entries WHERE expires_at <= ? OR created_at <= ?")) {
        ps.setLong(1, now);
        ps.setLong(2, now - policy.periodOf(DataClass.VAULT_ENTRIES).toMillis());
        return (long) ps.executeUpdate();
      }
    }));
    out.put(DataClass.AUDIT_RECORDS, purgeAudit(now - policy.periodOf(DataClass.AUDIT_RECORDS).toMillis()));
    out.put(DataClass.CONSENT_HISTORY, db.withConnection("retention (consent)", c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM consent_events WHERE recorded_at <= ? AND id NOT IN"
          + " (SELECT last_event_id FROM consent_state WHERE last_event_id IS NOT NULL)")) {
        ps.setLong(1, now - policy.periodOf(DataClass.CONSENT_HISTORY).toMillis());
        return (long) ps.executeUpdate();
      }
    }));
    out.put(DataClass.PRIVACY_REQUESTS, db.withConnection("retention (requests)", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM privacy_requests WHERE closed_at IS NOT NULL AND closed_at <= ?")) {
        ps.setLong(1, now - policy.periodOf(DataClass.PRIVACY_REQUESTS).toMillis());
        return (long) ps.executeUpdate();
      }
    }));
    return new Report(out);
  }

  private long purgeAudit(long cutoff) {
    return db.inTransaction("retention (audit)", c -> {
      AuditLog.Head head = AuditLog.lockHead(c);
      long anchor;
      try (PreparedStatement ps = c.prepareStatement("SELECT MAX(k.seq) FROM audit_checkpoints k"
          + " JOIN audit_records r ON r.seq = k.seq WHERE r.recorded_at <= ? AND k.seq > ?")) {
        ps.setLong(1, cutoff);
        ps.setLong(2, head.purgedThrough());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          anchor = rs.getLong(1);
          if (rs.wasNull() || anchor == 0) {
            return 0L;
          }
        }
      }
      long deleted;
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit_records WHERE seq <= ?")) {
        ps.setLong(1, anchor);
        deleted = ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit_checkpoints WHERE seq < ?")) {
        ps.setLong(1, anchor);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE audit_head SET purged_through = ? WHERE id = 1")) {
        ps.setLong(1, anchor);
        ps.executeUpdate();
      }
      return deleted;
    });
  }
}
