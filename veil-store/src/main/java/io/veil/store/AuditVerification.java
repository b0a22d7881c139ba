package io.veil.store;

import java.util.OptionalLong;

/**
 * Outcome of {@link AuditVerifier#verify()}.
 *
 * @param valid true when the chain and every checkpoint check out
 * @param recordsChecked records read
 * @param checkpointsChecked checkpoint signatures verified
 * @param lastSignedSeq the newest record covered by a valid checkpoint (records after it are only
 *     protected by the chain, not yet by a signature)
 * @param firstBadSeq the sequence number of the first record (or checkpoint) that fails, if any
 * @param problem what failed, in words (no data), or {@code "ok"}
 */
public record AuditVerification(
    boolean valid, long recordsChecked, long checkpointsChecked, long lastSignedSeq, OptionalLong firstBadSeq,
    String problem) {}
