package io.veil.store;

/** What the gateway did with a request; the audit trail's only notion of "what happened". */
public enum AuditAction {
  /** Forwarded with personal data replaced by reversible tokens. */
  PSEUDONYMIZED,
  /** Forwarded with personal data removed irreversibly. */
  ANONYMIZED,
  /** Forwarded unchanged: no personal data found. */
  FORWARDED,
  /** Refused because it contained personal data and the subject's mode is block. */
  BLOCKED,
  /** Refused for missing consent. */
  CONSENT_REFUSED,
  /** Refused for invalid input, policy or an internal failure (fail closed). */
  REFUSED,
  /** A privacy operation: consent or settings changed. */
  PRIVACY_CHANGE,
  /** A data-subject access export. */
  SUBJECT_EXPORT,
  /** A data-subject erasure. */
  SUBJECT_ERASURE,
  /** An administrative action. */
  ADMIN
}
