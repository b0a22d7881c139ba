package io.veil.gateway;

import io.veil.store.Subject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Signed, short-lived links through which an end user reaches the privacy API without the app's
 * key: {@code v1.<payload>.<mac>}, payload = base64url(tenant, user id, expiry), mac = HMAC-SHA256
 * (128 bits) under the gateway secret of the data directory.
 *
 * <p>Thread safety: immutable. <b>Security:</b> the payload is signed, not encrypted: it carries the
 * user id, so hand links only to that user (over TLS). Tampered, expired or malformed links are
 * refused alike; MACs are compared in constant time. Instances that must accept each other's links
 * share the {@code gateway-secret} file.
 */
public final class PrivacyLinks {
  /** Longest lifetime a link may have. */
  public static final Duration MAX_TTL = Duration.ofDays(7);
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder D64 = Base64.getUrlDecoder();

  private final GatewaySecret secret;
  private final Clock clock;

  PrivacyLinks(GatewaySecret secret, Clock clock) {
    this.secret = secret;
    this.clock = clock;
  }

  /** The links of the gateway whose data directory this is (creates its secret if missing). */
  public static PrivacyLinks open(Path dataDir) {
    return new PrivacyLinks(GatewaySecret.loadOrCreate(dataDir), Clock.systemUTC());
  }

  /**
   * A link token for the subject, valid for {@code ttl} (1 s – 7 days).
   */
  public String mint(Subject subject, Duration ttl) {
    Objects.requireNonNull(subject, "subject");
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("link lifetime must be 1 second to 7 days");
    }
    long exp = clock.instant().plus(ttl).getEpochSecond();
    String payload = B64.encodeToString((subject.tenant() + "\n" + subject.id() + "\n" + exp)
        .getBytes(StandardCharsets.UTF_8));
    return "v1." + payload + "." + secret.hash("privacy-link", payload);
  }

  /** The subject the token names, if it is well-formed, untampered and not expired. */
  public Optional<Subject> verify(String token) {
    if (token == null || token.length() > 2048) {
      return Optional.empty();
    }
    String[] parts = token.strip().split("\\.", -1);
    if (parts.length != 3 || !parts[0].equals("v1")) {
      return Optional.empty();
    }
    byte[] expected = secret.hash("privacy-link", parts[1]).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, parts[2].getBytes(StandardCharsets.US_ASCII))) {
      return Optional.empty();
    }
    try {
      String[] f = new String(D64.decode(parts[1]), StandardCharsets.UTF_8).split("\n", -1);
      if (f.length != 3) {
        return Optional.empty();
      }
      if (Instant.ofEpochSecond(Long.parseLong(f[2])).isBefore(clock.instant())) {
        return Optional.empty();
      }
      return Optional.of(new Subject(f[0], f[1]));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
