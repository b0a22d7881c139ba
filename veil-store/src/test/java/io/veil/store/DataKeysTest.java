package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * {@link DataKeys}' AEAD made straight from the keyset's AES-GCM key is interchangeable with Tink's keyset
 * primitive, the one the store used before (docs/notes/keycost.md): each opens what the other sealed, so
 * existing vault values stay readable and new ones stay readable by an older build.
 */
class DataKeysTest {
  private static final KeysetHandle KEYSET = generate();

  private static KeysetHandle generate() {
    try {
      return KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, KeyManager.CONFIG);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Aead keysetPrimitive(KeysetHandle keyset) throws GeneralSecurityException {
    return keyset.getPrimitive(KeyManager.CONFIG, Aead.class);
  }

  @Property(tries = 200)
  void whatTheDirectAeadSealsTheKeysetPrimitiveOpensAndBack(@ForAll @Size(max = 300) byte[] plaintext,
      @ForAll @Size(max = 100) byte[] ad) throws GeneralSecurityException {
    Aead direct = DataKeys.aead(KEYSET);
    Aead old = keysetPrimitive(KEYSET);
    assertThat(old.decrypt(direct.encrypt(plaintext, ad), ad)).isEqualTo(plaintext);
    assertThat(direct.decrypt(old.encrypt(plaintext, ad), ad)).isEqualTo(plaintext);
    assertThat(direct.decrypt(direct.encrypt(plaintext, ad), ad)).isEqualTo(plaintext);
  }

  @Property(tries = 100)
  void aSealedValueOpensOnlyWithItsAssociatedDataAndItsKey(@ForAll @Size(min = 1, max = 100) byte[] plaintext,
      @ForAll @Size(min = 1, max = 40) byte[] ad) throws GeneralSecurityException {
    DataKeys.DataKey key = DataKeys.generate();
    DataKeys.DataKey other = DataKeys.generate();
    byte[] sealed = key.aead().encrypt(plaintext, ad);
    byte[] otherAd = Arrays.copyOf(ad, ad.length + 1);
    assertThatThrownBy(() -> key.aead().decrypt(sealed, otherAd)).isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(() -> other.aead().decrypt(sealed, ad)).isInstanceOf(GeneralSecurityException.class);
    byte[] flipped = sealed.clone();
    flipped[flipped.length - 1] ^= 1;
    assertThatThrownBy(() -> key.aead().decrypt(flipped, ad)).isInstanceOf(GeneralSecurityException.class);
  }

  @Test
  void generatedKeysAreSingleAes256GcmKeysWithTinkPrefixAndDistinct() throws GeneralSecurityException {
    DataKeys.DataKey a = DataKeys.generate();
    DataKeys.DataKey b = DataKeys.generate();
    for (DataKeys.DataKey k : new DataKeys.DataKey[] {a, b}) {
      assertThat(k.keyset().size()).isEqualTo(1);
      assertThat(k.keyset().getPrimary().getKey().getParameters()).isEqualTo(DataKeys.PARAMETERS);
      assertThat(k.aead()).isInstanceOf(JceAesGcm.class);
      int id = k.keyset().getPrimary().getId();
      assertThat(id).isPositive(); // as Tink's generateNew: a non-zero 31-bit id
      byte[] sealed = k.aead().encrypt(new byte[] {1, 2, 3}, new byte[0]);
      assertThat(sealed.length).isEqualTo(5 + 12 + 3 + 16); // Tink prefix, nonce, ciphertext, tag
      assertThat(sealed[0]).isEqualTo((byte) 1); // Tink's prefix version byte
      assertThat(Arrays.copyOfRange(sealed, 1, 5)).isEqualTo(java.nio.ByteBuffer.allocate(4).putInt(id).array());
      assertThat(keysetPrimitive(k.keyset()).decrypt(sealed, new byte[0])).containsExactly(1, 2, 3);
    }
    assertThat(keyBytes(a)).isNotEqualTo(keyBytes(b));
  }

  @Test
  void aKeysetOfSeveralKeysOpensWhatEachKeySealed() throws GeneralSecurityException {
    KeysetHandle two = KeysetHandle.newBuilder(KEYSET)
        .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM).withRandomId().makePrimary())
        .build();
    Aead aead = DataKeys.aead(two);
    byte[] byFirst = DataKeys.aead(KEYSET).encrypt(new byte[] {7}, new byte[] {9});
    assertThat(aead.decrypt(byFirst, new byte[] {9})).containsExactly(7);
    byte[] byPrimary = aead.encrypt(new byte[] {8}, new byte[] {9});
    assertThat(keysetPrimitive(two).decrypt(byPrimary, new byte[] {9})).containsExactly(8);
    assertThatThrownBy(() -> DataKeys.aead(KEYSET).decrypt(byPrimary, new byte[] {9}))
        .isInstanceOf(GeneralSecurityException.class); // sealed by the new primary, not the first key
  }

  @Test
  void aKeyWithoutTinkPrefixIsInterchangeableToo() throws GeneralSecurityException {
    KeysetHandle raw = KeysetHandle.generateNew(AesGcmParameters.builder().setKeySizeBytes(32).setIvSizeBytes(12)
        .setTagSizeBytes(16).setVariant(AesGcmParameters.Variant.NO_PREFIX).build(), KeyManager.CONFIG);
    Aead direct = DataKeys.aead(raw);
    assertThat(keysetPrimitive(raw).decrypt(direct.encrypt(new byte[] {4}, new byte[0]), new byte[0])).containsExactly(4);
    assertThat(direct.decrypt(keysetPrimitive(raw).encrypt(new byte[] {5}, new byte[0]), new byte[0])).containsExactly(5);
  }

  @Test
  void toStringNamesNoKeyMaterial() throws GeneralSecurityException {
    DataKeys.DataKey k = DataKeys.generate();
    assertThat(k.toString()).isEqualTo("DataKey[AES-256-GCM]");
  }

  static byte[] keyBytes(DataKeys.DataKey k) {
    return ((AesGcmKey) k.keyset().getPrimary().getKey()).getKeyBytes().toByteArray(InsecureSecretKeyAccess.get());
  }
}
