package io.veil.core.ner;

import java.util.Arrays;

/**
 * The tokenizer of the statistical model: the same function cuts training texts and texts to analyse,
 * so features mean the same at both times. A token is a run of letters, digits and marks, with inner
 * apostrophes, hyphens and dots kept when a letter or digit follows ({@code O'Brien}, {@code Jean-Luc},
 * {@code U.S}), optionally led by {@code @} or {@code #}; any other non-space character is a token of
 * its own. Line breaks are remembered. Linear, one pass.
 *
 * <p>Not thread-safe (one instance per analysed text); holds offsets only, never copies of the text.
 */
final class ModelTokens {
  final String text;
  int size;
  int[] starts;
  int[] ends;
  /** True where a line break stands between this token and the one before it. */
  boolean[] lineBefore;

  ModelTokens(String text) {
    this.text = text;
    int cap = Math.max(8, text.length() / 4);
    starts = new int[cap];
    ends = new int[cap];
    lineBefore = new boolean[cap];
    scan();
  }

  private void scan() {
    String t = text;
    int n = t.length();
    int i = 0;
    boolean line = true;
    while (i < n) {
      char c = t.charAt(i);
      if (CharClass.isSpace(c)) {
        if (c == '\n' || c == '\r') {
          line = true;
        }
        i++;
        continue;
      }
      int start = i;
      if ((c == '@' || c == '#') && i + 1 < n && word(t.charAt(i + 1))) {
        i++;
      }
      if (word(t.charAt(i))) {
        i = wordEnd(t, i);
      } else {
        i += Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(t.charAt(i + 1)) ? 2 : 1;
      }
      add(start, i, line);
      line = false;
    }
  }

  private static int wordEnd(String t, int i) {
    int n = t.length();
    while (i < n) {
      char c = t.charAt(i);
      if (word(c)) {
        i++;
      } else if ((c == '\'' || c == '\u2019' || c == '-' || c == '.') && i + 1 < n && word(t.charAt(i + 1))) {
        i++;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLetterOrDigit(t.codePointAt(i))) {
        i += 2;
      } else {
        break;
      }
    }
    return i;
  }

  static boolean word(char c) {
    if (c < 128) {
      return CharClass.isLetterOrDigit(c); // no marks below 128
    }
    return Character.isLetterOrDigit(c) || Character.getType(c) == Character.NON_SPACING_MARK
        || Character.getType(c) == Character.COMBINING_SPACING_MARK;
  }

  private void add(int start, int end, boolean line) {
    if (size == starts.length) {
      int cap = size * 2;
      starts = Arrays.copyOf(starts, cap);
      ends = Arrays.copyOf(ends, cap);
      lineBefore = Arrays.copyOf(lineBefore, cap);
    }
    starts[size] = start;
    ends[size] = end;
    lineBefore[size] = line;
    size++;
  }

  int length(int t) {
    return ends[t] - starts[t];
  }

  char first(int t) {
    return text.charAt(starts[t]);
  }

  boolean isWord(int t) {
    return word(text.charAt(starts[t])) || length(t) > 1;
  }

  /** True for a token that ends a sentence: . ! ? or an ellipsis. */
  boolean sentenceEnd(int t) {
    if (length(t) != 1) {
      return false;
    }
    char c = first(t);
    return c == '.' || c == '!' || c == '?' || c == '\u2026';
  }
}
