package io.veil.gateway.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * What every client key store shares: the checks on a new key's bindings, fresh secrets and ids, and
 * the SHA-256 that stands for a secret wherever a key is stored.
 *
 * <p>Thread safety: stateless apart from the {@link SecureRandom} (thread-safe).
 *
 * <p><b>Security:</b> a secret exists only in the {@link IssuedKey} returned by a create and in the
 * {@code Authorization} header of requests; stores keep {@link #sha256} of it. Secrets carry 256
 * random bits, so a plain (unsalted, fast) hash cannot be reversed.
 */
final class ClientKeySecrets {
  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern POLICY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  /** The longest secret looked at; longer ones are refused without hashing. */
  static final int MAX_SECRET_CHARS = 256;
  private static final SecureRandom RANDOM = new SecureRandom();
  /** An unused SHA-256 digest cloned per call: the provider lookup of getInstance ran on every request. */
  private static final MessageDigest SHA256 = newSha256();

  private ClientKeySecrets() {}

  /** Checks a new key's bindings; the messages name the rule, not the value. */
  static void checkNew(String tenant, String policy, int ratePerMinute, Duration lifetime) {
    if (lifetime != null && (lifetime.isNegative() || lifetime.isZero())) {
      throw new IllegalArgumentException("a key's lifetime must be positive");
    }
    if (tenant == null || !TENANT.matcher(tenant).matches()) {
      throw new IllegalArgumentException("tenant must be 1-128 characters of letters, digits, '.', '_' or '-'");
    }
    if (policy == null || !POLICY.matcher(policy).matches()) {
      throw new IllegalArgumentException("policy must be 1-64 characters of letters, digits, '.', '_' or '-'");
    }
    if (ratePerMinute < 0) {
      throw new IllegalArgumentException("ratePerMinute must be >= 0");
    }
  }

  /** A fresh secret: the prefix and 256 random bits, base64url. */
  static String newSecret() {
    byte[] secretBytes = new byte[32];
    RANDOM.nextBytes(secretBytes);
    return FileClientKeyStore.SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
  }

  /** A fresh public id: {@code vk_} and 64 random bits in hex. */
  static String newId() {
    byte[] idBytes = new byte[8];
    RANDOM.nextBytes(idBytes);
    return "vk_" + HexFormat.of().formatHex(idBytes);
  }

  /** True for a string that may be a secret worth hashing (not empty, not over {@link #MAX_SECRET_CHARS}). */
  static boolean plausible(String secret) {
    return secret != null && !secret.isEmpty() && secret.length() <= MAX_SECRET_CHARS;
  }

  private static MessageDigest newSha256() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.clone(); // fail at class load, not per request, if this provider's digest cannot be cloned
      return md;
    } catch (NoSuchAlgorithmException | CloneNotSupportedException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] sha256(String s) {
    try {
      return ((MessageDigest) SHA256.clone()).digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(e);
    }
  }
}
