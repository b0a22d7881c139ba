package io.veil.core.validation;

/**
 * Bech32 (BIP 173) and Bech32m (BIP 350) checksums and SegWit address rules.
 *
 * <p>Thread safety: stateless.
 */
public final class Bech32 {
  private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  private static final int BECH32_CONST = 1;
  private static final int BECH32M_CONST = 0x2bc830a3;

  private Bech32() {}

  /** True if {@code c} (either case) is in the Bech32 data alphabet. */
  public static boolean isDataChar(char c) {
    return CHARSET.indexOf(Character.toLowerCase(c)) >= 0;
  }

  /**
   * True if {@code s} is a SegWit address for human-readable part {@code hrp} ("bc" mainnet, "tb"
   * testnet): not mixed case, at most 90 characters, witness version 0 with Bech32 and a 20- or
   * 32-byte program, or version 1-16 with Bech32m and a 2-40 byte program.
   */
  public static boolean isSegwitAddress(CharSequence s, String hrp) {
    int n = s.length();
    if (n < 14 || n > 90) {
      return false;
    }
    boolean lower = false;
    boolean upper = false;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 33 || c > 126) {
        return false;
      }
      lower |= c >= 'a' && c <= 'z';
      upper |= c >= 'A' && c <= 'Z';
    }
    if (lower && upper) {
      return false;
    }
    String str = s.toString().toLowerCase(java.util.Locale.ROOT);
    int sep = str.lastIndexOf('1');
    if (sep != hrp.length() || !str.startsWith(hrp) || n - sep - 1 < 6) {
      return false;
    }
    int[] data = new int[n - sep - 1];
    for (int i = 0; i < data.length; i++) {
      int v = CHARSET.indexOf(str.charAt(sep + 1 + i));
      if (v < 0) {
        return false;
      }
      data[i] = v;
    }
    int check = polymod(hrp, data);
    int version = data[0];
    if (version > 16) {
      return false;
    }
    if ((version == 0 && check != BECH32_CONST) || (version != 0 && check != BECH32M_CONST)) {
      return false;
    }
    int progBits = (data.length - 7) * 5;
    if (progBits < 0) {
      return false;
    }
    // the last group must hold only padding (fewer than 5 bits, all zero)
    int progLen = progBits / 8;
    int pad = progBits % 8;
    if (pad >= 5 || (data[data.length - 7] & ((1 << pad) - 1)) != 0) {
      return false;
    }
    if (progLen < 2 || progLen > 40) {
      return false;
    }
    return version != 0 || progLen == 20 || progLen == 32;
  }

  static int polymod(String hrp, int[] data) {
    int chk = 1;
    for (int i = 0; i < hrp.length(); i++) {
      chk = step(chk) ^ (hrp.charAt(i) >> 5);
    }
    chk = step(chk);
    for (int i = 0; i < hrp.length(); i++) {
      chk = step(chk) ^ (hrp.charAt(i) & 31);
    }
    for (int v : data) {
      chk = step(chk) ^ v;
    }
    return chk;
  }

  private static int step(int pre) {
    int b = pre >>> 25;
    return ((pre & 0x1ffffff) << 5)
        ^ (-((b) & 1) & 0x3b6a57b2)
        ^ (-((b >> 1) & 1) & 0x26508e6d)
        ^ (-((b >> 2) & 1) & 0x1ea119fa)
        ^ (-((b >> 3) & 1) & 0x3d4233dd)
        ^ (-((b >> 4) & 1) & 0x2a1462b3);
  }
}
