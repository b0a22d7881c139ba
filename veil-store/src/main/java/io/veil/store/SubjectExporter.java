package io.veil.store;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.crypto.tink.Aead;
import io.veil.core.Scope;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Answers a data-subject access request: writes everything the store holds about one subject as one
 * JSON document — privacy settings, current consent and its history, privacy requests, audit records
 * still linked to the subject, and the subject's vault values, decrypted.
 *
 * <p>Streams: rows are read with a bounded fetch size and written as they come, so memory stays
 * bounded whatever the subject's size (consent history and requests are capped at 10,000 / 1,000).
 *
 * <p>Thread safety: safe for concurrent use.
 *
 * <p><b>Security:</b> the output contains the subject's personal data in clear — deliver it only to
 * the verified subject, over TLS, and do not log it.
 */
public final class SubjectExporter {
  private static final int FETCH = 500;

  private final Database db;
  private final SubjectKeys keys;
  private final PrivacyRequestStore requests;

  public SubjectExporter(Database db, SubjectKeys keys) {
    this.db = Objects.requireNonNull(db, "db");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.requests = new PrivacyRequestStore(db, keys);
  }

  /** Writes the export to {@code out} (UTF-8 JSON); does not close {@code out}. */
  public void export(Subject subject, OutputStream out) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(out, "out");
    Pseudonym ref = keys.pseudonymOf(subject);
    JsonFactory f = JsonFactory.builder().build();
    db.inTransaction("subject export", c -> {
      db.allowLongStatements(c); // all of a subject's data, streamed to a reader that may be slow
      try (JsonGenerator g = f.createGenerator(new AuditVerifier.NoClose(out), JsonEncoding.UTF8)) {
        long now = db.clock().millis();
        g.writeStartObject();
        g.writeObjectFieldStart("subject");
        g.writeStringField("tenant", subject.tenant());
        g.writeStringField("id", subject.id());
        g.writeStringField("pseudonym", ref.hex());
        g.writeEndObject();
        g.writeStringField("exported_at", Instant.ofEpochMilli(now).toString());

        Optional<PrivacySettings> settings = PrivacySettingsStore.byRef(c, ref.hex());
        if (settings.isPresent()) {
          g.writeObjectFieldStart("settings");
          g.writeStringField("logging", settings.get().logging().wireName());
          g.writeStringField("mode", settings.get().mode().wireName());
          g.writeEndObject();
        } else {
          g.writeNullField("settings");
        }

        g.writeObjectFieldStart("consent");
        g.writeArrayFieldStart("current");
        for (ConsentDecision d : ConsentStore.currentByRef(c, ref.hex()).values()) {
          writeDecision(g, d);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("history");
        try (PreparedStatement ps = c.prepareStatement("SELECT id, purpose, granted, decided_at, source, notice_version,"
            + " recorded_at FROM consent_events WHERE subject_ref = ? ORDER BY id")) {
          ps.setString(1, ref.hex());
          ps.setFetchSize(FETCH);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              writeDecision(g, ConsentStore.event(rs));
            }
          }
        }
        g.writeEndArray();
        g.writeEndObject();

        g.writeArrayFieldStart("privacy_requests");
        for (PrivacyRequest r : requests.byRef(c, ref.hex())) {
          g.writeStartObject();
          g.writeStringField("id", r.id());
          g.writeStringField("kind", r.kind().name().toLowerCase(java.util.Locale.ROOT));
          g.writeStringField("status", r.status().name().toLowerCase(java.util.Locale.ROOT));
          g.writeStringField("received_at", r.receivedAt().toString());
          g.writeStringField("due_at", r.dueAt().toString());
          g.writeEndObject();
        }
        g.writeEndArray();

        g.writeArrayFieldStart("vault_entries");
        Optional<Aead> key = keys.dataKey(c, ref);
        if (key.isPresent()) {
          try (PreparedStatement ps = c.prepareStatement("SELECT s.tenant, s.conversation, v.entity_type, v.token,"
              + " v.ciphertext, v.created_at, v.expires_at FROM vault_entries v JOIN vault_scopes s ON s.id = v.scope_id"
              + " WHERE v.subject_ref = ? AND v.expires_at > ? ORDER BY v.id")) {
            ps.setString(1, ref.hex());
            ps.setLong(2, now);
            ps.setFetchSize(FETCH);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                Scope scope = new Scope(rs.getString(1), rs.getString(2));
                String token = rs.getString(4);
                g.writeStartObject();
                g.writeStringField("conversation", scope.conversation());
                g.writeStringField("type", rs.getString(3));
                g.writeStringField("token", token);
                g.writeStringField("value",
                    JdbcTokenVault.decrypt(key.get(), rs.getBytes(5), JdbcTokenVault.ad(scope, token, rs.getString(3))));
                g.writeStringField("created_at", Instant.ofEpochMilli(rs.getLong(6)).toString());
                g.writeStringField("expires_at", Instant.ofEpochMilli(rs.getLong(7)).toString());
                g.writeEndObject();
              }
            }
          }
        }
        g.writeEndArray();

        g.writeArrayFieldStart("audit_records");
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, recorded_at, tenant, subject_ref,"
            + " subject_commitment, endpoint, model, entity_counts, action, policy_version, status, latency_ms,"
            + " prev_hash, hash FROM audit_records WHERE subject_ref = ? ORDER BY seq")) {
          ps.setString(1, ref.hex());
          ps.setFetchSize(FETCH);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              AuditVerifier.writeRecord(g, rs);
            }
          }
        }
        g.writeEndArray();
        g.writeEndObject();
      } catch (IOException e) {
        throw new UncheckedIOException("writing the export failed", e);
      }
      return null;
    });
  }

  private static void writeDecision(JsonGenerator g, ConsentDecision d) throws IOException {
    g.writeStartObject();
    g.writeStringField("purpose", d.purpose().wireName());
    g.writeBooleanField("granted", d.granted());
    g.writeStringField("decided_at", d.decidedAt().toString());
    g.writeStringField("source", d.source());
    g.writeStringField("notice_version", d.noticeVersion());
    g.writeEndObject();
  }
}
