package io.veil.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of the {@code client_keys} table as the store hands it out: a gateway client key's public
 * id and bindings, never its secret nor the secret's hash (those stay inside {@link ClientKeyTable}).
 *
 * @param id the public id ({@code vk_...}); may appear in lists and logs
 * @param tenant the tenant the key belongs to
 * @param policy the gateway policy its requests run under
 * @param ratePerMinute requests per minute, 0 for no limit
 * @param createdAt when it was created
 * @param revokedAt when it was revoked, or null while valid
 * @param expiresAt when it stops working by itself, or null for never
 */
public record ClientKeyRow(String id, String tenant, String policy, int ratePerMinute, Instant createdAt,
    Instant revokedAt, Instant expiresAt) {
  public ClientKeyRow {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(createdAt, "createdAt");
    if (id.isEmpty() || id.length() > 32) {
      throw new IllegalArgumentException("a client key id has 1-32 characters");
    }
    if (tenant.length() > 128 || policy.length() > 64) {
      throw new IllegalArgumentException("tenant (128) or policy (64) too long for the client key table");
    }
    if (ratePerMinute < 0) {
      throw new IllegalArgumentException("ratePerMinute must be >= 0");
    }
  }

  /** True once the key was revoked. */
  public boolean revoked() {
    return revokedAt != null;
  }
}
