package io.veil.core.validation;

/**
 * The Verhoeff check-digit scheme (dihedral group D5), used by India's Aadhaar numbers. Detects every
 * single-digit error and every adjacent transposition.
 *
 * <p>Thread safety: stateless.
 */
public final class Verhoeff {
  private static final int[][] D = {
      {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
      {3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
      {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
      {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}};
  private static final int[][] P = {
      {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4}, {5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
      {8, 9, 1, 6, 0, 4, 3, 5, 2, 7}, {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
      {2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}};
  private static final int[] INV = {0, 4, 3, 2, 1, 5, 6, 7, 8, 9};

  private Verhoeff() {}

  /** True if {@code digits} (ASCII digits, check digit last) passes the Verhoeff check. */
  public static boolean isValid(CharSequence digits) {
    if (digits.length() < 2) {
      return false;
    }
    int c = 0;
    for (int i = 0; i < digits.length(); i++) {
      int d = digits.charAt(digits.length() - 1 - i) - '0';
      if (d < 0 || d > 9) {
        return false;
      }
      c = D[c][P[i % 8][d]];
    }
    return c == 0;
  }

  /** The check digit to append to {@code payload}. */
  public static int checkDigit(CharSequence payload) {
    int c = 0;
    for (int i = 0; i < payload.length(); i++) {
      int d = payload.charAt(payload.length() - 1 - i) - '0';
      if (d < 0 || d > 9) {
        throw new IllegalArgumentException("payload must be ASCII digits");
      }
      c = D[c][P[(i + 1) % 8][d]];
    }
    return INV[c];
  }
}
