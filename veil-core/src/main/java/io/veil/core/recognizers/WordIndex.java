package io.veil.core.recognizers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Case-insensitive lookup of a fixed set of lower-case words (which may contain spaces or
 * punctuation) at a position of a text, bucketed by first character so that a scanner pays one
 * array access for most positions.
 *
 * <p>Second-character filter: for an ASCII first character whose words are all two or more characters
 * long, {@link #secondChars} records which (lower-case ASCII) second characters occur. A text position
 * whose second character is ASCII and not among them cannot match, so the candidate comparisons are
 * skipped; keyword-led scanners ("password", "passport", month names) start at every word with a
 * common first letter, and most of those words are rejected here with one array access.
 */
final class WordIndex {
  private final String[][] ascii = new String[128][];
  private final String[] other;
  /** Per ASCII first character: bit set of the ASCII second characters of its words, or null (no filter). */
  private final long[][] secondChars = new long[128][];

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
        secondChars[i] = secondCharFilter(b);
      }
    }
    rest.sort(longestFirst);
    other = rest.toArray(String[]::new);
  }

  /** The second-character bit set of one bucket, or null if a word is too short or has a non-ASCII second char. */
  private static long[] secondCharFilter(List<String> bucket) {
    long[] bits = new long[2];
    for (String w : bucket) {
      if (w.length() < 2 || w.charAt(1) >= 128) {
        return null;
      }
      bits[w.charAt(1) >> 6] |= 1L << (w.charAt(1) & 63);
    }
    return bits;
  }

  /** The candidate words for the text at {@code at} (longest first), or null if none can match. */
  private String[] candidates(CharSequence s, int at) {
    char l = lower(s.charAt(at));
    if (l >= 128) {
      return other;
    }
    long[] second = secondChars[l];
    if (second != null) {
      if (at + 1 >= s.length()) {
        return null;
      }
      char l2 = lower(s.charAt(at + 1));
      if (l2 < 128 && (second[l2 >> 6] & (1L << (l2 & 63))) == 0) {
        return null;
      }
    }
    return ascii[l];
  }

  /** True if some word may start with {@code c} (either case). */
  boolean mayStartWith(char c) {
    char l = lower(c);
    return l < 128 ? ascii[l] != null : other.length > 0;
  }

  /** The words (longest first) that match the text at {@code at}, ignoring case; may be empty. */
  List<String> matchesAt(CharSequence s, int at) {
    String[] cands = candidates(s, at);
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
    String[] cands = candidates(s, at);
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
    String[] cands = candidates(s, from);
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
