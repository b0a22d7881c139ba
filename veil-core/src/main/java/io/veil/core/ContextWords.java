package io.veil.core;

import java.util.Set;

/**
 * One recognizer's context words, prepared once for allocation-free matching against words of a
 * text: a word matches if it equals a context word, or if a context word of three or more letters is
 * a proper prefix of it ("card" in "cardholder"). Text characters are lower-cased before comparing;
 * context words are compared as given (the {@link Recognizer#contextWords()} contract says lower-case).
 *
 * <p>Why a table of its own: the matcher runs for every word around every finding. An open-addressing
 * table keyed by {@link String#hashCode()} lets the word's hash be built one character at a time, so
 * every prefix of the word is looked up in O(1) without building a substring.
 *
 * <p>Immutable and thread-safe.
 */
final class ContextWords {
  static final ContextWords NONE = new ContextWords(Set.of());

  private final String[] table;
  private final int[] hashes;
  private final int mask;
  private final int longest;
  /**
   * Bit {@code (a << 7) | b} set if a context word starts with the ASCII characters {@code a, b}; null if
   * some context word is shorter than two characters or starts with a character outside ASCII (no filter).
   * A text word whose first two lower-cased characters are not such a pair matches no context word (each
   * match, exact or prefix, compares them), so it is rejected without hashing; most words near a finding are.
   */
  private final long[] firstPairs;

  private ContextWords(Set<String> words) {
    int size = Integer.highestOneBit(Math.max(4, words.size() * 4 - 1)) << 1;
    table = new String[size];
    hashes = new int[size];
    mask = size - 1;
    int max = 0;
    for (String w : words) {
      if (w.isEmpty()) {
        continue;
      }
      int h = w.hashCode();
      int slot = spread(h) & mask;
      while (table[slot] != null) {
        slot = (slot + 1) & mask;
      }
      table[slot] = w;
      hashes[slot] = h;
      max = Math.max(max, w.length());
    }
    longest = max;
    firstPairs = firstPairFilter(words);
  }

  private static long[] firstPairFilter(Set<String> words) {
    long[] bits = new long[128 * 128 / 64];
    for (String w : words) {
      if (w.isEmpty()) {
        continue; // never stored
      }
      if (w.length() < 2 || w.charAt(0) >= 128 || w.charAt(1) >= 128) {
        return null;
      }
      int pair = (w.charAt(0) << 7) | w.charAt(1);
      bits[pair >> 6] |= 1L << (pair & 63);
    }
    return bits;
  }

  static ContextWords of(Set<String> words) {
    return words.isEmpty() ? NONE : new ContextWords(words);
  }

  boolean isEmpty() {
    return longest == 0;
  }

  /** True if the word {@code text[start, end)} matches a context word (see the class comment). */
  boolean matchesWord(CharSequence text, int start, int end) {
    int length = end - start;
    if (firstPairs != null) {
      if (length < 2) {
        return false; // every context word has two or more characters
      }
      char a = lower(text.charAt(start));
      char b = lower(text.charAt(start + 1));
      if (a >= 128 || b >= 128) {
        return false; // every context word starts with two ASCII characters
      }
      int pair = (a << 7) | b;
      if ((firstPairs[pair >> 6] & (1L << (pair & 63))) == 0) {
        return false;
      }
    }
    int h = 0;
    for (int i = start; i < end; i++) {
      int prefix = i - start + 1;
      if (prefix > longest) {
        return false;
      }
      h = 31 * h + lower(text.charAt(i));
      // an exact match of any length, or a proper prefix of three or more characters
      if ((prefix == length || prefix >= 3) && contains(h, text, start, prefix)) {
        return true;
      }
    }
    return false;
  }

  private boolean contains(int h, CharSequence text, int start, int length) {
    int slot = spread(h) & mask;
    String w;
    while ((w = table[slot]) != null) {
      if (hashes[slot] == h && w.length() == length && sameLowerCase(w, text, start)) {
        return true;
      }
      slot = (slot + 1) & mask;
    }
    return false;
  }

  private static boolean sameLowerCase(String w, CharSequence text, int start) {
    for (int k = 0; k < w.length(); k++) {
      if (w.charAt(k) != lower(text.charAt(start + k))) {
        return false;
      }
    }
    return true;
  }

  /** {@link Character#toLowerCase(char)} with an ASCII fast path. */
  static char lower(char c) {
    if (c < 128) {
      return c >= 'A' && c <= 'Z' ? (char) (c | 0x20) : c;
    }
    return Character.toLowerCase(c);
  }

  private static int spread(int h) {
    return h ^ (h >>> 16);
  }
}
