package io.veil.store;

/**
 * The hash-chain and checkpoint encodings, shared by {@link AuditLog} and {@link AuditVerifier}.
 *
 * <pre>
 * commitment = SHA-256( fields("veil.audit-subject.v1", salt, pseudonym) )          (hex)
 * hash(n)    = SHA-256( fields("veil.audit.v1", prevHash, seq, time, tenant, commitment, endpoint,
 *                              model, counts, action, policyVersion, status, latency) ) (hex)
 * checkpoint = Ed25519( fields("veil.audit-checkpoint.v1", seq, hash(seq), signedAt) )
 * </pre>
 * {@code fields} is a length-prefixed UTF-8 concatenation (null = length -1), so no two different
 * records encode alike.
 */
final class AuditChain {
  static final String GENESIS = "0".repeat(64);

  private AuditChain() {}

  static String commitment(String salt, String pseudonymHex) {
    return Bytes.hex(Bytes.sha256(Bytes.fields("veil.audit-subject.v1", salt, pseudonymHex)));
  }

  static String hash(String prevHash, long seq, long time, String tenant, String commitment, String endpoint,
      String model, String counts, String action, String policyVersion, int status, long latency) {
    return Bytes.hex(Bytes.sha256(Bytes.fields("veil.audit.v1", prevHash, Long.toString(seq), Long.toString(time),
        tenant, commitment, endpoint, model, counts, action, policyVersion, Integer.toString(status),
        Long.toString(latency))));
  }

  static byte[] checkpointBytes(long seq, String hash, long signedAt) {
    return Bytes.fields("veil.audit-checkpoint.v1", Long.toString(seq), hash, Long.toString(signedAt));
  }
}
