package io.veil.core.validation;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Bitcoin's Base58Check encoding: base58 payload whose last four bytes are the first four bytes of
 * the double SHA-256 of the rest.
 *
 * <p>Thread safety: stateless (a {@link MessageDigest} is created per call).
 */
public final class Base58Check {
  private static final String ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  private static final int[] INDEX = new int[128];

  static {
    Arrays.fill(INDEX, -1);
    for (int i = 0; i < ALPHABET.length(); i++) {
      INDEX[ALPHABET.charAt(i)] = i;
    }
  }

  private Base58Check() {}

  /** True if {@code c} belongs to the base58 alphabet. */
  public static boolean isBase58Char(char c) {
    return c < 128 && INDEX[c] >= 0;
  }

  /**
   * Decodes a Base58Check string and returns its payload (version byte included, checksum removed),
   * or null if it is not valid base58, is longer than {@code maxChars}, or its checksum fails.
   */
  public static byte[] decode(CharSequence s, int maxChars) {
    int n = s.length();
    if (n == 0 || n > maxChars) {
      return null;
    }
    int zeros = 0;
    while (zeros < n && s.charAt(zeros) == '1') {
      zeros++;
    }
    byte[] b256 = new byte[n * 733 / 1000 + 1];
    int length = 0;
    for (int i = zeros; i < n; i++) {
      char c = s.charAt(i);
      int carry = c < 128 ? INDEX[c] : -1;
      if (carry < 0) {
        return null;
      }
      int k = 0;
      for (int j = b256.length - 1; (carry != 0 || k < length) && j >= 0; j--, k++) {
        carry += 58 * (b256[j] & 0xff);
        b256[j] = (byte) (carry % 256);
        carry /= 256;
      }
      length = k;
    }
    int start = b256.length - length;
    byte[] raw = new byte[zeros + length];
    System.arraycopy(b256, start, raw, zeros, length);
    if (raw.length < 5) {
      return null;
    }
    byte[] payload = Arrays.copyOf(raw, raw.length - 4);
    byte[] hash = sha256(sha256(payload));
    for (int i = 0; i < 4; i++) {
      if (hash[i] != raw[payload.length + i]) {
        return null;
      }
    }
    return payload;
  }

  /** True if {@code s} is a Bitcoin mainnet or testnet P2PKH/P2SH address with a valid checksum. */
  public static boolean isBitcoinAddress(CharSequence s) {
    byte[] p = decode(s, 35);
    if (p == null || p.length != 21) {
      return false;
    }
    int v = p[0] & 0xff;
    return v == 0x00 || v == 0x05 || v == 0x6f || v == 0xc4;
  }

  static byte[] sha256(byte[] in) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(in);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
