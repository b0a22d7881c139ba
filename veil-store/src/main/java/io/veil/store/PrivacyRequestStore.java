package io.veil.store;

import io.veil.store.PrivacyRequest.DenialReason;
import io.veil.store.PrivacyRequest.Kind;
import io.veil.store.PrivacyRequest.Status;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The queue of data-subject requests (access, erasure) with their lifecycle
 * received → verified → completed | denied, due dates from the {@link RegulationProfile}
 * (GDPR 30 days, CCPA 45) and overdue flags.
 *
 * <p>Transitions are compare-and-set on the status column: of two concurrent transitions of one
 * request, exactly one wins; the other gets {@link IllegalStateException}.
 *
 * <p>Thread safety: safe for concurrent use. <b>Security:</b> subjects are stored as pseudonyms.
 */
public final class PrivacyRequestStore {
  private static final Pattern UUID_PATTERN = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final String COLUMNS = "id, tenant, subject_ref, kind, profile, status, received_at, due_at,"
      + " verified_at, closed_at, denial_reason";

  private final Database db;
  private final SubjectKeys keys;

  public PrivacyRequestStore(Database db, SubjectKeys keys) {
    this.db = Objects.requireNonNull(db, "db");
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  /** Files a new request in state RECEIVED, due after the profile's deadline. */
  public PrivacyRequest open(Subject subject, Kind kind, RegulationProfile profile) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(profile, "profile");
    String id = UUID.randomUUID().toString();
    long now = db.clock().millis();
    String ref = keys.pseudonymOf(subject).hex();
    db.withConnection("privacy request", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO privacy_requests (id, tenant, subject_ref, kind,"
          + " profile, status, received_at, due_at) VALUES (?,?,?,?,?,?,?,?)")) {
        ps.setString(1, id);
        ps.setString(2, subject.tenant());
        ps.setString(3, ref);
        ps.setString(4, kind.name());
        ps.setString(5, profile.wireName());
        ps.setString(6, Status.RECEIVED.name());
        ps.setLong(7, now);
        ps.setLong(8, now + profile.requestDeadline().toMillis());
        return ps.executeUpdate();
      }
    });
    return get(id).orElseThrow();
  }

  public Optional<PrivacyRequest> get(String id) {
    if (id == null || !UUID_PATTERN.matcher(id).matches()) {
      throw new IllegalArgumentException("request ids are lower-case UUIDs");
    }
    return db.withConnection("privacy request", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM privacy_requests WHERE id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(map(rs)) : Optional.<PrivacyRequest>empty();
        }
      }
    });
  }

  /** RECEIVED → VERIFIED: the subject's identity was checked. */
  public PrivacyRequest markVerified(String id) {
    return transition(id, Status.VERIFIED, null, Status.RECEIVED);
  }

  /** VERIFIED → COMPLETED: the export was delivered or the erasure done. */
  public PrivacyRequest complete(String id) {
    return transition(id, Status.COMPLETED, null, Status.VERIFIED);
  }

  /** RECEIVED or VERIFIED → DENIED, with the reason. */
  public PrivacyRequest deny(String id, DenialReason reason) {
    Objects.requireNonNull(reason, "reason");
    return transition(id, Status.DENIED, reason, Status.RECEIVED, Status.VERIFIED);
  }

  private PrivacyRequest transition(String id, Status to, DenialReason reason, Status... from) {
    PrivacyRequest current = get(id).orElseThrow(() -> new NoSuchElementException("no such privacy request"));
    boolean allowed = false;
    for (Status f : from) {
      allowed |= current.status() == f;
    }
    if (!allowed) {
      throw new IllegalStateException("a " + current.status() + " request cannot become " + to);
    }
    long now = db.clock().millis();
    int updated = db.withConnection("privacy request transition", c -> {
      String set = to == Status.VERIFIED ? "verified_at = ?" : "closed_at = ?, denial_reason = ?";
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE privacy_requests SET status = ?, " + set + " WHERE id = ? AND status = ?")) {
        int i = 1;
        ps.setString(i++, to.name());
        ps.setLong(i++, now);
        if (to != Status.VERIFIED) {
          ps.setString(i++, reason == null ? null : reason.name());
        }
        ps.setString(i++, id);
        ps.setString(i, current.status().name());
        return ps.executeUpdate();
      }
    });
    if (updated == 0) {
      throw new IllegalStateException("the request changed concurrently; reload it");
    }
    return get(id).orElseThrow();
  }

  /** Open requests of the tenant, earliest due first (at most {@code limit}, 1–1000). */
  public List<PrivacyRequest> queue(String tenant, int limit) {
    return list(tenant, limit, false);
  }

  /** All requests of the tenant, closed ones included, newest first (at most {@code limit}, 1–1000). */
  public List<PrivacyRequest> all(String tenant, int limit) {
    Ids.requireTenant(tenant);
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be 1-1000");
    }
    return db.withConnection("privacy requests", c -> {
      List<PrivacyRequest> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM privacy_requests WHERE tenant = ?"
          + " ORDER BY received_at DESC, id")) {
        ps.setString(1, tenant);
        ps.setMaxRows(limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(map(rs));
          }
        }
      }
      return out;
    });
  }

  /** Open requests of the tenant that are past their due date. */
  public List<PrivacyRequest> overdue(String tenant, int limit) {
    return list(tenant, limit, true);
  }

  /** The subject's requests, newest first (at most 1000). */
  public List<PrivacyRequest> ofSubject(Subject subject) {
    String ref = keys.pseudonymOf(Objects.requireNonNull(subject, "subject")).hex();
    return db.withConnection("privacy requests", c -> byRef(c, ref));
  }

  List<PrivacyRequest> byRef(Connection c, String ref) throws SQLException {
    List<PrivacyRequest> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT " + COLUMNS + " FROM privacy_requests WHERE subject_ref = ? ORDER BY received_at DESC")) {
      ps.setString(1, ref);
      ps.setMaxRows(1000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(map(rs));
        }
      }
    }
    return out;
  }

  private List<PrivacyRequest> list(String tenant, int limit, boolean overdueOnly) {
    Ids.requireTenant(tenant);
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be 1-1000");
    }
    long now = db.clock().millis();
    return db.withConnection("privacy request queue", c -> {
      List<PrivacyRequest> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM privacy_requests WHERE tenant = ?"
          + " AND status IN ('RECEIVED', 'VERIFIED')" + (overdueOnly ? " AND due_at < ?" : "") + " ORDER BY due_at, id")) {
        ps.setString(1, tenant);
        if (overdueOnly) {
          ps.setLong(2, now);
        }
        ps.setMaxRows(limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(map(rs));
          }
        }
      }
      return out;
    });
  }

  private PrivacyRequest map(ResultSet rs) throws SQLException {
    Status status = Status.valueOf(rs.getString(6));
    long due = rs.getLong(8);
    long verified = rs.getLong(9);
    boolean hasVerified = !rs.wasNull();
    long closed = rs.getLong(10);
    boolean hasClosed = !rs.wasNull();
    String reason = rs.getString(11);
    return new PrivacyRequest(rs.getString(1), rs.getString(2), new Pseudonym(rs.getString(3)),
        Kind.valueOf(rs.getString(4)), RegulationProfile.fromWire(rs.getString(5)), status,
        Instant.ofEpochMilli(rs.getLong(7)), Instant.ofEpochMilli(due),
        hasVerified ? Optional.of(Instant.ofEpochMilli(verified)) : Optional.empty(),
        hasClosed ? Optional.of(Instant.ofEpochMilli(closed)) : Optional.empty(),
        reason == null ? Optional.empty() : Optional.of(DenialReason.valueOf(reason)),
        status.isOpen() && db.clock().millis() > due);
  }
}
