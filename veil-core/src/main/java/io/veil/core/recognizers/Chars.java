package io.veil.core.recognizers;

/** Character classes and boundary tests shared by the hand-written scanners (ASCII-fast). */
final class Chars {
  /** End (exclusive) of the Latin blocks answered from {@link #LETTER} and {@link #LETTER_OR_DIGIT}. */
  private static final int LATIN_END = 0x0250;
  /** Bit {@code c}: {@link Character#isLetter(char)} for {@code c < LATIN_END}, copied from the JDK. */
  private static final long[] LETTER = table(false);
  /** Bit {@code c}: {@link Character#isLetterOrDigit(char)} for {@code c < LATIN_END}, copied from the JDK. */
  private static final long[] LETTER_OR_DIGIT = table(true);

  private Chars() {}

  private static long[] table(boolean orDigit) {
    long[] bits = new long[(LATIN_END + 63) / 64];
    for (char c = 0; c < LATIN_END; c++) {
      if (orDigit ? Character.isLetterOrDigit(c) : Character.isLetter(c)) {
        bits[c >> 6] |= 1L << (c & 63);
      }
    }
    return bits;
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * The value of {@code s[from, to)}, which the caller has checked to be one to nine ASCII digits:
   * {@code Integer.parseInt} without its checks (it was a top frame of the age and date scanners).
   */
  static int asciiDigitsValue(CharSequence s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      v = v * 10 + (s.charAt(i) - '0');
    }
    return v;
  }

  static boolean isAsciiLetter(char c) {
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  }

  static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  static boolean isAsciiAlnum(char c) {
    return isDigit(c) || isAsciiLetter(c);
  }

  static boolean isHex(char c) {
    return isDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
  }

  /** {@link Character#isLetter(char)}, answered without a table lookup for ASCII. */
  static boolean isLetter(char c) {
    if (c < 128) {
      return isAsciiLetter(c);
    }
    return c < LATIN_END ? (LETTER[c >> 6] & (1L << (c & 63))) != 0 : Character.isLetter(c);
  }

  /**
   * {@link Character#isLetterOrDigit(char)}, answered without a call into {@code Character}'s data
   * tables for ASCII and the Latin blocks up to U+024F (accented names are common in prompts).
   */
  static boolean isLetterOrDigit(char c) {
    if (c < 128) {
      return isAsciiAlnum(c);
    }
    return c < LATIN_END ? (LETTER_OR_DIGIT[c >> 6] & (1L << (c & 63))) != 0 : Character.isLetterOrDigit(c);
  }

  /** {@link Character#toLowerCase(char)}, answered without a table lookup for ASCII. */
  static char toLowerCase(char c) {
    return c < 128 ? (isUpper(c) ? (char) (c | 0x20) : c) : Character.toLowerCase(c);
  }

  /** Letter or digit in any script. */
  static boolean isWordChar(char c) {
    return c < 128 ? isAsciiAlnum(c) || c == '_' : isLetterOrDigit(c);
  }

  /** True if no word character stands just before {@code i}. */
  static boolean boundaryBefore(CharSequence s, int i) {
    return i <= 0 || !isWordChar(s.charAt(i - 1));
  }

  /** True if no word character stands at {@code i}. */
  static boolean boundaryAfter(CharSequence s, int i) {
    return i >= s.length() || !isWordChar(s.charAt(i));
  }

  /** Case-insensitive comparison of {@code word} (lower-case) with the text at {@code at}. */
  static boolean matchesAt(CharSequence s, int at, String word) {
    if (at < 0 || at + word.length() > s.length()) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      char c = s.charAt(at + i);
      char lc = c < 128 ? (char) (c | (isAsciiLetter(c) ? 0x20 : 0)) : Character.toLowerCase(c);
      if (lc != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The digits of {@code s[from, to)} without separators, or null if more than {@code max}. */
  static String digitsOf(CharSequence s, int from, int to, int max) {
    StringBuilder b = new StringBuilder(Math.min(max, to - from));
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (isDigit(c)) {
        if (b.length() == max) {
          return null;
        }
        b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * True if one of {@code words} (lower-case) stands as a word (or, from four letters on, a word prefix) within
   * {@code [from, to)}; used by recognizers whose context decides the type, not only the score.
   */
  static boolean hasWordIn(CharSequence s, int from, int to, String[] words) {
    from = Math.max(0, from);
    to = Math.min(s.length(), to);
    for (int i = from; i < to; i++) {
      if (!boundaryBefore(s, i) || !isWordChar(s.charAt(i))) {
        continue;
      }
      for (String w : words) {
        if (i + w.length() <= to && matchesAt(s, i, w) && (w.length() >= 4 || boundaryAfter(s, i + w.length()))) {
          return true;
        }
      }
    }
    return false;
  }

  /** True if {@code word} (lower-case ASCII) occurs anywhere in {@code s[from, to)}, ignoring case. */
  static boolean containsIgnoreCase(CharSequence s, int from, int to, String word) {
    from = Math.max(0, from);
    to = Math.min(s.length(), to);
    for (int i = from; i + word.length() <= to; i++) {
      if (matchesAt(s, i, word)) {
        return true;
      }
    }
    return false;
  }
}
