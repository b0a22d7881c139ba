package io.veil.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Encodings used for hashing and associated data: unambiguous, length-prefixed. */
final class Bytes {
  private static final HexFormat HEX = HexFormat.of();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Bytes() {}

  /** Length-prefixed concatenation of UTF-8 strings; {@code null} encodes as length -1. */
  static byte[] fields(String... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String p : parts) {
      if (p == null) {
        writeInt(out, -1);
        continue;
      }
      byte[] b = p.getBytes(StandardCharsets.UTF_8);
      writeInt(out, b.length);
      out.writeBytes(b);
    }
    return out.toByteArray();
  }

  private static void writeInt(ByteArrayOutputStream out, int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }

  static String hex(byte[] b) {
    return HEX.formatHex(b);
  }

  static byte[] unhex(String s) {
    return HEX.parseHex(s);
  }

  static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) {
        md.update(p);
      }
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return hex(b);
  }

  /** Constant-time comparison of two hex strings. */
  static boolean equalHex(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }
}
