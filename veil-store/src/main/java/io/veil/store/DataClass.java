package io.veil.store;

/** The kinds of stored data that have a retention period. */
public enum DataClass {
  /** Token ↔ original value mappings (encrypted). */
  VAULT_ENTRIES,
  /** Audit records (purged from the head of the chain, at signed checkpoints). */
  AUDIT_RECORDS,
  /** Superseded consent decisions (the current decision per purpose is kept while it applies). */
  CONSENT_HISTORY,
  /** Closed data-subject requests (open ones are never purged). */
  PRIVACY_REQUESTS
}
