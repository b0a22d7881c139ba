package io.veil.core;

/**
 * The one reader of a JSON unicode escape {@code \\uXXXX} (a backslash, {@code u} and four ASCII hex digits of either
 * case), for the two places that meet such escapes inside text: detection, which reads an escaped character as the
 * character ({@link DetectionText}), and the JSON restore, which keeps an escape in a restored value as it is instead
 * of quoting its backslash ({@code io.veil.core.transform.Restorer}). One reader, so that both agree on what an escape
 * is: a value detection found through an escape is written back as the same escape.
 *
 * <p>Reads only the six characters at the offset given: whether the backslash is itself escaped (an odd run of
 * backslashes before it), and what a surrogate escape pairs with, are the caller's to decide.
 *
 * <p>Thread safety: stateless. Never throws for an offset inside or at the end of the text (a partial escape there is
 * no escape).
 */
public final class JsonEscapes {
  /** The length of one escape {@code \\uXXXX}. */
  public static final int LENGTH = 6;

  private JsonEscapes() {}

  /**
   * The UTF-16 code unit (0 to 0xFFFF) that a {@code \\uXXXX} starting at {@code i} writes, or -1 when none starts
   * there (not a backslash and {@code u}, fewer than six characters left, or a character that is not an ASCII hex
   * digit). A surrogate is returned as it is.
   */
  public static int codeUnitAt(CharSequence text, int i) {
    if (i < 0 || i + LENGTH > text.length() || text.charAt(i) != '\\' || text.charAt(i + 1) != 'u') {
      return -1;
    }
    int value = 0;
    for (int k = i + 2; k < i + LENGTH; k++) {
      int d = hexDigit(text.charAt(k));
      if (d < 0) {
        return -1;
      }
      value = value * 16 + d;
    }
    return value;
  }

  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
