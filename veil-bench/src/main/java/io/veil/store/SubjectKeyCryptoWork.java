package io.veil.store;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.Configuration;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * The work measured by {@link SubjectKeyCryptoBenchmark} and {@link SubjectKeyCryptoAB}: a new conversation's
 * subject key (generate, wrap with the master key, make the AEAD), {@code values} values sealed with it and their
 * lookup hashes plus the subject's pseudonym (HMAC), the way the store did it before keycost ({@code old*}:
 * Tink's keyset generation, keyset primitives and MAC, verbatim from the earlier {@code SubjectKeys.create}) and
 * now ({@code new*}: {@link DataKeys}, the master key and the system MAC through {@link JceAesGcm} and
 * {@link JceHmac}, docs/notes/gwcpu.md); and a stored key unwrapped and its values opened. No database: the SQL
 * around these calls is the same on both sides. Each method returns a number derived from its output so nothing
 * is dead code.
 */
final class SubjectKeyCryptoWork {
  private static final Configuration CONFIG = KeyManager.CONFIG;

  final int values;
  final Aead master;
  final Aead newMaster;
  final com.google.crypto.tink.Mac mac;
  final com.google.crypto.tink.Mac newMac;
  final byte[] keyAd;
  final byte[][] plain;
  final byte[][] valueAd;
  final KeysetHandle storedKeyset;
  final byte[] storedKey;
  final byte[][] storedValues;

  SubjectKeyCryptoWork(int values) throws GeneralSecurityException {
    this.values = values;
    KeysetHandle masterKeyset = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, CONFIG);
    master = masterKeyset.getPrimitive(CONFIG, Aead.class);
    newMaster = JceAesGcm.of(masterKeyset, CONFIG);
    KeysetHandle macKeyset = KeysetHandle.generateNew(com.google.crypto.tink.mac.HmacParameters.builder()
        .setKeySizeBytes(32).setTagSizeBytes(32).setHashType(com.google.crypto.tink.mac.HmacParameters.HashType.SHA256)
        .setVariant(com.google.crypto.tink.mac.HmacParameters.Variant.NO_PREFIX).build(), CONFIG);
    mac = macKeyset.getPrimitive(CONFIG, com.google.crypto.tink.Mac.class);
    newMac = JceHmac.of(macKeyset, CONFIG);
    keyAd = Bytes.fields("veil.subject-key.v1", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    plain = new byte[values][];
    valueAd = new byte[values][];
    for (int i = 0; i < values; i++) {
      plain[i] = ("Jonathan Smithers " + i + " 555-0134").getBytes(StandardCharsets.UTF_8);
      valueAd[i] = Bytes.fields("veil.vault-entry.v1", "tenant", "conversation", "<PERSON_" + i + ">", "PERSON");
    }
    storedKeyset = KeysetHandle.generateNew(DataKeys.PARAMETERS, CONFIG);
    storedKey = TinkProtoKeysetFormat.serializeEncryptedKeyset(storedKeyset, master, keyAd, CONFIG);
    Aead a = storedKeyset.getPrimitive(CONFIG, Aead.class);
    storedValues = new byte[values][];
    for (int i = 0; i < values; i++) {
      storedValues[i] = a.encrypt(plain[i], valueAd[i]);
    }
  }

  int oldNewSubject() throws GeneralSecurityException {
    KeysetHandle fresh = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, CONFIG);
    int n = TinkProtoKeysetFormat.serializeEncryptedKeyset(fresh, master, keyAd, CONFIG).length;
    Aead aead = fresh.getPrimitive(CONFIG, Aead.class);
    n += mac.computeMac(keyAd)[0];
    for (int i = 0; i < values; i++) {
      n += aead.encrypt(plain[i], valueAd[i])[20] + mac.computeMac(plain[i])[0];
    }
    return n;
  }

  int newNewSubject() throws GeneralSecurityException {
    return sealWith(DataKeys.generate());
  }

  private int sealWith(DataKeys.DataKey fresh) throws GeneralSecurityException {
    int n = TinkProtoKeysetFormat.serializeEncryptedKeyset(fresh.keyset(), newMaster, keyAd, CONFIG).length;
    n += newMac.computeMac(keyAd)[0];
    for (int i = 0; i < values; i++) {
      n += fresh.aead().encrypt(plain[i], valueAd[i])[20] + newMac.computeMac(plain[i])[0];
    }
    return n;
  }

  int wrapOnly() throws GeneralSecurityException {
    return TinkProtoKeysetFormat.serializeEncryptedKeyset(storedKeyset, master, keyAd, CONFIG).length;
  }

  int oldReadSubject() throws GeneralSecurityException {
    return open(TinkProtoKeysetFormat.parseEncryptedKeyset(storedKey, master, keyAd, CONFIG).getPrimitive(CONFIG, Aead.class));
  }

  int newReadSubject() throws GeneralSecurityException {
    return open(DataKeys.aead(TinkProtoKeysetFormat.parseEncryptedKeyset(storedKey, newMaster, keyAd, CONFIG)));
  }

  private int open(Aead aead) throws GeneralSecurityException {
    int n = 0;
    for (int i = 0; i < values; i++) {
      n += aead.decrypt(storedValues[i], valueAd[i])[0];
    }
    return n;
  }
}
