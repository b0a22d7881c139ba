package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * {@link JceAesGcm} is byte-compatible with Tink's keyset AEAD for the keysets Veil stores (subject keys, the master
 * keyset before and after rotations): each opens what the other sealed, so rows written by any earlier build stay
 * readable and rows written now stay readable by an earlier build; what fails to authenticate fails closed.
 */
class JceAesGcmTest {
  private static final KeysetHandle ONE = keyset(1);
  private static final KeysetHandle ROTATED = keyset(3);

  /** A keyset as {@code KeyManager.rotateMaster} leaves it after {@code n - 1} rotations. */
  private static KeysetHandle keyset(int n) {
    try {
      KeysetHandle h = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, KeyManager.CONFIG);
      for (int i = 1; i < n; i++) {
        h = KeysetHandle.newBuilder(h).addEntry(KeysetHandle.generateEntryFromParameters(
            PredefinedAeadParameters.AES256_GCM).withRandomId().makePrimary()).build();
      }
      return h;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Aead tink(KeysetHandle h) throws GeneralSecurityException {
    return h.getPrimitive(KeyManager.CONFIG, Aead.class);
  }

  @Property(tries = 200)
  void tinkAndJceOpenWhatTheOtherSealed(@ForAll @Size(max = 400) byte[] plaintext, @ForAll @Size(max = 80) byte[] ad,
      @ForAll boolean rotated, @ForAll boolean nullAd) throws GeneralSecurityException {
    KeysetHandle h = rotated ? ROTATED : ONE;
    byte[] a = nullAd ? null : ad;
    Aead jce = JceAesGcm.of(h, KeyManager.CONFIG);
    assertThat(jce).isInstanceOf(JceAesGcm.class);
    byte[] sealed = jce.encrypt(plaintext, a);
    assertThat(sealed).hasSize(5 + 12 + plaintext.length + 16);
    assertThat(tink(h).decrypt(sealed, a)).isEqualTo(plaintext);
    assertThat(jce.decrypt(tink(h).encrypt(plaintext, a), a)).isEqualTo(plaintext);
    assertThat(jce.decrypt(sealed, a)).isEqualTo(plaintext);
  }

  @Property(tries = 100)
  void anythingAlteredFailsClosed(@ForAll @Size(min = 1, max = 100) byte[] plaintext, @ForAll @Size(max = 20) byte[] ad,
      @ForAll @IntRange(min = 0, max = 1000) int where) throws GeneralSecurityException {
    Aead jce = JceAesGcm.of(ROTATED, KeyManager.CONFIG);
    byte[] sealed = jce.encrypt(plaintext, ad);
    byte[] flipped = sealed.clone();
    flipped[where % flipped.length] ^= 1;
    assertThatThrownBy(() -> jce.decrypt(flipped, ad)).isInstanceOf(GeneralSecurityException.class);
    byte[] otherAd = Arrays.copyOf(ad, ad.length + 1);
    assertThatThrownBy(() -> jce.decrypt(sealed, otherAd)).isInstanceOf(GeneralSecurityException.class);
    byte[] truncated = Arrays.copyOf(sealed, where % sealed.length);
    assertThatThrownBy(() -> jce.decrypt(truncated, ad)).isInstanceOf(GeneralSecurityException.class);
  }

  @Test
  void afterRotationEveryEarlierKeyStillOpensAndTheNewPrimarySeals() throws GeneralSecurityException {
    byte[] byFirst = tink(ONE).encrypt(new byte[] {1}, new byte[] {2});
    KeysetHandle later = KeysetHandle.newBuilder(ONE).addEntry(KeysetHandle.generateEntryFromParameters(
        PredefinedAeadParameters.AES256_GCM).withRandomId().makePrimary()).build();
    Aead jce = JceAesGcm.of(later, KeyManager.CONFIG);
    assertThat(jce.decrypt(byFirst, new byte[] {2})).containsExactly(1);
    byte[] byNew = jce.encrypt(new byte[] {3}, new byte[] {2});
    assertThatThrownBy(() -> tink(ONE).decrypt(byNew, new byte[] {2})).isInstanceOf(GeneralSecurityException.class);
    assertThat(tink(later).decrypt(byNew, new byte[] {2})).containsExactly(3);
  }

  @Test
  void aDisabledKeyNeitherSealsNorOpens() throws GeneralSecurityException {
    byte[] byFirst = tink(ONE).encrypt(new byte[] {1}, new byte[0]);
    KeysetHandle.Builder b = KeysetHandle.newBuilder(ONE).addEntry(KeysetHandle.generateEntryFromParameters(
        PredefinedAeadParameters.AES256_GCM).withRandomId().makePrimary());
    b.getAt(0).setStatus(KeyStatus.DISABLED);
    KeysetHandle h = b.build();
    Aead jce = JceAesGcm.of(h, KeyManager.CONFIG);
    assertThatThrownBy(() -> jce.decrypt(byFirst, new byte[0])).isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(() -> tink(h).decrypt(byFirst, new byte[0])).isInstanceOf(GeneralSecurityException.class);
  }

  @Test
  void keysWithoutPrefixAndMixedKeysetsAreInterchangeable() throws GeneralSecurityException {
    AesGcmParameters raw = AesGcmParameters.builder().setKeySizeBytes(16).setIvSizeBytes(12).setTagSizeBytes(16)
        .setVariant(AesGcmParameters.Variant.NO_PREFIX).build();
    KeysetHandle h = KeysetHandle.newBuilder(ONE)
        .addEntry(KeysetHandle.generateEntryFromParameters(raw).withRandomId().makePrimary()).build();
    Aead jce = JceAesGcm.of(h, KeyManager.CONFIG);
    assertThat(jce).isInstanceOf(JceAesGcm.class);
    byte[] sealed = jce.encrypt(new byte[] {4}, new byte[] {5});
    assertThat(sealed).hasSize(12 + 1 + 16);
    assertThat(tink(h).decrypt(sealed, new byte[] {5})).containsExactly(4);
    assertThat(jce.decrypt(tink(ONE).encrypt(new byte[] {6}, new byte[0]), new byte[0])).containsExactly(6);
  }

  @Test
  void otherKeyTypesGetTinksPrimitive() throws GeneralSecurityException {
    KeysetHandle h = KeysetHandle.generateNew(PredefinedAeadParameters.CHACHA20_POLY1305, KeyManager.CONFIG);
    Aead aead = JceAesGcm.of(h, KeyManager.CONFIG);
    assertThat(aead).isNotInstanceOf(JceAesGcm.class);
    assertThat(aead.decrypt(aead.encrypt(new byte[] {9}, new byte[0]), new byte[0])).containsExactly(9);
  }

  @Test
  void concurrentSealsAndOpensWithPooledCiphersStayCorrect() throws Exception {
    Aead one = JceAesGcm.of(ONE, KeyManager.CONFIG);
    Aead rotated = JceAesGcm.of(ROTATED, KeyManager.CONFIG);
    Aead tinkOne = tink(ONE);
    Aead tinkRotated = tink(ROTATED);
    int wrong = ConcurrentChecks.wrong(12, 300, (me, i) -> {
      byte[] pt = ("value " + me + "/" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      byte[] ad = {(byte) me, (byte) i};
      boolean first = (i + me) % 2 == 0;
      byte[] sealed = (first ? one : rotated).encrypt(pt, ad);
      boolean right = Arrays.equals((first ? tinkOne : tinkRotated).decrypt(sealed, ad), pt)
          && Arrays.equals((first ? one : rotated).decrypt(sealed, ad), pt);
      try {
        (first ? rotated : one).decrypt(sealed, ad); // the other keyset must refuse it
        return false;
      } catch (GeneralSecurityException expected) {
        return right; // fails closed, and the pooled cipher stays usable
      }
    });
    assertThat(wrong).isZero();
  }

  @Test
  void toStringNamesNoKeyMaterial() throws GeneralSecurityException {
    assertThat(JceAesGcm.of(ROTATED, KeyManager.CONFIG).toString()).isEqualTo("JceAesGcm[3 key(s)]");
  }
}
