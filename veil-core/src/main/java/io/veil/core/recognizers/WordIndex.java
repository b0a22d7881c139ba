package io.veil.core.recognizers;

import io.veil.core.TextTraits;
import java.util.ArrayList;
import java.util.Arrays;
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
 *
 * <p>Word-head filter: at the start of a text's word, {@link #mayOpenWord(int)} answers from the word's
 * {@linkplain TextTraits#wordHead(int) head} (its first three characters ignoring case, which the
 * analyzer's one pass over the text computes for every word) whether any of these words can match
 * there, with one bit test; scanners that open only at word starts call it before any other lookup, so
 * that credential, keyword-id and month-name scanners do not each read and lower-case the characters of
 * every word again.
 */
final class WordIndex {
  /**
   * The words of one first character, longest first, each with its first (up to) four characters packed
   * 16 bits apiece into a long ({@link #pack}), so that a candidate is rejected with one comparison.
   */
  private record Bucket(String[] words, long[] prefix, long[] prefixMask) {
    static Bucket of(List<String> words) {
      String[] w = words.toArray(String[]::new);
      long[] prefix = new long[w.length];
      long[] mask = new long[w.length];
      for (int i = 0; i < w.length; i++) {
        int k = Math.min(PACKED, w[i].length());
        for (int j = 0; j < k; j++) {
          prefix[i] |= (long) w[i].charAt(j) << (16 * j);
          mask[i] |= 0xFFFFL << (16 * j);
        }
      }
      return new Bucket(w, prefix, mask);
    }
  }

  /** Characters packed into one long by {@link #pack}. */
  private static final int PACKED = 4;
  private static final Bucket EMPTY = Bucket.of(List.of());

  private final Bucket[] ascii = new Bucket[128];
  private final Bucket other;
  /** Per ASCII first character: bit set of the ASCII second characters of its words, or null (no filter). */
  private final long[][] secondChars = new long[128][];
  /**
   * Per ASCII first character: the distinct first three characters of its words, packed as {@link #pack}
   * packs them, or null (no filter) if one of its words is shorter than three characters. Common words
   * pass the second-character filter ("to" for "token", "have" for "handle", "be" for "bearer"); the
   * third character rejects most of them before any word is compared.
   */
  private final long[][] firstThree = new long[128][];
  /**
   * Bit {@code h} set: a text word whose {@linkplain TextTraits#wordHead(int) head} is {@code h} may
   * start with one of the words (see {@link #headFilter}).
   */
  private final long[] wordHeads;

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
        ascii[i] = Bucket.of(b);
        secondChars[i] = secondCharFilter(b);
        firstThree[i] = firstThreeFilter(b);
      }
    }
    rest.sort(longestFirst);
    other = rest.isEmpty() ? EMPTY : Bucket.of(rest);
    wordHeads = headFilter(words);
  }

  /** One character of each head symbol (see {@link TextTraits#head}): digits, letters, '_', another letter. */
  private static final String HEAD_REPRESENTATIVES = "0123456789abcdefghijklmnopqrstuvwxyz_\u00e9";

  /**
   * The heads a text word can have where one of {@code words} matches at its start. Word characters are
   * exactly those whose lower case is a word character ({@code isWordChar(c) == isWordChar(toLowerCase(c))}
   * for every char; {@code WordIndexTest} checks all of them), so where a keyword matches at a word
   * start, the word's first characters are the keyword's, up to the keyword's first non-word character
   * (its <em>first segment</em>), where the word ends:
   * <ul>
   *   <li>a first segment of three or more characters: the word's head is that of the keyword's first three;
   *   <li>a shorter segment followed by a non-word character ("a/c", "api key" has three): the word is
   *       the segment;
   *   <li>a keyword of one or two word characters only ("pw"): the word is the keyword or a longer word
   *       that starts with it, whose next characters may be anything (every symbol is enumerated).
   * </ul>
   * A keyword that starts with a non-word character cannot match at a word start (and opens no head).
   */
  private static long[] headFilter(String[] words) {
    long[] bits = new long[(TextTraits.HEADS + 63) / 64];
    for (String w : words) {
      int segment = 0;
      while (segment < w.length() && Chars.isWordChar(w.charAt(segment))) {
        segment++;
      }
      if (segment == 0) {
        continue;
      }
      if (segment >= 3 || segment < w.length()) {
        set(bits, TextTraits.head(w, 0, Math.min(segment, 3)));
        continue;
      }
      set(bits, TextTraits.head(w, 0, segment));
      for (int x = 0; x < HEAD_REPRESENTATIVES.length(); x++) {
        String longer = w + HEAD_REPRESENTATIVES.charAt(x);
        set(bits, TextTraits.head(longer, 0, longer.length()));
        if (longer.length() < 3) {
          for (int y = 0; y < HEAD_REPRESENTATIVES.length(); y++) {
            set(bits, TextTraits.head(longer + HEAD_REPRESENTATIVES.charAt(y), 0, 3));
          }
        }
      }
    }
    return bits;
  }

  private static void set(long[] bits, int head) {
    bits[head >>> 6] |= 1L << head;
  }

  /**
   * False if none of the words can match at the start of a text word whose
   * {@linkplain TextTraits#wordHead(int) head} is {@code head} (then {@link #matchesAt},
   * {@link #longestAt} and {@link #exactly} find nothing there); true means "look".
   */
  boolean mayOpenWord(int head) {
    return (wordHeads[head >>> 6] & (1L << head)) != 0;
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

  /** The distinct packed first three characters of one bucket's words, or null if a word is shorter. */
  private static long[] firstThreeFilter(List<String> bucket) {
    long[] packed = new long[bucket.size()];
    int count = 0;
    for (String w : bucket) {
      if (w.length() < 3) {
        return null;
      }
      long p = w.charAt(0) | (long) w.charAt(1) << 16 | (long) w.charAt(2) << 32;
      boolean seen = false;
      for (int k = 0; k < count; k++) {
        seen |= packed[k] == p;
      }
      if (!seen) {
        packed[count++] = p;
      }
    }
    return Arrays.copyOf(packed, count);
  }

  /** The candidate words for the text at {@code at} (longest first), or null if none can match. */
  private Bucket candidates(CharSequence s, int at) {
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
    long[] three = firstThree[l];
    if (three != null) {
      if (at + 2 >= s.length()) {
        return null; // every word of the bucket has three or more characters
      }
      long p = l | (long) lower(s.charAt(at + 1)) << 16 | (long) lower(s.charAt(at + 2)) << 32;
      boolean any = false;
      for (long t : three) {
        any |= t == p;
      }
      if (!any) {
        return null;
      }
    }
    return ascii[l];
  }

  /** True if some word may start with {@code c} (either case). */
  boolean mayStartWith(char c) {
    char l = lower(c);
    return l < 128 ? ascii[l] != null : other.words().length > 0;
  }

  /** The words (longest first) that match the text at {@code at}, ignoring case; may be empty. */
  List<String> matchesAt(CharSequence s, int at) {
    Bucket b = candidates(s, at);
    if (b == null) {
      return List.of();
    }
    long packed = pack(s, at);
    List<String> out = null;
    String[] words = b.words();
    for (int i = 0; i < words.length; i++) {
      if (matches(s, at, packed, b, i)) {
        if (out == null) {
          out = new ArrayList<>(2);
        }
        out.add(words[i]);
      }
    }
    return out == null ? List.of() : out;
  }

  /** The longest word matching at {@code at}, or null. */
  String longestAt(CharSequence s, int at) {
    Bucket b = candidates(s, at);
    if (b == null) {
      return null;
    }
    long packed = pack(s, at);
    String[] words = b.words();
    for (int i = 0; i < words.length; i++) {
      if (matches(s, at, packed, b, i)) {
        return words[i];
      }
    }
    return null;
  }

  /** The word of exactly {@code s[from, to)}, ignoring case, or null. */
  String exactly(CharSequence s, int from, int to) {
    Bucket b = candidates(s, from);
    if (b == null) {
      return null;
    }
    long packed = pack(s, from);
    String[] words = b.words();
    for (int i = 0; i < words.length; i++) {
      if (words[i].length() == to - from && matches(s, from, packed, b, i)) {
        return words[i];
      }
    }
    return null;
  }

  /** The lower-cased characters of {@code s} from {@code at} (at most {@link #PACKED}), 16 bits apiece. */
  private static long pack(CharSequence s, int at) {
    int k = Math.min(PACKED, s.length() - at);
    long p = 0;
    for (int j = 0; j < k; j++) {
      p |= (long) lower(s.charAt(at + j)) << (16 * j);
    }
    return p;
  }

  /** {@link #regionMatches} for word {@code i} of {@code b}, its first characters compared packed. */
  private static boolean matches(CharSequence s, int at, long packed, Bucket b, int i) {
    String w = b.words()[i];
    if (at + w.length() > s.length() || (packed & b.prefixMask()[i]) != b.prefix()[i]) {
      return false;
    }
    for (int k = PACKED; k < w.length(); k++) {
      if (lower(s.charAt(at + k)) != w.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static char lower(char c) {
    if (c < 128) {
      return (c >= 'A' && c <= 'Z') ? (char) (c | 0x20) : c;
    }
    return Character.toLowerCase(c);
  }
}
