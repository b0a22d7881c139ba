package io.veil.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * Signed proof that a subject was erased: what was deleted, when, signed with the store's Ed25519
 * signing key. Give it to the subject; anyone holding the public keyset
 * ({@link KeyManager#signingPublicKeyset()}) can check it with {@link #verify(String)}.
 *
 * @param receiptId random UUID
 * @param tenant the tenant
 * @param subject the erased subject's pseudonym (the id itself is not in the receipt)
 * @param erasedAt when
 * @param vaultEntriesDeleted vault rows deleted
 * @param subjectKeyDestroyed whether a data key existed and was destroyed
 * @param auditRecordsUnlinked audit records whose link to the subject was removed
 * @param consentRecordsDeleted consent history and state rows deleted
 * @param settingsDeleted whether privacy settings were deleted
 * @param signature base64 Ed25519 signature over {@link #signedText()}
 */
public record ErasureReceipt(
    String receiptId, String tenant, String subject, Instant erasedAt, long vaultEntriesDeleted,
    boolean subjectKeyDestroyed, long auditRecordsUnlinked, long consentRecordsDeleted, boolean settingsDeleted,
    String signature) {

  public ErasureReceipt {
    Objects.requireNonNull(receiptId, "receiptId");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(erasedAt, "erasedAt");
    Objects.requireNonNull(signature, "signature");
  }

  /** The exact text that is signed (one field per line). */
  public String signedText() {
    return "veil-erasure-receipt/v1\n" + receiptId + "\n" + tenant + "\n" + subject + "\n" + erasedAt + "\n"
        + vaultEntriesDeleted + "\n" + subjectKeyDestroyed + "\n" + auditRecordsUnlinked + "\n"
        + consentRecordsDeleted + "\n" + settingsDeleted + "\n";
  }

  /** True if the signature is valid for this content under the given public keyset (Tink JSON). */
  public boolean verify(String publicKeysetJson) {
    byte[] sig;
    try {
      sig = Base64.getDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return KeyManager.verifyWith(publicKeysetJson, sig, signedText().getBytes(StandardCharsets.UTF_8));
  }

  /** The receipt as a JSON object. */
  public String toJson() {
    return "{\"receipt_id\":\"" + receiptId + "\",\"tenant\":\"" + tenant + "\",\"subject\":\"" + subject
        + "\",\"erased_at\":\"" + erasedAt + "\",\"vault_entries_deleted\":" + vaultEntriesDeleted
        + ",\"subject_key_destroyed\":" + subjectKeyDestroyed + ",\"audit_records_unlinked\":" + auditRecordsUnlinked
        + ",\"consent_records_deleted\":" + consentRecordsDeleted + ",\"settings_deleted\":" + settingsDeleted
        + ",\"signature\":\"" + signature + "\"}";
  }
}
