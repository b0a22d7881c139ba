package io.veil.store;

import java.time.Instant;
import java.util.Optional;

/**
 * A data-subject request and where it stands.
 *
 * @param id random UUID
 * @param tenant the tenant
 * @param subject the subject's pseudonym
 * @param kind access (export) or erasure
 * @param profile the regulation that sets the deadline
 * @param status received → verified → completed | denied (denied also straight from received)
 * @param receivedAt when it came in
 * @param dueAt receivedAt + the profile's deadline
 * @param verifiedAt when the subject's identity was verified, if yet
 * @param closedAt when it was completed or denied, if yet
 * @param denialReason why it was denied, if it was
 * @param overdue open and past its due date at the time it was read
 */
public record PrivacyRequest(
    String id, String tenant, Pseudonym subject, Kind kind, RegulationProfile profile, Status status,
    Instant receivedAt, Instant dueAt, Optional<Instant> verifiedAt, Optional<Instant> closedAt,
    Optional<DenialReason> denialReason, boolean overdue) {

  public enum Kind { ACCESS, ERASURE }

  public enum Status {
    RECEIVED, VERIFIED, COMPLETED, DENIED;

    public boolean isOpen() {
      return this == RECEIVED || this == VERIFIED;
    }
  }

  /** Reasons the law accepts for refusing a request. */
  public enum DenialReason { IDENTITY_NOT_VERIFIED, MANIFESTLY_UNFOUNDED, EXCESSIVE, LEGAL_EXEMPTION }
}
