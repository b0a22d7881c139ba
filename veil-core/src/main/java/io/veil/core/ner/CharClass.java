package io.veil.core.ner;

/**
 * Character classes used by the tokenizer and the lexicon, with an ASCII fast path.
 *
 * <p>Why: {@link Character}'s class tests dispatch through a per-block {@code CharacterData} object;
 * on the tokenizer's per-character loop that call is not inlined and dominated the profile. For
 * characters below 128 each method here answers from a plain range test with exactly the result of
 * the {@link Character} method named in its Javadoc; other characters below U+3000 (Latin, Greek,
 * Cyrillic, Hebrew, ... and their punctuation) from tables filled from {@link Character} at class load;
 * the rest go to that method.
 */
final class CharClass {
  private CharClass() {}

  /** Chars below this have their classes in {@link #CLASSES}: Latin, Greek, Cyrillic, ..., punctuation. */
  private static final int TABLE = 0x3000;
  private static final byte LETTER = 1;
  private static final byte DIGIT = 2;
  private static final byte MARK = 4;
  /** Not a word class: {@link Character#isUpperCase(char)} (not part of {@link #isLetterDigitOrMark}). */
  private static final byte UPPER = 8;
  /** Not a word class: {@link Character#isLowerCase(char)}. */
  private static final byte LOWER = 16;
  private static final byte WORD_CLASSES = LETTER | DIGIT | MARK;
  /**
   * Per char below {@link #TABLE}: {@link #LETTER}, {@link #DIGIT}, {@link #MARK}, {@link #UPPER},
   * {@link #LOWER}, from {@link Character}.
   */
  private static final byte[] CLASSES = new byte[TABLE];
  /** Per char below {@link #TABLE}: {@link Character#toLowerCase(char)}. */
  private static final char[] LOWER_CASE = new char[TABLE];

  static {
    for (char c = 0; c < TABLE; c++) {
      int type = Character.getType(c);
      CLASSES[c] = (byte) ((Character.isLetter(c) ? LETTER : 0) | (Character.isDigit(c) ? DIGIT : 0)
          | (type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK ? MARK : 0)
          | (Character.isUpperCase(c) ? UPPER : 0) | (Character.isLowerCase(c) ? LOWER : 0));
      LOWER_CASE[c] = Character.toLowerCase(c);
    }
  }

  /**
   * {@code Character.isLetterOrDigit(c)}, or {@code c} is a non-spacing or combining spacing mark: a char
   * that continues a word. Answered from a table for chars below U+3000.
   */
  static boolean isLetterDigitOrMark(char c) {
    if (c < TABLE) {
      return (CLASSES[c] & WORD_CLASSES) != 0;
    }
    int type = Character.getType(c);
    return Character.isLetterOrDigit(c) || type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK;
  }

  /** {@code Character.isWhitespace(c) || Character.isSpaceChar(c)}. */
  static boolean isSpace(char c) {
    if (c < 128) {
      return c == ' ' || c >= '\t' && c <= '\r' || c >= '\u001c' && c <= '\u001f';
    }
    return Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  /** {@link Character#isLetterOrDigit(char)}. */
  static boolean isLetterOrDigit(char c) {
    if (c < 128) {
      return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }
    if (c < TABLE) {
      return (CLASSES[c] & (LETTER | DIGIT)) != 0;
    }
    return Character.isLetterOrDigit(c);
  }

  /** {@link Character#isLetter(char)}. */
  static boolean isLetter(char c) {
    if (c < 128) {
      return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }
    if (c < TABLE) {
      return (CLASSES[c] & LETTER) != 0;
    }
    return Character.isLetter(c);
  }

  /** {@link Character#isDigit(char)}. */
  static boolean isDigit(char c) {
    if (c < 128) {
      return c >= '0' && c <= '9';
    }
    if (c < TABLE) {
      return (CLASSES[c] & DIGIT) != 0;
    }
    return Character.isDigit(c);
  }

  /** {@link Character#isUpperCase(char)}. */
  static boolean isUpperCase(char c) {
    if (c < 128) {
      return c >= 'A' && c <= 'Z';
    }
    if (c < TABLE) {
      return (CLASSES[c] & UPPER) != 0;
    }
    return Character.isUpperCase(c);
  }

  /** {@link Character#isLowerCase(char)}. */
  static boolean isLowerCase(char c) {
    if (c < 128) {
      return c >= 'a' && c <= 'z';
    }
    if (c < TABLE) {
      return (CLASSES[c] & LOWER) != 0;
    }
    return Character.isLowerCase(c);
  }

  /** {@link Character#toLowerCase(char)}. */
  static char toLowerCase(char c) {
    if (c < 128) {
      return c >= 'A' && c <= 'Z' ? (char) (c | 0x20) : c;
    }
    if (c < TABLE) {
      return LOWER_CASE[c];
    }
    return Character.toLowerCase(c);
  }
}
