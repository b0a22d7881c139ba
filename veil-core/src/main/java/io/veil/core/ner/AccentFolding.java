package io.veil.core.ner;

import java.text.Normalizer;
import java.util.regex.Pattern;

/**
 * The accent-free spelling of a word ("Júlia" → "Julia"): the word decomposed (Unicode NFD) with every
 * combining mark ({@code \p{M}}) removed.
 *
 * <p>Fast path: a word made only of characters below U+0250 (Basic Latin to Latin Extended-B, which
 * holds no combining marks itself) is folded one character at a time from a table computed at class
 * load with the same NFD-and-strip rule: such characters decompose independently and all their marks
 * are removed, so the result equals the general path, which runs the JDK normalizer and a regular
 * expression (and dominated the tokenizer's cost on accented names). Other words take the general path.
 *
 * <p>Thread-safe (immutable table).
 */
final class AccentFolding {
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final char LIMIT = '\u0250';
  /** The folded form of each character below {@link #LIMIT}. */
  private static final String[] TABLE = new String[LIMIT];

  static {
    for (char c = 0; c < LIMIT; c++) {
      TABLE[c] = general(String.valueOf(c));
    }
  }

  private AccentFolding() {}

  /** The folded spelling of {@code text[start, end)}. */
  static String fold(String text, int start, int end) {
    StringBuilder b = new StringBuilder(end - start);
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (c >= LIMIT) {
        return general(text.substring(start, end));
      }
      b.append(TABLE[c]);
    }
    return b.toString();
  }

  private static String general(String s) {
    return MARKS.matcher(Normalizer.normalize(s, Normalizer.Form.NFD)).replaceAll("");
  }
}
