package io.veil.store;

import com.google.crypto.tink.Configuration;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Mac;
import com.google.crypto.tink.mac.HmacKey;
import com.google.crypto.tink.mac.HmacParameters;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.spec.SecretKeySpec;

/**
 * The MAC of a Tink keyset holding one HMAC-SHA256 key without output prefix and with the full 32-byte tag
 * (Veil's system keys: pseudonyms and vault lookup hashes), done with a JCE {@link javax.crypto.Mac} this class
 * owns: the tag is the plain HMAC, byte for byte what Tink computes, so stored lookup hashes and pseudonyms stay
 * valid. Each call takes an initialised MAC from a pool shared by all threads ({@link BoundedPool}; a clone of one
 * initialised prototype when the pool is empty), so no per-thread state is set up (Tink keeps its {@code Mac} in a
 * {@code ThreadLocal}, set up again on every new virtual thread: docs/notes/gwcpu.md).
 *
 * <p>Thread safety: immutable; safe for concurrent use.
 *
 * <p><b>Security:</b> the prototype holds the key; it never leaves the package and {@link #toString()} names no
 * key bytes. {@link #verifyMac} compares in constant time.
 */
final class JceHmac implements Mac {
  private static final String ALGORITHM = "HmacSHA256";

  private final javax.crypto.Mac prototype;
  /** Initialised MACs of this key, reset by each {@code doFinal}: cheaper than a clone per call. */
  private final BoundedPool<javax.crypto.Mac> idle = new BoundedPool<>(64);

  private JceHmac(javax.crypto.Mac prototype) {
    this.prototype = prototype;
  }

  /** This class for a keyset of one HMAC-SHA256, NO_PREFIX, 32-byte-tag key; else Tink's keyset primitive. */
  static Mac of(KeysetHandle keyset, Configuration config) throws GeneralSecurityException {
    if (keyset.size() == 1 && keyset.getPrimary().getKey() instanceof HmacKey k
        && k.getParameters().getVariant() == HmacParameters.Variant.NO_PREFIX
        && k.getParameters().getHashType() == HmacParameters.HashType.SHA256
        && k.getParameters().getCryptographicTagSizeBytes() == 32) {
      javax.crypto.Mac m = javax.crypto.Mac.getInstance(ALGORITHM);
      m.init(new SecretKeySpec(k.getKeyBytes().toByteArray(InsecureSecretKeyAccess.get()), ALGORITHM));
      try {
        m.clone();
        return new JceHmac(m);
      } catch (CloneNotSupportedException e) {
        // a provider whose Mac cannot be cloned: Tink's primitive below
      }
    }
    return keyset.getPrimitive(config, Mac.class);
  }

  @Override
  public byte[] computeMac(byte[] data) throws GeneralSecurityException {
    javax.crypto.Mac m = idle.take();
    if (m == null) {
      try {
        m = (javax.crypto.Mac) prototype.clone();
      } catch (CloneNotSupportedException e) {
        throw new GeneralSecurityException("HMAC unavailable", e); // checked in of(): not reached
      }
    }
    byte[] tag = m.doFinal(data); // leaves m reset, with its key, for the next caller
    idle.give(m);
    return tag;
  }

  @Override
  public void verifyMac(byte[] mac, byte[] data) throws GeneralSecurityException {
    if (!MessageDigest.isEqual(computeMac(data), mac)) {
      throw new GeneralSecurityException("invalid MAC");
    }
  }

  @Override
  public String toString() {
    return "JceHmac[HMAC-SHA256]";
  }
}
