package io.veil.core.recognizers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Case-insensitive lookup of a fixed set of lower-case words (which may contain spaces or
 * punctuation) at a position of a text, bucketed by first character so that a scanner pays one
 * array access for most positions.
 */
final class WordIndex {
  private final String[][] ascii = new String[128][];
  private final String[] other;

  WordIndex(String... words) {
    List<List<String>> buckets = new ArrayList<>();
    for (int i = 0; i < 128; i++) {
      buckets.add(new ArrayList<>());
    }
    List<String> rest = new ArrayList<>();
    for (String w : words) {
      char c = w.charAt(0);
      (c < 128 ? buckets.get(c) : rest).add(w);
    }
    Comparator<String> longestFirst = Comparator.comparingInt(String::length).reversed();
    for (int i = 0; i < 128; i++) {
      List<String> b = buckets.get(i);
      if (!b.isEmpty()) {
        b.sort(longestFirst);
        ascii[i] = b.toArray(String[]::new);
      }
    }
    rest.sort(longestFirst);
    other = rest.toArray(String[]::new);
  }

  /** True if some word may start with {@code c} (either case). */
  boolean mayStartWith(char c) {
    char l = lower(c);
    return l < 128 ? ascii[l] != null : other.length > 0;
  }

  /** The words (longest first) that match the text at {@code at}, ignoring case; may be empty. */
  List<String> matchesAt(CharSequence s, int at) {
    char l = lower(s.charAt(at));
    String[] cands = l < 128 ? ascii[l] : other;
    if (cands == null) {
      return List.of();
    }
    List<String> out = null;
    for (String w : cands) {
      if (regionMatches(s, at, w)) {
        if (out == null) {
          out = new ArrayList<>(2);
        }
        out.add(w);
      }
    }
    return out == null ? List.of() : out;
  }

  /** The longest word matching at {@code at}, or null. */
  String longestAt(CharSequence s, int at) {
    char l = lower(s.charAt(at));
    String[] cands = l < 128 ? ascii[l] : other;
    if (cands == null) {
      return null;
    }
    for (String w : cands) {
      if (regionMatches(s, at, w)) {
        return w;
      }
    }
    return null;
  }

  /** The word of exactly {@code s[from, to)}, ignoring case, or null. */
  String exactly(CharSequence s, int from, int to) {
    char l = lower(s.charAt(from));
    String[] cands = l < 128 ? ascii[l] : other;
    if (cands == null) {
      return null;
    }
    for (String w : cands) {
      if (w.length() == to - from && regionMatches(s, from, w)) {
        return w;
      }
    }
    return null;
  }

  private static char lower(char c) {
    if (c < 128) {
      return (c >= 'A' && c <= 'Z') ? (char) (c | 0x20) : c;
    }
    return Character.toLowerCase(c);
  }

  private static boolean regionMatches(CharSequence s, int at, String w) {
    if (at + w.length() > s.length()) {
      return false;
    }
    for (int k = 0; k < w.length(); k++) {
      if (lower(s.charAt(at + k)) != w.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}
