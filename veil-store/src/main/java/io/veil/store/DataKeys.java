package io.veil.store;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.Configuration;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.util.SecretBytes;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The cryptography of one subject's data key, apart from where it is stored: a Tink keyset holding one
 * AES-256-GCM key (Tink output prefix), and the {@link Aead} that seals the subject's vault values.
 *
 * <p>What this class saves (docs/notes/keycost.md, gwcpu.md): the AEAD is made straight from the keyset's
 * {@link AesGcmKey} ({@link JceAesGcm}, JCE objects Veil owns) instead of through {@link KeysetHandle#getPrimitive},
 * which builds a primitive set, a wrapper and monitoring for a keyset that only ever holds one key, and sets up
 * Tink's per-thread generator and cipher on every new (virtual) thread. The ciphertexts are byte-for-byte the same format (5-byte Tink prefix with the key
 * id, 12-byte nonce, ciphertext, 16-byte tag), so values sealed before this change decrypt, and values
 * sealed after it decrypt with the keyset primitive too. A keyset that is not exactly one AES-GCM key
 * (none is written, but a row is data) gets Tink's keyset primitive as before.
 *
 * <p>Thread safety: stateless; the {@link Aead}s it returns are safe for concurrent use.
 *
 * <p><b>Security:</b> the records hold unwrapped key material; they never leave the package, and their
 * {@code toString()} names no key bytes.
 */
final class DataKeys {
  static final AesGcmParameters PARAMETERS = PredefinedAeadParameters.AES256_GCM;
  private static final Configuration CONFIG = KeyManager.CONFIG;

  private DataKeys() {}

  /** An unwrapped data key: the keyset (what is wrapped and stored) and its AEAD. */
  record DataKey(KeysetHandle keyset, Aead aead) {
    @Override
    public String toString() {
      return "DataKey[AES-256-GCM]";
    }
  }

  /**
   * A fresh random data key: the same keyset {@code KeysetHandle.generateNew(PARAMETERS)} makes (one AES-256-GCM
   * key, Tink prefix, a random non-zero 31-bit key id), with its bytes and id drawn from {@link JceAesGcm#RANDOM}
   * rather than Tink's per-thread generator (docs/notes/gwcpu.md).
   */
  static DataKey generate() throws GeneralSecurityException {
    byte[] raw = new byte[PARAMETERS.getKeySizeBytes()];
    int id;
    try {
      JceAesGcm.RANDOM.nextBytes(raw);
      do {
        id = JceAesGcm.RANDOM.nextInt() & 0x7fffffff;
      } while (id == 0);
      AesGcmKey key = AesGcmKey.builder().setParameters(PARAMETERS)
          .setKeyBytes(SecretBytes.copyFrom(raw, InsecureSecretKeyAccess.get())).setIdRequirement(id).build();
      KeysetHandle keyset = KeysetHandle.newBuilder().addEntry(KeysetHandle.importKey(key).makePrimary()).build();
      return new DataKey(keyset, aead(keyset));
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /**
   * The AEAD of a subject keyset: made directly from its single AES-GCM key when it has exactly one,
   * else Tink's keyset primitive (which also handles several keys and other key types).
   */
  static Aead aead(KeysetHandle keyset) throws GeneralSecurityException {
    return JceAesGcm.of(keyset, CONFIG);
  }
}
