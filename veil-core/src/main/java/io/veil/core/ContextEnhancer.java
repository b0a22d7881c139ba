package io.veil.core;

/**
 * Raises a finding's score when one of its recognizer's context words stands near it (Presidio's
 * context enhancement). Words are compared lower-case; a context word also matches as the start of a
 * longer word ("card" in "cardholder"); see {@link ContextWords}.
 */
final class ContextEnhancer {
  private final int window;
  private final double boost;

  ContextEnhancer(int window, double boost) {
    this.window = window;
    this.boost = boost;
  }

  Finding enhance(String text, Finding f, ContextWords contextWords) {
    if (window == 0 || boost == 0.0 || contextWords.isEmpty()) {
      return f;
    }
    int from = Math.max(0, f.start() - window);
    int to = Math.min(text.length(), f.end() + window / 2);
    if (hasContextWord(text, from, f.start(), contextWords) || hasContextWord(text, f.end(), to, contextWords)) {
      return f.withScore(f.score() + boost);
    }
    return f;
  }

  /** True if a word within {@code [from, to)} (a word cut by {@code to} counts as cut) matches. */
  private static boolean hasContextWord(String text, int from, int to, ContextWords words) {
    int i = from;
    // skip a word cut by the window's edge
    if (i > 0 && isLetterOrDigit(text.charAt(i - 1))) {
      while (i < to && isLetterOrDigit(text.charAt(i))) {
        i++;
      }
    }
    while (i < to) {
      if (!isLetterOrDigit(text.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      while (i < to && isLetterOrDigit(text.charAt(i))) {
        i++;
      }
      if (words.matchesWord(text, start, i)) {
        return true;
      }
    }
    return false;
  }

  /** {@link Character#isLetterOrDigit(char)} with an ASCII fast path (this runs for every character near a finding). */
  private static boolean isLetterOrDigit(char c) {
    if (c < 128) {
      return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }
    return Character.isLetterOrDigit(c);
  }
}
