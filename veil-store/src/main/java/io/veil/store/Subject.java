package io.veil.store;

import java.util.Objects;

/**
 * A data subject (an end user) of one tenant, as the gateway identifies it (header {@code X-Veil-User}
 * or the request's {@code user} field).
 *
 * <p>The store never writes {@link #id()}: tables hold the subject's keyed pseudonym
 * ({@link SubjectKeys#pseudonymOf(Subject)}) instead.
 *
 * <p><b>Security:</b> the id is personal data; {@link #toString()} redacts it.
 *
 * @param tenant the authenticated tenant, 1–128 characters
 * @param id the tenant's id for the user, 1–256 characters
 */
public record Subject(String tenant, String id) {
  public Subject {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    Ids.requireTenant(tenant);
    if (id.isEmpty() || id.length() > 256) {
      throw new IllegalArgumentException("subject id must be 1-256 characters");
    }
  }

  @Override
  public String toString() {
    return "Subject[tenant=" + tenant + ", id=<redacted>]";
  }
}
