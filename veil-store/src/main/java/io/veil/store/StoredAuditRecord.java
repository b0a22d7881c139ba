package io.veil.store;

import java.time.Instant;

/**
 * An audit record as stored: its place in the chain, the time the log stamped, and the hashes.
 *
 * @param seq position in the chain, from 1
 * @param time when it was appended (monotonic along the chain)
 * @param record the record; its subject is null once the subject was erased (unlinked)
 * @param subjectCommitment SHA-256 commitment to the subject pseudonym that the chain hash covers, or null
 * @param prevHash hash of the record before (64 zeros for the first)
 * @param hash this record's chain hash
 */
public record StoredAuditRecord(
    long seq, Instant time, AuditRecord record, String subjectCommitment, String prevHash, String hash) {}
