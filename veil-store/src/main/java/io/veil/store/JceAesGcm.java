package io.veil.store;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.Configuration;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AesGcmKey;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AEAD of a Tink keyset of AES-GCM keys, done with JCE objects this class owns instead of Tink's: the
 * same bytes as Tink's keyset primitive (output prefix of the key, 12-byte random nonce, ciphertext, 16-byte
 * tag), so values sealed by either open with the other.
 *
 * <p>Why (docs/notes/gwcpu.md): Tink keeps its {@code SecureRandom}, {@code Cipher} and {@code Mac} in
 * {@code ThreadLocal}s, and its random generator's set-up looks for Conscrypt by a failing
 * {@code Class.forName} each time. The gateway runs every request on a new virtual thread, so every request
 * paid that set-up again (about 3 % of the gateway's CPU samples with distinct prompts). Here the nonce comes
 * from one shared {@link SecureRandom} and each operation takes a {@link Cipher} from a pool shared by all
 * threads ({@link BoundedPool}), initialised with its key and nonce for that one operation.
 *
 * <p>Decryption follows Tink's keyset rule: the keys whose output prefix starts the ciphertext are tried
 * first, then the keys without a prefix on the whole ciphertext; the first that authenticates wins, and if
 * none does the call throws. Only enabled keys take part; the primary key seals.
 *
 * <p>Thread safety: immutable; safe for concurrent use.
 *
 * <p><b>Security:</b> holds raw key material (as {@link SecretKeySpec}s); it never leaves the package, and
 * {@link #toString()} names no key bytes. A nonce is never reused by construction (96 random bits per
 * message, as Tink). A pooled cipher keeps the expanded key of its last use, as Tink's per-thread ciphers did.
 */
final class JceAesGcm implements Aead {
  private static final int IV = 12;
  private static final int TAG = 16;
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  /** Thread-safe (JCA contract); shared so that no per-thread generator is set up per request. */
  static final SecureRandom RANDOM = new SecureRandom();
  /** Ciphers for every key (each use initialises one with its key): {@code Cipher.getInstance} costs ~1.4 µs. */
  private static final BoundedPool<Cipher> CIPHERS = new BoundedPool<>(64);

  private record Entry(byte[] prefix, SecretKeySpec key) {}

  private final Entry primary;
  /** Enabled keys with an output prefix, and those without, in keyset order. */
  private final List<Entry> prefixed;
  private final List<Entry> raw;

  private JceAesGcm(Entry primary, List<Entry> prefixed, List<Entry> raw) {
    this.primary = primary;
    this.prefixed = prefixed;
    this.raw = raw;
  }

  /**
   * The AEAD of {@code keyset}: this class when every enabled key is an AES-GCM key with a 12-byte nonce and a
   * 16-byte tag (the only kind Veil writes), else Tink's keyset primitive.
   */
  static Aead of(KeysetHandle keyset, Configuration config) throws GeneralSecurityException {
    Entry primary = null;
    List<Entry> prefixed = new ArrayList<>();
    List<Entry> raw = new ArrayList<>();
    for (int i = 0; i < keyset.size(); i++) {
      KeysetHandle.Entry e = keyset.getAt(i);
      if (e.getStatus() != KeyStatus.ENABLED) {
        continue;
      }
      if (!(e.getKey() instanceof AesGcmKey k)
          || k.getParameters().getIvSizeBytes() != IV || k.getParameters().getTagSizeBytes() != TAG) {
        return keyset.getPrimitive(config, Aead.class);
      }
      Entry entry = new Entry(k.getOutputPrefix().toByteArray(),
          new SecretKeySpec(k.getKeyBytes().toByteArray(InsecureSecretKeyAccess.get()), "AES"));
      (entry.prefix().length == 0 ? raw : prefixed).add(entry);
      if (e.isPrimary()) {
        primary = entry;
      }
    }
    if (primary == null) {
      return keyset.getPrimitive(config, Aead.class); // Tink's own failure for a keyset without a usable primary
    }
    return new JceAesGcm(primary, List.copyOf(prefixed), List.copyOf(raw));
  }

  @Override
  public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
    byte[] prefix = primary.prefix();
    byte[] out = new byte[prefix.length + IV + plaintext.length + TAG];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    byte[] iv = new byte[IV];
    RANDOM.nextBytes(iv);
    System.arraycopy(iv, 0, out, prefix.length, IV);
    Cipher cipher = cipher();
    cipher.init(Cipher.ENCRYPT_MODE, primary.key(), new GCMParameterSpec(TAG * 8, iv));
    if (associatedData != null && associatedData.length > 0) {
      cipher.updateAAD(associatedData);
    }
    int n = cipher.doFinal(plaintext, 0, plaintext.length, out, prefix.length + IV);
    CIPHERS.give(cipher);
    if (n != plaintext.length + TAG) {
      throw new GeneralSecurityException("unexpected ciphertext length");
    }
    return out;
  }

  @Override
  public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
    for (Entry e : prefixed) {
      if (startsWith(ciphertext, e.prefix())) {
        byte[] pt = open(e, ciphertext, e.prefix().length, associatedData);
        if (pt != null) {
          return pt;
        }
      }
    }
    for (Entry e : raw) {
      byte[] pt = open(e, ciphertext, 0, associatedData);
      if (pt != null) {
        return pt;
      }
    }
    throw new GeneralSecurityException("decryption failed");
  }

  /**
   * Whether one of these keys may have sealed {@code ciphertext}: the output prefix (key id) of one starts it, or
   * a key without prefix exists. False means it was sealed under a key this keyset does not hold (key ids are
   * public; no key is tried).
   */
  boolean mayHaveSealed(byte[] ciphertext) {
    if (!raw.isEmpty()) {
      return true;
    }
    for (Entry e : prefixed) {
      if (startsWith(ciphertext, e.prefix())) {
        return true;
      }
    }
    return false;
  }

  /** The plaintext, or null if this key does not authenticate the ciphertext. */
  private static byte[] open(Entry e, byte[] ct, int offset, byte[] ad) throws GeneralSecurityException {
    if (ct.length < offset + IV + TAG) {
      return null;
    }
    Cipher cipher = cipher();
    cipher.init(Cipher.DECRYPT_MODE, e.key(), new GCMParameterSpec(TAG * 8, ct, offset, IV));
    if (ad != null && ad.length > 0) {
      cipher.updateAAD(ad);
    }
    byte[] pt;
    try {
      pt = cipher.doFinal(ct, offset + IV, ct.length - offset - IV);
    } catch (AEADBadTagException wrongKeyOrTampered) {
      pt = null; // the cipher is reset by doFinal either way, and initialised again before its next use
    }
    CIPHERS.give(cipher);
    return pt;
  }

  /** A pooled cipher (not initialised for any use of the caller's yet), or a new one. */
  private static Cipher cipher() throws GeneralSecurityException {
    Cipher c = CIPHERS.take();
    return c != null ? c : Cipher.getInstance(TRANSFORMATION);
  }

  private static boolean startsWith(byte[] a, byte[] prefix) {
    return a.length >= prefix.length && Arrays.equals(a, 0, prefix.length, prefix, 0, prefix.length); // key ids: public
  }

  @Override
  public String toString() {
    return "JceAesGcm[" + (prefixed.size() + raw.size()) + " key(s)]";
  }
}
