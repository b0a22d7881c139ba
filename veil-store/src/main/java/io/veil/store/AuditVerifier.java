package io.veil.store;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Checks the audit trail end to end and exports it.
 *
 * <p>{@link #verify()} walks the chain in sequence order and checks: sequence numbers are gap-free
 * (from 1, or from the signed checkpoint retention purged up to); each record's {@code prev_hash} is
 * its predecessor's hash; each hash recomputes; a record that still names its subject matches its
 * commitment; every checkpoint's Ed25519 signature verifies and its hash equals the record it covers;
 * no checkpoint covers a record that is missing (tail truncation); the head row agrees with the last
 * record. The first failure is named by sequence number.
 *
 * <p>Limits (documented in docs/notes/store.md): records appended after the newest checkpoint are
 * protected by the chain only; someone who can rewrite the database could drop them together with the
 * head row. Export checkpoints elsewhere (e.g. {@link #export}) to close that window.
 *
 * <p>Memory is bounded: records are streamed; checkpoints (one per N records) are held in memory.
 *
 * <p>Thread safety: safe for concurrent use; verification reads a consistent snapshot on PostgreSQL
 * (one repeatable-read transaction), and on H2 the records committed when each row is read.
 */
public final class AuditVerifier {
  private static final int FETCH = 500;

  private final Database db;
  private final String publicKeyset;

  /** Verifies with the public half of {@code keys}' signing keyset. */
  public AuditVerifier(Database db, KeyManager keys) {
    this(db, Objects.requireNonNull(keys, "keys").signingPublicKeyset());
  }

  /** Verifies with a public keyset exported by {@link KeyManager#signingPublicKeyset()}. */
  public AuditVerifier(Database db, String publicKeysetJson) {
    this.db = Objects.requireNonNull(db, "db");
    this.publicKeyset = Objects.requireNonNull(publicKeysetJson, "publicKeysetJson");
  }

  private record Checkpoint(long seq, String hash, long signedAt, String signature) {}

  public AuditVerification verify() {
    return db.inTransaction("audit verification", c -> {
      db.allowLongStatements(c); // the whole trail in one snapshot: may take longer than the silence limit
      if (db.isPostgres()) {
        try (var s = c.createStatement()) {
          s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        }
      }
      AuditLog.Head head = AuditLog.readHead(c, false);
      TreeMap<Long, Checkpoint> cps = new TreeMap<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT seq, hash, signed_at, signature FROM audit_checkpoints ORDER BY seq");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          cps.put(rs.getLong(1), new Checkpoint(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4)));
        }
      }
      long checked = 0;
      for (Checkpoint cp : cps.values()) {
        if (!signatureValid(cp)) {
          return bad(0, checked, 0, cp.seq, "checkpoint signature at seq " + cp.seq + " does not verify");
        }
        checked++;
      }
      String expectedPrev = AuditChain.GENESIS;
      long expectedSeq = 1;
      if (head.purgedThrough() > 0) {
        Checkpoint anchor = cps.get(head.purgedThrough());
        if (anchor == null) {
          return bad(0, checked, 0, head.purgedThrough() + 1,
              "records before seq " + (head.purgedThrough() + 1) + " were purged but no signed checkpoint anchors the rest");
        }
        expectedPrev = anchor.hash;
        expectedSeq = head.purgedThrough() + 1;
      }
      long records = 0;
      long lastSigned = head.purgedThrough();
      Iterator<Checkpoint> pending = cps.tailMap(expectedSeq, true).values().iterator();
      Checkpoint nextCp = pending.hasNext() ? pending.next() : null;
      try (PreparedStatement ps = c.prepareStatement("SELECT seq, recorded_at, tenant, subject_ref, subject_salt,"
          + " subject_commitment, endpoint, model, entity_counts, action, policy_version, status, latency_ms,"
          + " prev_hash, hash FROM audit_records WHERE seq > ? AND seq <= ? ORDER BY seq")) {
        ps.setLong(1, head.purgedThrough());
        ps.setLong(2, head.lastSeq()); // records appended after the head was read are not checked this time
        ps.setFetchSize(FETCH);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long seq = rs.getLong(1);
            if (seq != expectedSeq) {
              return bad(records, checked, lastSigned, expectedSeq,
                  "record " + expectedSeq + " is missing (next stored record is " + seq + ")");
            }
            String ref = rs.getString(4);
            String salt = rs.getString(5);
            String commitment = rs.getString(6);
            if ((ref == null) != (salt == null)) {
              return bad(records, checked, lastSigned, seq, "record " + seq + " has half of its subject link");
            }
            if (ref != null && !Bytes.equalHex(AuditChain.commitment(salt, ref), commitment)) {
              return bad(records, checked, lastSigned, seq, "record " + seq + " names a different subject than it committed to");
            }
            if (!Bytes.equalHex(expectedPrev, rs.getString(14))) {
              return bad(records, checked, lastSigned, seq, "record " + seq + " does not link to its predecessor");
            }
            String recomputed = AuditChain.hash(expectedPrev, seq, rs.getLong(2), rs.getString(3), commitment,
                rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
                rs.getInt(12), rs.getLong(13));
            if (!Bytes.equalHex(recomputed, rs.getString(15))) {
              return bad(records, checked, lastSigned, seq, "record " + seq + " was altered (hash mismatch)");
            }
            while (nextCp != null && nextCp.seq < seq) {
              nextCp = pending.hasNext() ? pending.next() : null;
            }
            if (nextCp != null && nextCp.seq == seq) {
              if (!Bytes.equalHex(nextCp.hash, recomputed)) {
                return bad(records, checked, lastSigned, seq, "record " + seq + " differs from its signed checkpoint");
              }
              lastSigned = seq;
            }
            records++;
            expectedPrev = recomputed;
            expectedSeq = seq + 1;
          }
        }
      }
      long lastSeq = expectedSeq - 1;
      for (Checkpoint cp : cps.tailMap(lastSeq, false).values()) {
        // a checkpoint beyond the records read: either appended concurrently after the head was read
        // (its record exists) or evidence that the tail was cut off (its record is gone)
        if (cp.seq <= head.lastSeq() || !recordExists(c, cp.seq)) {
          return bad(records, checked, lastSigned, lastSeq + 1,
              "records " + (lastSeq + 1) + ".." + cp.seq + " are covered by a signed checkpoint but missing (truncated)");
        }
      }
      if (head.lastSeq() != lastSeq || (lastSeq > head.purgedThrough() && !Bytes.equalHex(head.lastHash(), expectedPrev))) {
        return bad(records, checked, lastSigned, lastSeq + 1,
            "the chain head says " + head.lastSeq() + " records but " + lastSeq + " are stored (truncated or altered)");
      }
      return new AuditVerification(true, records, checked, lastSigned, OptionalLong.empty(), "ok");
    });
  }

  private static boolean recordExists(Connection c, long seq) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM audit_records WHERE seq = ?")) {
      ps.setLong(1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private boolean signatureValid(Checkpoint cp) {
    byte[] sig;
    try {
      sig = Base64.getDecoder().decode(cp.signature);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return KeyManager.verifyWith(publicKeyset, sig, AuditChain.checkpointBytes(cp.seq, cp.hash, cp.signedAt));
  }

  private static AuditVerification bad(long records, long cps, long lastSigned, long seq, String problem) {
    return new AuditVerification(false, records, cps, lastSigned, OptionalLong.of(seq), problem);
  }

  /**
   * Writes the whole trail as JSON lines: one {@code {"type":"record",...}} per record in sequence
   * order, then one {@code {"type":"checkpoint",...}} per checkpoint. Streams; memory stays bounded.
   */
  public void export(OutputStream out) {
    Objects.requireNonNull(out, "out");
    JsonFactory f = JsonFactory.builder().build();
    db.inTransaction("audit export", c -> {
      db.allowLongStatements(c); // the whole trail, streamed to a reader that may be slow
      try {
        exportRecords(c, f, out, null);
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT seq, hash, signed_at, signature FROM audit_checkpoints ORDER BY seq")) {
          ps.setFetchSize(FETCH);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              JsonGenerator g = f.createGenerator(new NoClose(out), JsonEncoding.UTF8);
              g.writeStartObject();
              g.writeStringField("type", "checkpoint");
              g.writeNumberField("seq", rs.getLong(1));
              g.writeStringField("hash", rs.getString(2));
              g.writeNumberField("signed_at", rs.getLong(3));
              g.writeStringField("signature", rs.getString(4));
              g.writeEndObject();
              g.close();
              out.write('\n');
            }
          }
        }
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return null;
    });
  }

  /** Streams the records (all, or those of one subject) as JSON lines. */
  static void exportRecords(Connection c, JsonFactory f, OutputStream out, Pseudonym subject)
      throws SQLException, IOException {
    try (PreparedStatement ps = c.prepareStatement("SELECT seq, recorded_at, tenant, subject_ref,"
        + " subject_commitment, endpoint, model, entity_counts, action, policy_version, status, latency_ms,"
        + " prev_hash, hash FROM audit_records" + (subject == null ? "" : " WHERE subject_ref = ?") + " ORDER BY seq")) {
      if (subject != null) {
        ps.setString(1, subject.hex());
      }
      ps.setFetchSize(FETCH);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          JsonGenerator g = f.createGenerator(new NoClose(out), JsonEncoding.UTF8);
          writeRecord(g, rs);
          g.close();
          out.write('\n');
        }
      }
    }
  }

  static void writeRecord(JsonGenerator g, ResultSet rs) throws SQLException, IOException {
    g.writeStartObject();
    g.writeStringField("type", "record");
    g.writeNumberField("seq", rs.getLong(1));
    g.writeStringField("time", java.time.Instant.ofEpochMilli(rs.getLong(2)).toString());
    g.writeStringField("tenant", rs.getString(3));
    g.writeStringField("subject", rs.getString(4));
    g.writeStringField("subject_commitment", rs.getString(5));
    g.writeStringField("endpoint", rs.getString(6));
    g.writeStringField("model", rs.getString(7));
    g.writeObjectFieldStart("entity_counts");
    for (Map.Entry<io.veil.core.EntityType, Integer> e : AuditRecord.parseCounts(rs.getString(8)).entrySet()) {
      g.writeNumberField(e.getKey().name(), e.getValue());
    }
    g.writeEndObject();
    g.writeStringField("action", rs.getString(9));
    g.writeStringField("policy_version", rs.getString(10));
    g.writeNumberField("status", rs.getInt(11));
    g.writeNumberField("latency_ms", rs.getLong(12));
    g.writeStringField("prev_hash", rs.getString(13));
    g.writeStringField("hash", rs.getString(14));
    g.writeEndObject();
  }

  /** Lets a generator flush into the caller's stream without closing it. */
  static final class NoClose extends java.io.FilterOutputStream {
    NoClose(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
