package io.veil.gateway.keys;

import java.time.Instant;
import java.util.Objects;

/**
 * A Veil virtual key as stored: its public id, the tenant and policy it is bound to, its rate limit
 * and the SHA-256 of its secret. Never holds the secret itself.
 *
 * @param id the public id ({@code vk_...}); shown in lists and logs
 * @param tenant the tenant every request made with this key belongs to
 * @param policy the name of the gateway policy applied to its requests
 * @param ratePerMinute requests allowed per minute, 0 for no limit
 * @param createdAt when it was created
 * @param revokedAt when it was revoked, or null while it is valid
 * @param expiresAt when it stops working by itself, or null for never
 */
public record ClientKey(String id, String tenant, String policy, int ratePerMinute, Instant createdAt, Instant revokedAt,
    Instant expiresAt) {
  public ClientKey {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(createdAt, "createdAt");
    if (ratePerMinute < 0) {
      throw new IllegalArgumentException("ratePerMinute must be >= 0");
    }
  }

  /** A key that never expires. */
  public ClientKey(String id, String tenant, String policy, int ratePerMinute, Instant createdAt, Instant revokedAt) {
    this(id, tenant, policy, ratePerMinute, createdAt, revokedAt, null);
  }

  public boolean revoked() {
    return revokedAt != null;
  }

  /** True when the key has an expiry and {@code now} is at or past it. */
  public boolean expiredAt(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }
}
