package io.veil.core;

import java.util.Set;

/**
 * Raises a finding's score when one of its recognizer's context words stands near it (Presidio's
 * context enhancement). Words are compared lower-case; a context word also matches as the start of a
 * longer word ("card" in "cardholder").
 */
final class ContextEnhancer {
  private final int window;
  private final double boost;

  ContextEnhancer(int window, double boost) {
    this.window = window;
    this.boost = boost;
  }

  Finding enhance(String text, Finding f, Set<String> contextWords) {
    if (window == 0 || boost == 0.0) {
      return f;
    }
    int from = Math.max(0, f.start() - window);
    int to = Math.min(text.length(), f.end() + window / 2);
    if (hasContextWord(text, from, f.start(), contextWords) || hasContextWord(text, f.end(), to, contextWords)) {
      return f.withScore(f.score() + boost);
    }
    return f;
  }

  private static boolean hasContextWord(String text, int from, int to, Set<String> words) {
    int i = from;
    // skip a word cut by the window's edge
    if (i > 0 && Character.isLetterOrDigit(text.charAt(i - 1))) {
      while (i < to && Character.isLetterOrDigit(text.charAt(i))) {
        i++;
      }
    }
    StringBuilder word = new StringBuilder(16);
    while (i < to) {
      char c = text.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        word.append(Character.toLowerCase(c));
      } else if (!word.isEmpty()) {
        if (matches(word, words)) {
          return true;
        }
        word.setLength(0);
      }
      i++;
    }
    return !word.isEmpty() && matches(word, words);
  }

  private static boolean matches(StringBuilder word, Set<String> words) {
    String w = word.toString();
    if (words.contains(w)) {
      return true;
    }
    for (String c : words) {
      if (c.length() >= 3 && w.length() > c.length() && w.startsWith(c)) {
        return true;
      }
    }
    return false;
  }
}
