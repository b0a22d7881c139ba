package io.veil.gateway;

import io.veil.store.Purpose;
import io.veil.store.RegulationProfile;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A gateway policy, per client key: what the gateway forwards at all (data minimization) and which
 * consent it requires first.
 *
 * @param name the policy name keys refer to
 * @param maxBodyBytes request bodies above this size are refused with 413
 * @param maxHistoryMessages keep at most this many non-system messages / input items (the latest);
 *     0 keeps all
 * @param forceStoreFalse send {@code store: false} on chat completions and responses
 * @param hashUser replace {@code user} / {@code safety_identifier} by a keyed hash (else drop them)
 * @param profile the regulation profile: {@code gdpr} (opt-in: no recorded grant → refused) or
 *     {@code ccpa} (opt-out: no recorded withdrawal → allowed; {@code Sec-GPC: 1} opts out of sale,
 *     sharing and logging)
 * @param requiredPurposes purposes an identified end user must consent to before anything is forwarded
 * @param requireIdentity when true, a request that names no end user ({@code X-Veil-User} or
 *     {@code user}) is refused with 403 {@code veil_user_required}; when false (the default) it is
 *     processed as an unidentified request (see docs/notes/governance.md)
 */
public record GatewayPolicy(String name, long maxBodyBytes, int maxHistoryMessages, boolean forceStoreFalse,
    boolean hashUser, RegulationProfile profile, Set<Purpose> requiredPurposes, boolean requireIdentity) {
  public static final String DEFAULT = "default";

  public GatewayPolicy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(profile, "profile");
    requiredPurposes = requiredPurposes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(requiredPurposes));
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException("policy " + name + ": maxBodyBytes must be > 0");
    }
    if (maxHistoryMessages < 0) {
      throw new IllegalArgumentException("policy " + name + ": maxHistoryMessages must be >= 0");
    }
  }

  /** Minimization only; consent as in {@link #defaults}. */
  public GatewayPolicy(String name, long maxBodyBytes, int maxHistoryMessages, boolean forceStoreFalse, boolean hashUser) {
    this(name, maxBodyBytes, maxHistoryMessages, forceStoreFalse, hashUser, RegulationProfile.GDPR,
        Set.of(Purpose.LLM_PROCESSING), false);
  }

  /**
   * The safe default: 1 MiB bodies, full history, store false, hashed user; GDPR opt-in consent to
   * {@code llm-processing} for every identified end user.
   */
  public static GatewayPolicy defaults(String name) {
    return new GatewayPolicy(name, 1 << 20, 0, true, true);
  }

  /**
   * A short, stable id of this policy's content for the audit trail: the name and a hash of every
   * setting, so a changed policy gets a new version.
   */
  public String version() {
    // every request's audit record names it: computed once per policy (a SHA-256 and a regex each time
    // was ~1 % of the gateway's CPU under load); policies come from the configuration, so few exist
    String v = VERSIONS.get(this);
    if (v == null) {
      v = computeVersion();
      if (VERSIONS.size() < MAX_CACHED_VERSIONS) {
        VERSIONS.putIfAbsent(this, v);
      }
    }
    return v;
  }

  private static final int MAX_CACHED_VERSIONS = 1024;
  private static final java.util.concurrent.ConcurrentHashMap<GatewayPolicy, String> VERSIONS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private String computeVersion() {
    String canonical = name + "|" + maxBodyBytes + "|" + maxHistoryMessages + "|" + forceStoreFalse + "|" + hashUser
        + "|" + profile + "|" + new java.util.TreeSet<>(requiredPurposes) + "|" + requireIdentity;
    try {
      byte[] h = java.security.MessageDigest.getInstance("SHA-256")
          .digest(canonical.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      String hex = java.util.HexFormat.of().formatHex(h, 0, 6);
      String safe = name.replaceAll("[^A-Za-z0-9_.-]", "_");
      if (safe.isEmpty() || !Character.isLetterOrDigit(safe.charAt(0))) {
        safe = "p" + safe;
      }
      return (safe.length() > 40 ? safe.substring(0, 40) : safe) + ":" + hex;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
