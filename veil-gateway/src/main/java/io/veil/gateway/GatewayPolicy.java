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
 * @param version derived, never chosen: a short, stable id of this policy's content for the audit trail
 *     (the name and a hash of every other setting, so a changed policy gets a new version), computed once
 *     when the policy is built; whatever the canonical constructor is given for it is replaced
 */
public record GatewayPolicy(String name, long maxBodyBytes, int maxHistoryMessages, boolean forceStoreFalse,
    boolean hashUser, RegulationProfile profile, Set<Purpose> requiredPurposes, boolean requireIdentity,
    String version) {
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
    // every request's audit record names it: computed here once, not per request (a SHA-256 and a
    // regex per call were ~1 % of the gateway's CPU under load, a cache keyed by the record's hash ~0.7 %)
    version = versionOf(name, maxBodyBytes, maxHistoryMessages, forceStoreFalse, hashUser, profile, requiredPurposes,
        requireIdentity);
  }

  /** A policy with these settings; its {@link #version()} is derived from them. */
  public GatewayPolicy(String name, long maxBodyBytes, int maxHistoryMessages, boolean forceStoreFalse,
      boolean hashUser, RegulationProfile profile, Set<Purpose> requiredPurposes, boolean requireIdentity) {
    this(name, maxBodyBytes, maxHistoryMessages, forceStoreFalse, hashUser, profile, requiredPurposes, requireIdentity,
        null);
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

  private static String versionOf(String name, long maxBodyBytes, int maxHistoryMessages, boolean forceStoreFalse,
      boolean hashUser, RegulationProfile profile, Set<Purpose> requiredPurposes, boolean requireIdentity) {
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
