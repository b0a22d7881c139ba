package io.veil.gateway;

import com.google.crypto.tink.subtle.Hkdf;
import io.veil.core.files.OwnerOnlyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The gateway's own 256-bit secret ({@code DIR/gateway-secret}, mode 0600), used for keyed hashes:
 * the {@code user} field sent upstream and the conversation fallback, and the key of privacy links
 * (derived by HKDF). Callers only get hashes or derived keys, never the secret itself.
 *
 * <p>Thread safety: thread-safe.
 */
final class GatewaySecret {
  /** The file in the data directory, used when neither {@link GatewaySecretSource} variable is set. */
  static final String FILE = "gateway-secret";
  /** The shortest secret accepted (256 bits). */
  static final int MIN_BYTES = 32;

  private final SecretKeySpec key;
  /** Initialised once; each hash works on a clone (cheaper than Mac.getInstance + init per request). */
  private final Mac prototype;

  private GatewaySecret(byte[] raw) {
    this.key = new SecretKeySpec(raw, "HmacSHA256");
    Mac m;
    try {
      m = Mac.getInstance("HmacSHA256");
      m.init(key);
      m.clone(); // fails here, once, if this provider's Mac cannot be cloned
    } catch (GeneralSecurityException | CloneNotSupportedException e) {
      m = null;
    }
    this.prototype = m;
  }

  /** A secret given by the operator (the array is copied; the caller may wipe it). */
  static GatewaySecret of(byte[] raw) {
    return new GatewaySecret(raw);
  }

  /**
   * The data directory's secret file, created if missing. Callers go through {@link GatewaySecretSource#open},
   * which uses the environment's secret instead when one is set.
   */
  static GatewaySecret loadOrCreate(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    try {
      OwnerOnlyFiles.dataDirectory(dataDir); // also when started as a library, not by veil serve
      OwnerOnlyFiles.createIfAbsent(file, () -> { // another instance on this directory may have made it: theirs
        byte[] raw = new byte[MIN_BYTES];
        new SecureRandom().nextBytes(raw);
        return Base64.getEncoder().encode(raw);
      });
      // never through a link planted at the path (its planter would choose the secret), never one others can read
      byte[] raw = Base64.getDecoder().decode(
          new String(OwnerOnlyFiles.readSecret(file, 4096), StandardCharsets.US_ASCII).strip());
      if (raw.length < MIN_BYTES) {
        throw new IllegalStateException("gateway secret in " + file + " is too short");
      }
      return new GatewaySecret(raw);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the gateway secret: " + e.getMessage(), e);
    }
  }

  private Mac newMac() throws GeneralSecurityException {
    if (prototype != null) {
      try {
        return (Mac) prototype.clone();
      } catch (CloneNotSupportedException e) {
        // checked in the constructor; fall through
      }
    }
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(key);
    return mac;
  }

  /**
   * A key of {@code size} bytes for one purpose, derived by HKDF-SHA256 (Tink) from the secret; distinct
   * {@code info} labels give independent keys. The caller should wipe the array after use.
   */
  byte[] deriveKey(String info, int size) {
    byte[] raw = key.getEncoded();
    try {
      return Hkdf.computeHkdf("HMACSHA256", raw, new byte[0], info.getBytes(StandardCharsets.UTF_8), size);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HKDF-SHA256 unavailable", e);
    } finally {
      java.util.Arrays.fill(raw, (byte) 0);
    }
  }

  /**
   * A one-way value that tells this secret from another (HKDF under its own label, independent of every other
   * derived key and hash): what the database records so that instances sharing it can check that they hold the
   * same secret ({@link Governance#requireGatewaySecret}). Never the secret itself.
   */
  byte[] verifier() {
    return deriveKey("veil.gateway-secret.verifier.v1", 32);
  }

  /** A URL-safe keyed hash (128 bits) of the parts, separated so that no two inputs collide. */
  String hash(String domain, String... parts) {
    try {
      Mac mac = newMac();
      mac.update(domain.getBytes(StandardCharsets.UTF_8));
      for (String p : parts) {
        byte[] b = p.getBytes(StandardCharsets.UTF_8);
        mac.update((byte) 0);
        mac.update(Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) 0);
        mac.update(b);
      }
      byte[] full = mac.doFinal();
      return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(full, 16));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }
}
