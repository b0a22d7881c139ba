package io.veil.gateway;

import java.util.Objects;

/**
 * The data-minimization part of a policy, per client key: what the gateway forwards at all.
 *
 * @param name the policy name keys refer to
 * @param maxBodyBytes request bodies above this size are refused with 413
 * @param maxHistoryMessages keep at most this many non-system messages / input items (the latest);
 *     0 keeps all
 * @param forceStoreFalse send {@code store: false} on chat completions and responses
 * @param hashUser replace {@code user} / {@code safety_identifier} by a keyed hash (else drop them)
 */
public record GatewayPolicy(String name, long maxBodyBytes, int maxHistoryMessages, boolean forceStoreFalse, boolean hashUser) {
  public static final String DEFAULT = "default";

  public GatewayPolicy {
    Objects.requireNonNull(name, "name");
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException("policy " + name + ": maxBodyBytes must be > 0");
    }
    if (maxHistoryMessages < 0) {
      throw new IllegalArgumentException("policy " + name + ": maxHistoryMessages must be >= 0");
    }
  }

  /** The safe default: 1 MiB bodies, full history, store false, hashed user. */
  public static GatewayPolicy defaults(String name) {
    return new GatewayPolicy(name, 1 << 20, 0, true, true);
  }
}
