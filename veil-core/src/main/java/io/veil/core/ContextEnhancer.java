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

  /**
   * Returns {@code f}, its score raised if a context word stands within the window before or after it;
   * {@code traits} are the text's (the words near the finding are taken from them), or null to scan
   * the characters.
   */
  Finding enhance(String text, Finding f, ContextWords contextWords, TextTraits traits) {
    if (window == 0 || boost == 0.0 || contextWords.isEmpty()) {
      return f;
    }
    int from = Math.max(0, f.start() - window);
    int to = Math.min(text.length(), f.end() + window / 2);
    if (hasContextWord(text, from, f.start(), contextWords, traits)
        || hasContextWord(text, f.end(), to, contextWords, traits)) {
      return f.withScore(f.score() + boost);
    }
    return f;
  }

  /**
   * {@link #hasContextWord(String, int, int, ContextWords)} from the text's words: where no word near
   * the window contains {@code '_'}, the words are exactly the letter-or-digit runs the character scan
   * finds, so each is matched (cut at {@code to}) without looking at characters in between; a word with
   * {@code '_'} (several runs) sends the window to the character scan.
   */
  private static boolean hasContextWord(String text, int from, int to, ContextWords words, TextTraits traits) {
    if (traits == null) {
      return hasContextWord(text, from, to, words);
    }
    if (from >= to) {
      return false;
    }
    int k = traits.firstWordFrom(from);
    // a word running across `from` is cut by the window's edge and skipped, unless it has '_'
    if (k > 0 && traits.wordEnd(k - 1) > from && traits.wordHasUnderscore(k - 1)) {
      return hasContextWord(text, from, to, words);
    }
    for (int count = traits.wordCount(); k < count; k++) {
      int start = traits.wordStart(k);
      if (start >= to) {
        return false;
      }
      if (traits.wordHasUnderscore(k)) {
        return hasContextWord(text, from, to, words);
      }
      if (words.matchesWord(text, start, Math.min(traits.wordEnd(k), to))) {
        return true;
      }
    }
    return false;
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
