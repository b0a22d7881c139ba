package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Mac;
import com.google.crypto.tink.mac.HmacParameters;
import com.google.crypto.tink.mac.PredefinedMacParameters;
import java.security.GeneralSecurityException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * {@link JceHmac} computes exactly Tink's tag for Veil's system keys (HMAC-SHA256, NO_PREFIX, 32 bytes), so the
 * pseudonyms and vault lookup hashes stored by earlier builds still match; other MAC keysets stay with Tink.
 */
class JceHmacTest {
  static final HmacParameters SYSTEM = system();
  private static final KeysetHandle KEY = generate(SYSTEM);

  private static HmacParameters system() {
    try { // the parameters SubjectKeys creates its system keys with
      return HmacParameters.builder().setKeySizeBytes(32).setTagSizeBytes(32)
          .setHashType(HmacParameters.HashType.SHA256).setVariant(HmacParameters.Variant.NO_PREFIX).build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeysetHandle generate(HmacParameters p) {
    try {
      return KeysetHandle.generateNew(p, KeyManager.CONFIG);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Property(tries = 300)
  void theTagIsTinksTag(@ForAll @Size(max = 500) byte[] data) throws GeneralSecurityException {
    Mac jce = JceHmac.of(KEY, KeyManager.CONFIG);
    assertThat(jce).isInstanceOf(JceHmac.class);
    Mac tink = KEY.getPrimitive(KeyManager.CONFIG, Mac.class);
    byte[] tag = jce.computeMac(data);
    assertThat(tag).isEqualTo(tink.computeMac(data)).hasSize(32);
    jce.verifyMac(tag, data);
    tink.verifyMac(tag, data);
  }

  @Property(tries = 100)
  void aWrongTagIsRefused(@ForAll @Size(max = 100) byte[] data, @ForAll @Size(min = 1, max = 32) byte[] bits)
      throws GeneralSecurityException {
    Mac jce = JceHmac.of(KEY, KeyManager.CONFIG);
    byte[] tag = jce.computeMac(data);
    for (int i = 0; i < bits.length; i++) {
      tag[i] ^= (byte) (bits[i] | 1);
    }
    byte[] wrong = tag;
    assertThatThrownBy(() -> jce.verifyMac(wrong, data)).isInstanceOf(GeneralSecurityException.class);
  }

  @Test
  void concurrentCallsWithPooledMacsGiveTinksTags() throws Exception {
    Mac jce = JceHmac.of(KEY, KeyManager.CONFIG);
    Mac tink = KEY.getPrimitive(KeyManager.CONFIG, Mac.class);
    int wrong = ConcurrentChecks.wrong(12, 500, (me, i) -> {
      byte[] data = ("lookup " + me + "/" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      return java.util.Arrays.equals(jce.computeMac(data), tink.computeMac(data));
    });
    assertThat(wrong).isZero();
  }

  @Test
  void otherMacKeysetsGetTinksPrimitive() throws GeneralSecurityException {
    KeysetHandle tinkPrefixed = generate(PredefinedMacParameters.HMAC_SHA256_256BITTAG);
    Mac mac = JceHmac.of(tinkPrefixed, KeyManager.CONFIG);
    assertThat(mac).isNotInstanceOf(JceHmac.class);
    assertThat(mac.computeMac(new byte[] {1})).hasSize(5 + 32);
  }

  @Test
  void toStringNamesNoKeyMaterial() throws GeneralSecurityException {
    assertThat(JceHmac.of(KEY, KeyManager.CONFIG).toString()).isEqualTo("JceHmac[HMAC-SHA256]");
  }
}
