package io.veil.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.UUID;

/**
 * Answers an erasure request. In one transaction it deletes the subject's vault entries, destroys the
 * subject's data key (crypto-shredding: copies in backups become unreadable), unlinks the subject's
 * audit records (they keep verifying, see {@link AuditLog}), deletes consent state and history and
 * privacy settings, and (PostgreSQL) notifies the other instances sharing the database, which drop
 * the subject's cached consent, settings and data key when the transaction commits; then it returns an
 * {@link ErasureReceipt} signed with the Ed25519 signing key.
 *
 * <p>Kept on purpose: the privacy-request rows themselves (proof that the request was handled; they
 * expire with {@link DataClass#PRIVACY_REQUESTS}), and the audit records without their subject link.
 *
 * <p>Thread safety: safe for concurrent use; erasing twice is harmless (the second receipt reports
 * nothing deleted).
 */
public final class SubjectEraser {
  private final Database db;
  private final SubjectKeys keys;
  private final KeyManager keyManager;

  public SubjectEraser(Database db, SubjectKeys keys, KeyManager keyManager) {
    this.db = Objects.requireNonNull(db, "db");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.keyManager = Objects.requireNonNull(keyManager, "keyManager");
  }

  /**
   * Erases {@code subject} in one transaction and signs the receipt. Other processes sharing a PostgreSQL database
   * hear it; this process's {@link Database#onSubjectErased} listeners do not (the caller tells its own, as
   * {@code Governance.erase} does: call that in a gateway process).
   */
  public ErasureReceipt erase(Subject subject) {
    Objects.requireNonNull(subject, "subject");
    String ref = keys.pseudonymOf(subject).hex();
    long now = db.clock().millis();
    long[] counts = db.inTransaction("subject erasure", c -> {
      SubjectKeys.Shredded shredded = SubjectKeys.deleteKeyAndSealedRows(c, ref); // the key row first, then its rows
      long[] n = {
          shredded.vaultRows(),
          shredded.keys(),
          SubjectKeys.updateSubject(c,
              "UPDATE audit_records SET subject_ref = NULL, subject_salt = NULL WHERE subject_ref = ?", ref),
          SubjectKeys.updateSubject(c, "DELETE FROM consent_events WHERE subject_ref = ?", ref)
              + SubjectKeys.updateSubject(c, "DELETE FROM consent_state WHERE subject_ref = ?", ref),
          SubjectKeys.updateSubject(c, "DELETE FROM privacy_settings WHERE subject_ref = ?", ref)
      };
      // the other instances drop the subject's cached consent, settings and data key when this commits; this
      // process's Database.onSubjectErased listeners do not hear it again (the caller tells its own: Governance.erase)
      db.subjectChanges().publishApplied(c, SubjectChangeFeed.Kind.ERASURE, ref);
      return n;
    });
    keys.erased(ref);
    ErasureReceipt unsigned = new ErasureReceipt(UUID.randomUUID().toString(), subject.tenant(), ref,
        Instant.ofEpochMilli(now), counts[0], counts[1] > 0, counts[2], counts[3], counts[4] > 0, "-");
    byte[] sig = keyManager.sign(unsigned.signedText().getBytes(StandardCharsets.UTF_8));
    return new ErasureReceipt(unsigned.receiptId(), unsigned.tenant(), unsigned.subject(), unsigned.erasedAt(),
        unsigned.vaultEntriesDeleted(), unsigned.subjectKeyDestroyed(), unsigned.auditRecordsUnlinked(),
        unsigned.consentRecordsDeleted(), unsigned.settingsDeleted(), Base64.getEncoder().encodeToString(sig));
  }
}
