package io.veil.core.transform;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Lookups over the text an {@link OperatorContext} transforms, built once per text and reused for every value
 * minted in it: the text lower-cased ({@link Locale#ROOT}) and, per token prefix, which ordinals follow that
 * prefix somewhere in it. Without it each newly minted token folded and scanned the whole text again, so a text
 * dense with personal data cost time quadratic in its length.
 *
 * <p>Thread safety: not thread-safe; one instance serves one transform call.
 *
 * <p><b>Security:</b> holds the whole original text and derived data; {@link #toString()} prints neither.
 */
public final class TextLookup {
  /** An {@code int} has at most 10 decimal digits. */
  private static final int MAX_INT_DIGITS = 10;

  private final String text;
  private String folded;
  private final Map<String, Set<Integer>> ordinalsAfter = new HashMap<>();
  /** Containment questions answered by scanning; past {@link #SCANS_BEFORE_INDEX} a suffix array answers. */
  private int scans;
  private int[] suffixes;
  private Set<String> words;

  /** Scans of the text cheaper than building its suffix array (about 20 passes over it). */
  static final int SCANS_BEFORE_INDEX = 16;

  TextLookup(String text) {
    this.text = Objects.requireNonNull(text, "text");
  }

  /** The text lower-cased with {@link Locale#ROOT}, computed on first use. */
  String folded() {
    if (folded == null) {
      folded = text.toLowerCase(Locale.ROOT);
    }
    return folded;
  }

  /**
   * Whether the folded text contains {@code foldedPrefix} immediately followed by the decimal digits of
   * {@code n} (as {@code folded().contains(foldedPrefix + n)}), in time independent of the text's length once
   * the prefix has been indexed (one pass over the text per distinct prefix).
   */
  boolean containsOrdinal(String foldedPrefix, int n) {
    if (n < 0 || foldedPrefix.isEmpty()) {
      return folded().contains(foldedPrefix + n);
    }
    return ordinalsAfter.computeIfAbsent(foldedPrefix, this::ordinalsAfter).contains(n);
  }

  /** Every non-negative int whose decimal spelling occurs right after an occurrence of the prefix. */
  private Set<Integer> ordinalsAfter(String prefix) {
    String f = folded();
    Set<Integer> found = new HashSet<>();
    for (int at = f.indexOf(prefix); at >= 0; at = f.indexOf(prefix, at + 1)) {
      int from = at + prefix.length();
      if (from < f.length() && f.charAt(from) == '0') {
        found.add(0); // "0" is the only spelling that starts with a zero
        continue;
      }
      long value = 0;
      for (int i = from; i < f.length() && i - from < MAX_INT_DIGITS && isAsciiDigit(f.charAt(i)); i++) {
        value = value * 10 + (f.charAt(i) - '0');
        if (value > Integer.MAX_VALUE) {
          break;
        }
        found.add((int) value);
      }
    }
    return found;
  }

  /** As {@code folded().contains(foldedNeedle)}. */
  boolean contains(String foldedNeedle) {
    if (suffixes == null && scans < SCANS_BEFORE_INDEX) {
      scans++;
      return folded().contains(foldedNeedle);
    }
    if (suffixes == null) {
      suffixes = SuffixArray.of(folded());
    }
    return SuffixArray.contains(folded(), suffixes, foldedNeedle);
  }

  /**
   * Whether {@code foldedWord} occurs in the folded text with no letter or digit right before or after it
   * (as a scan of every occurrence answers).
   */
  boolean containsWord(String foldedWord) {
    if (!foldedWord.isEmpty() && foldedWord.chars().allMatch(c -> Character.isLetterOrDigit((char) c))) {
      // a bounded occurrence of letters and digits only is exactly one maximal run of them
      if (words == null) {
        words = new HashSet<>(RetirableWords.runs(folded()));
      }
      return words.contains(foldedWord);
    }
    return contains(foldedWord) && scanForWord(folded(), foldedWord);
  }

  static boolean scanForWord(String text, String word) {
    int from = 0;
    int at;
    while ((at = text.indexOf(word, from)) >= 0) {
      int end = at + word.length();
      boolean before = at == 0 || !Character.isLetterOrDigit(text.charAt(at - 1));
      boolean after = end == text.length() || !Character.isLetterOrDigit(text.charAt(end));
      if (before && after) {
        return true;
      }
      from = at + 1;
    }
    return false;
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  @Override
  public String toString() {
    return "TextLookup[text-length=" + text.length() + "]";
  }
}
