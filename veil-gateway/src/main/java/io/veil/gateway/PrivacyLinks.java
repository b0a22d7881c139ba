package io.veil.gateway;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.util.SecretBytes;
import io.veil.store.Subject;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Short-lived, opaque links through which an end user reaches the privacy API without the app's
 * key: {@code v2.<base64url(AES-256-GCM(payload))>}. The payload (expiry, tenant, user id, zero
 * padding to a multiple of {@value #BLOCK} bytes) is encrypted and authenticated with Tink's AES-GCM
 * under a key derived by HKDF-SHA256 from the gateway secret of the data directory ({@code
 * gateway-secret}), with a fresh random 96-bit nonce per link and a fixed associated-data label.
 *
 * <p>Thread safety: immutable; {@link #mint} and {@link #verify} may be called concurrently.
 *
 * <p><b>Security:</b> the token reveals neither the tenant nor the user id (only a length rounded up
 * to {@value #BLOCK} bytes), so {@code GET /privacy/…?token=} leaves no personal data in proxy logs or
 * browser history. It is still a bearer credential until it expires: hand it only to that user, over
 * TLS. Tampered, truncated, expired, foreign (other secret) and malformed tokens, and the old signed
 * {@code v1} tokens (which carried the user id in base64), are all refused alike by an empty result;
 * the authentication tag is checked by AES-GCM in constant time before anything in the payload is
 * read. Instances that must accept each other's links share the {@code gateway-secret} file (or
 * {@code VEIL_GATEWAY_SECRET[_FILE]}); replacing the secret revokes every link.
 */
public final class PrivacyLinks {
  /** Longest lifetime a link may have. */
  public static final Duration MAX_TTL = Duration.ofDays(7);
  /** The payload is padded to a multiple of this many bytes, so token lengths say little about ids. */
  static final int BLOCK = 64;
  private static final String PREFIX = "v2.";
  /** Longest token accepted (a 256-character id of 4-byte characters plus tenant fits well below). */
  private static final int MAX_TOKEN = 2048;
  private static final byte[] ASSOCIATED = "veil privacy-link v2".getBytes(StandardCharsets.US_ASCII);
  private static final String KDF_INFO = "veil privacy-link v2 aes-256-gcm";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder D64 = Base64.getUrlDecoder();

  private final Aead aead;
  private final Clock clock;

  PrivacyLinks(GatewaySecret secret, Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    byte[] key = secret.deriveKey(KDF_INFO, 32);
    try {
      AesGcmParameters params = AesGcmParameters.builder().setKeySizeBytes(32).setIvSizeBytes(12)
          .setTagSizeBytes(16).setVariant(AesGcmParameters.Variant.NO_PREFIX).build();
      this.aead = AesGcmJce.create(AesGcmKey.builder().setParameters(params)
          .setKeyBytes(SecretBytes.copyFrom(key, InsecureSecretKeyAccess.get())).build());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM unavailable for privacy links", e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /** The links of the gateway whose data directory this is (creates its secret if missing). */
  public static PrivacyLinks open(Path dataDir) {
    return open(GatewaySecretSource.dataDirectory(), dataDir);
  }

  /**
   * The links of the gateway this configuration describes: its {@link GatewayConfig#gatewaySecret()} (the
   * environment's secret, or the data directory's file, created if missing).
   */
  public static PrivacyLinks open(GatewayConfig config) {
    return open(config.gatewaySecret(), config.dataDir());
  }

  private static PrivacyLinks open(GatewaySecretSource source, Path dataDir) {
    return new PrivacyLinks(source.open(dataDir), Clock.systemUTC());
  }

  /**
   * A link token for the subject, valid for {@code ttl} (1 s – 7 days).
   *
   * @throws IllegalArgumentException if the lifetime is out of range
   */
  public String mint(Subject subject, Duration ttl) {
    Objects.requireNonNull(subject, "subject");
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("link lifetime must be 1 second to 7 days");
    }
    long exp = clock.instant().plus(ttl).getEpochSecond();
    byte[] tenant = subject.tenant().getBytes(StandardCharsets.UTF_8);
    byte[] user = subject.id().getBytes(StandardCharsets.UTF_8);
    int length = Long.BYTES + 2 + tenant.length + 2 + user.length;
    ByteBuffer plain = ByteBuffer.allocate((length + BLOCK - 1) / BLOCK * BLOCK); // zero-filled padding
    plain.putLong(exp).putShort((short) tenant.length).put(tenant).putShort((short) user.length).put(user);
    try {
      return PREFIX + B64.encodeToString(aead.encrypt(plain.array(), ASSOCIATED));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encrypt a privacy link", e);
    } finally {
      Arrays.fill(plain.array(), (byte) 0);
    }
  }

  /** The subject the token names, if it is well-formed, authentic, current ({@code v2}) and not expired. */
  public Optional<Subject> verify(String token) {
    if (token == null || token.length() > MAX_TOKEN) {
      return Optional.empty();
    }
    String t = token.strip();
    if (!t.startsWith(PREFIX)) {
      return Optional.empty(); // v1 (signed, not encrypted) and anything else: refused like a forgery
    }
    byte[] plain;
    try {
      plain = aead.decrypt(D64.decode(t.substring(PREFIX.length())), ASSOCIATED);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return Optional.empty();
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(plain);
      long exp = b.getLong();
      String tenant = utf8(b, b.getShort() & 0xffff);
      String user = utf8(b, b.getShort() & 0xffff);
      while (b.hasRemaining()) {
        if (b.get() != 0) {
          return Optional.empty();
        }
      }
      if (Instant.ofEpochSecond(exp).isBefore(clock.instant())) {
        return Optional.empty();
      }
      return Optional.of(new Subject(tenant, user));
    } catch (BufferUnderflowException | CharacterCodingException | IllegalArgumentException
        | java.time.DateTimeException e) {
      return Optional.empty();
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  private static String utf8(ByteBuffer b, int length) throws CharacterCodingException {
    if (length > b.remaining()) {
      throw new BufferUnderflowException();
    }
    ByteBuffer slice = b.slice(b.position(), length);
    b.position(b.position() + length);
    return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
  }
}
