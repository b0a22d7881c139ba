package io.veil.core.validation;

/**
 * Keccak-256 as used by Ethereum (the original Keccak padding 0x01, not NIST SHA3-256's 0x06). The
 * JDK offers only SHA3-256 and no dependency of veil-core offers Keccak, so this is the compact
 * reference permutation (Keccak-f[1600]); tests pin it to published vectors.
 *
 * <p>Thread safety: stateless.
 */
public final class Keccak256 {
  private static final long[] RC = {
      0x0000000000000001L, 0x0000000000008082L, 0x800000000000808aL, 0x8000000080008000L,
      0x000000000000808bL, 0x0000000080000001L, 0x8000000080008081L, 0x8000000000008009L,
      0x000000000000008aL, 0x0000000000000088L, 0x0000000080008009L, 0x000000008000000aL,
      0x000000008000808bL, 0x800000000000008bL, 0x8000000000008089L, 0x8000000000008003L,
      0x8000000000008002L, 0x8000000000000080L, 0x000000000000800aL, 0x800000008000000aL,
      0x8000000080008081L, 0x8000000000008080L, 0x0000000080000001L, 0x8000000080008008L};
  private static final int[] ROT = {
      0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14};
  private static final int RATE = 136;

  private Keccak256() {}

  /** The 32-byte Keccak-256 digest of {@code in}. */
  public static byte[] digest(byte[] in) {
    long[] a = new long[25];
    int off = 0;
    while (in.length - off >= RATE) {
      absorb(a, in, off, RATE);
      permute(a);
      off += RATE;
    }
    byte[] last = new byte[RATE];
    int rem = in.length - off;
    System.arraycopy(in, off, last, 0, rem);
    last[rem] ^= 0x01;
    last[RATE - 1] ^= (byte) 0x80;
    absorb(a, last, 0, RATE);
    permute(a);
    byte[] out = new byte[32];
    for (int i = 0; i < 32; i++) {
      out[i] = (byte) (a[i >> 3] >>> (8 * (i & 7)));
    }
    return out;
  }

  private static void absorb(long[] a, byte[] in, int off, int len) {
    for (int i = 0; i < len; i++) {
      a[i >> 3] ^= (in[off + i] & 0xffL) << (8 * (i & 7));
    }
  }

  private static void permute(long[] a) {
    long[] c = new long[5];
    long[] b = new long[25];
    for (int round = 0; round < 24; round++) {
      for (int x = 0; x < 5; x++) {
        c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
      }
      for (int x = 0; x < 5; x++) {
        long d = c[(x + 4) % 5] ^ Long.rotateLeft(c[(x + 1) % 5], 1);
        for (int y = 0; y < 25; y += 5) {
          a[y + x] ^= d;
        }
      }
      for (int x = 0; x < 5; x++) {
        for (int y = 0; y < 5; y++) {
          int idx = x + 5 * y;
          b[y + 5 * ((2 * x + 3 * y) % 5)] = Long.rotateLeft(a[idx], ROT[idx]);
        }
      }
      for (int y = 0; y < 25; y += 5) {
        for (int x = 0; x < 5; x++) {
          a[y + x] = b[y + x] ^ (~b[y + (x + 1) % 5] & b[y + (x + 2) % 5]);
        }
      }
      a[0] ^= RC[round];
    }
  }
}
