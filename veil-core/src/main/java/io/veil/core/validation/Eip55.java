package io.veil.core.validation;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Ethereum addresses and their EIP-55 mixed-case checksum.
 *
 * <p>Thread safety: stateless.
 */
public final class Eip55 {
  private Eip55() {}

  /** True if {@code s} is "0x" followed by exactly 40 hexadecimal digits (any case). */
  public static boolean isAddressShape(CharSequence s) {
    if (s.length() != 42 || s.charAt(0) != '0' || (s.charAt(1) != 'x' && s.charAt(1) != 'X')) {
      return false;
    }
    for (int i = 2; i < 42; i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  /** True if the address has both upper- and lower-case hex letters, i.e. carries an EIP-55 checksum. */
  public static boolean isMixedCase(CharSequence s) {
    boolean lower = false;
    boolean upper = false;
    for (int i = 2; i < s.length(); i++) {
      char c = s.charAt(i);
      lower |= c >= 'a' && c <= 'f';
      upper |= c >= 'A' && c <= 'F';
    }
    return lower && upper;
  }

  /** True if the mixed-case address matches its EIP-55 checksum. */
  public static boolean hasValidChecksum(CharSequence s) {
    if (!isAddressShape(s)) {
      return false;
    }
    return toChecksumAddress(s).contentEquals(s);
  }

  /** The EIP-55 spelling of an address of valid shape. */
  public static String toChecksumAddress(CharSequence s) {
    if (!isAddressShape(s)) {
      throw new IllegalArgumentException("not an Ethereum address shape");
    }
    String hex = s.subSequence(2, 42).toString().toLowerCase(Locale.ROOT);
    byte[] hash = Keccak256.digest(hex.getBytes(StandardCharsets.US_ASCII));
    StringBuilder out = new StringBuilder(42).append("0x");
    for (int i = 0; i < 40; i++) {
      char c = hex.charAt(i);
      int nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf;
      out.append(c >= 'a' && nibble >= 8 ? Character.toUpperCase(c) : c);
    }
    return out.toString();
  }
}
