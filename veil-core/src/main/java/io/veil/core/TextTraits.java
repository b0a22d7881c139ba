package io.veil.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * Cheap facts about a text, computed in one pass and shared by every {@link Recognizer} an
 * {@link Analyzer} runs over it, so that recognizers neither walk the text again to find their
 * trigger positions nor run at all where their trigger is absent (see
 * {@link Recognizer#mayFind(TextTraits)} and {@link Recognizer#analyze(String, String, TextTraits)}):
 *
 * <ul>
 *   <li>which ASCII characters occur, how many ASCII digits there are, and the length of the longest
 *       run of printable non-space ASCII characters ({@code '!'}-{@code '~'});
 *   <li>the <em>words</em> of the text: the maximal runs of word characters, where a word character is
 *       a letter or digit of any script ({@link Character#isLetterOrDigit(char)}) or {@code '_'}, each
 *       with its start and end (UTF-16 offsets) and whether it contains an ASCII digit, consists of
 *       ASCII digits only or of ASCII letters and digits only, or contains {@code '_'}, and its
 *       {@linkplain #wordHead(int) head} (its first three characters ignoring case, as one number, for
 *       keyword scanners); and the list of
 *       the words that contain an ASCII digit, which digit-led recognizers visit instead of every word.
 * </ul>
 *
 * <p>Every character query answers "may the text contain ...": characters outside ASCII are never
 * ruled out, so a recognizer that tests for them stays correct. Word facts are exact.
 *
 * <p>Thread safety: immutable (the {@link #digitRuns digit runs} are computed on first use and then
 * kept; a race at most computes them twice). Memory: four small arrays with one entry per word and one with an
 * entry per word with a digit (a text of n characters has at most n/2 + 1 words).
 *
 * <p><b>Security:</b> besides offsets, counts and a 128-bit set it holds each word's head, which
 * encodes the word's first three characters (lower-cased ASCII letters and digits are recoverable
 * from it): treat it like the text itself. {@link #toString()} shows counts only; do not keep or log
 * it beyond the analysis of that text.
 */
public final class TextTraits {
  /** End (exclusive) of the Latin blocks answered from {@link #WORD_CHAR}. */
  private static final int LATIN_END = 0x0250;
  /** Bit {@code c}: {@code c} is a word character, for {@code c < LATIN_END} (copied from the JDK). */
  private static final long[] WORD_CHAR = wordCharTable();

  /** Word flag: the word contains an ASCII digit. */
  private static final byte HAS_DIGIT = 1;
  /** Word flag: the word has an ASCII letter or a character that is not an ASCII digit. */
  private static final byte NOT_ALL_DIGITS = 2;
  /** Word flag: the word contains {@code '_'}. */
  private static final byte HAS_UNDERSCORE = 4;
  /** Word flag: the word contains a character outside ASCII. */
  private static final byte NON_ASCII = 8;

  private static final int[] NO_INTS = new int[0];
  private static final byte[] NO_BYTES = new byte[0];
  private static final char[] NO_CHARS = new char[0];

  /** Head symbols of one character (see {@link #head}): 37 word-head symbols and the end of a word. */
  private static final int HEAD_SYMBOLS = 39;
  /** Head symbol of a character outside ASCII whose lower case is outside ASCII too. */
  private static final int HEAD_OTHER = 37;
  /** Head symbol past the end of a word shorter than three characters. */
  private static final int HEAD_END = 38;
  /**
   * The number of distinct word heads: every {@link #wordHead(int)} and {@link #head} is in
   * {@code [0, HEADS)}.
   */
  public static final int HEADS = HEAD_SYMBOLS * HEAD_SYMBOLS * HEAD_SYMBOLS;
  /** Head symbol of each ASCII character: digits 0-9, letters (either case) 10-35, '_' 36, others 37. */
  private static final byte[] ASCII_HEAD_SYMBOL = asciiHeadSymbols();
  /**
   * The head symbol of every char (64 KiB): one load per character, where a branch for ASCII and the
   * JDK's case mapping for the rest made the word heads cost a third of the whole pass.
   */
  private static final byte[] HEAD_SYMBOL = headSymbols();

  /** Bit {@code c} set: ASCII character {@code c} (0-63) occurs. */
  private final long low;
  /** Bit {@code c - 64} set: ASCII character {@code c} (64-127) occurs. */
  private final long high;
  private final int asciiDigits;
  private final int longestGraphicRun;
  private final int length;
  private final int words;
  private final int[] wordStart;
  private final int[] wordEnd;
  private final byte[] wordFlags;
  /** Per word: its {@linkplain #wordHead(int) head}. */
  private final char[] wordHeads;
  private final int digitWords;
  /** The numbers of the words that contain an ASCII digit, in text order ({@link #digitWords} of them). */
  private final int[] digitWord;
  /** True if some character is outside ASCII ({@code >= 0x80}). */
  private final boolean nonAscii;
  /**
   * True if some character is outside Latin-1 ({@code >= 0x100}) or is a no-break space (U+00A0) or a
   * soft hyphen (U+00AD): the only characters {@link DetectionText} may fold or drop.
   */
  private final boolean mayNeedView;
  /**
   * The text's {@link DigitRuns}, computed on the first {@link #digitRuns} call (null before). A race
   * computes it twice at most, with equal results; DigitRuns is immutable with final fields only, so a
   * thread that reads the reference sees a complete object.
   */
  private DigitRuns digitRuns;

  private TextTraits(long low, long high, int asciiDigits, int longestGraphicRun, int length, int words,
                     int[] wordStart, int[] wordEnd, byte[] wordFlags, char[] wordHeads, int digitWords,
                     int[] digitWord, boolean nonAscii, boolean mayNeedView) {
    this.low = low;
    this.high = high;
    this.asciiDigits = asciiDigits;
    this.longestGraphicRun = longestGraphicRun;
    this.length = length;
    this.words = words;
    this.wordStart = wordStart;
    this.wordEnd = wordEnd;
    this.wordFlags = wordFlags;
    this.wordHeads = wordHeads;
    this.digitWords = digitWords;
    this.digitWord = digitWord;
    this.nonAscii = nonAscii;
    this.mayNeedView = mayNeedView;
  }

  private static long[] wordCharTable() {
    long[] bits = new long[(LATIN_END + 63) / 64];
    for (char c = 0; c < LATIN_END; c++) {
      if (Character.isLetterOrDigit(c) || c == '_') {
        bits[c >> 6] |= 1L << (c & 63);
      }
    }
    return bits;
  }

  private static byte[] asciiHeadSymbols() {
    byte[] symbols = new byte[128];
    for (char c = 0; c < 128; c++) {
      symbols[c] = (byte) (c >= '0' && c <= '9' ? c - '0'
          : c >= 'a' && c <= 'z' ? 10 + c - 'a'
          : c >= 'A' && c <= 'Z' ? 10 + c - 'A'
          : c == '_' ? 36 : HEAD_OTHER);
    }
    return symbols;
  }

  /**
   * Per char {@code c}: the head symbol of its lower case ({@link Character#toLowerCase(char)}) if that
   * is ASCII, else {@link #HEAD_OTHER}.
   */
  private static byte[] headSymbols() {
    byte[] symbols = new byte[65536];
    for (int c = 0; c < symbols.length; c++) {
      char lower = Character.toLowerCase((char) c);
      symbols[c] = lower < 128 ? ASCII_HEAD_SYMBOL[lower] : (byte) HEAD_OTHER;
    }
    return symbols;
  }

  /** The head symbol of {@code c} (see {@link #headSymbols()}). */
  private static int headSymbol(char c) {
    return HEAD_SYMBOL[c];
  }

  /**
   * The head of the characters {@code s[from, to)}: a number in {@code [0, HEADS)} that encodes the
   * first three of them (fewer if the span is shorter), each lower-cased with
   * {@link Character#toLowerCase(char)} and reduced to one of 38 symbols (each ASCII digit, each
   * letter, {@code '_'}, and one symbol for every other character), and how many there are (up to
   * three). Two spans whose first three characters are equal ignoring case have the same head; a span
   * of one or two characters has a head of its own. Keyword scanners compare the {@link #wordHead(int)
   * heads of a text's words} with the heads their keywords can have, so that most words are rejected
   * with one table lookup.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= from < to <= s.length()}
   */
  public static int head(CharSequence s, int from, int to) {
    Objects.checkFromToIndex(from, to, s.length());
    if (from == to) {
      throw new IndexOutOfBoundsException("empty span");
    }
    int len = to - from;
    return (headSymbol(s.charAt(from)) * HEAD_SYMBOLS
        + (len > 1 ? headSymbol(s.charAt(from + 1)) : HEAD_END)) * HEAD_SYMBOLS
        + (len > 2 ? headSymbol(s.charAt(from + 2)) : HEAD_END);
  }

  /** True for a word character: a letter or digit of any script, or {@code '_'}. */
  static boolean isWordChar(char c) {
    return c < LATIN_END ? (WORD_CHAR[c >> 6] & (1L << (c & 63))) != 0 : Character.isLetterOrDigit(c);
  }

  /** Computes the traits of {@code text} in one pass. */
  public static TextTraits of(CharSequence text) {
    Objects.requireNonNull(text, "text");
    int n = text.length();
    // one bulk copy (vectorised for Latin-1 strings) makes the loop below a plain array walk
    char[] buf = new char[n];
    if (text instanceof String s) {
      s.getChars(0, n, buf, 0);
    } else {
      for (int i = 0; i < n; i++) {
        buf[i] = text.charAt(i);
      }
    }
    long low = 0;
    long high = 0;
    int digits = 0;
    int run = 0;
    int longest = 0;
    int cap = Math.min(n / 2 + 1, 32);
    int[] starts = cap == 0 ? NO_INTS : new int[cap];
    int[] ends = cap == 0 ? NO_INTS : new int[cap];
    byte[] flags = cap == 0 ? NO_BYTES : new byte[cap];
    int words = 0;
    // the words with an ASCII digit: most words of a text have none, and every digit-led recognizer
    // visits only these (allocated at the first such word; most texts have none)
    int[] digitWord = NO_INTS;
    int digitWords = 0;
    boolean nonAscii = false;
    boolean mayNeedView = false;
    int i = 0;
    while (i < n) {
      char c = buf[i];
      if (!isWordChar(c)) {
        // a character between words
        if (c < 128) {
          // (a long shift uses the count's low six bits: 1L << c is bit c - 64 for c >= 64)
          if (c < 64) {
            low |= 1L << c;
          } else {
            high |= 1L << c;
          }
        } else {
          nonAscii = true;
          if (c >= 0x100 || c == '\u00a0' || c == '\u00ad') {
            mayNeedView = true;
          }
        }
        if (c > ' ' && c < 127) {
          run++;
        } else {
          if (run > longest) {
            longest = run;
          }
          run = 0;
        }
        i++;
        continue;
      }
      // a word: [start, i)
      int start = i;
      int f = 0;
      do {
        if (c < 128) {
          if (c <= '9' && c >= '0') {
            low |= 1L << c;
            digits++;
            f |= HAS_DIGIT;
          } else {
            high |= 1L << c; // letters and '_' are all >= 64
            f |= c == '_' ? HAS_UNDERSCORE | NOT_ALL_DIGITS : NOT_ALL_DIGITS;
          }
          run++;
        } else {
          nonAscii = true;
          if (c >= 0x100) {
            mayNeedView = true; // (the word characters below it are Latin-1 letters, which stay as they are)
          }
          f |= NOT_ALL_DIGITS | NON_ASCII;
          if (run > longest) {
            longest = run;
          }
          run = 0;
        }
        if (++i >= n) {
          break;
        }
        c = buf[i];
      } while (isWordChar(c));
      if (words == starts.length) {
        int grown = Math.max(8, words * 2);
        starts = Arrays.copyOf(starts, grown);
        ends = Arrays.copyOf(ends, grown);
        flags = Arrays.copyOf(flags, grown);
      }
      starts[words] = start;
      ends[words] = i;
      flags[words] = (byte) f;
      if ((f & HAS_DIGIT) != 0) {
        if (digitWords == digitWord.length) {
          digitWord = Arrays.copyOf(digitWord, Math.max(8, digitWords * 2));
        }
        digitWord[digitWords++] = words;
      }
      words++;
    }
    // the words' heads, as head(text, start, end) computes them (a loop of its own keeps the one above
    // as tight as it was)
    char[] heads = words == 0 ? NO_CHARS : new char[words];
    for (int k = 0; k < words; k++) {
      int start = starts[k];
      int len = ends[k] - start;
      heads[k] = (char) ((headSymbol(buf[start]) * HEAD_SYMBOLS
          + (len > 1 ? headSymbol(buf[start + 1]) : HEAD_END)) * HEAD_SYMBOLS
          + (len > 2 ? headSymbol(buf[start + 2]) : HEAD_END));
    }
    return new TextTraits(low, high, digits, Math.max(longest, run), n, words, starts, ends, flags, heads,
        digitWords, digitWord, nonAscii, mayNeedView);
  }

  /** Bits 0-63 of the set of ASCII characters present (bit c for character c), for {@link Trigger}. */
  long asciiLow() {
    return low;
  }

  /** Bits 64-127 of the set of ASCII characters present (bit c - 64 for character c), for {@link Trigger}. */
  long asciiHigh() {
    return high;
  }

  /** False only if {@code c} is an ASCII character that does not occur in the text. */
  public boolean mayContain(char c) {
    if (c < 64) {
      return (low & (1L << c)) != 0;
    }
    return c >= 128 || (high & (1L << (c - 64))) != 0;
  }

  /**
   * True if the text has a character outside ASCII. (A text without one needs no {@link DetectionText}
   * view: every character that view folds or drops is outside ASCII.)
   */
  boolean hasNonAscii() {
    return nonAscii;
  }

  /**
   * False if no character of the text can be folded or dropped by {@link DetectionText}: every one is
   * ASCII or a Latin-1 character other than the no-break space and the soft hyphen (accented letters
   * such as "é" are kept as they are), so the text is its own view and DetectionText's scan, which
   * asks the JDK for the type of every non-ASCII character, is skipped.
   */
  boolean mayNeedView() {
    return mayNeedView;
  }

  /** The number of ASCII digits ({@code '0'}-{@code '9'}) in the text. */
  public int asciiDigits() {
    return asciiDigits;
  }

  /** The length of the longest run of printable non-space ASCII characters ({@code '!'}-{@code '~'}). */
  public int longestAsciiGraphicRun() {
    return longestGraphicRun;
  }

  /** The length of the text these traits describe, in UTF-16 units. */
  public int length() {
    return length;
  }

  /**
   * The number of words: maximal runs of word characters (a letter or digit of any script per
   * {@link Character#isLetterOrDigit(char)}, or {@code '_'}), numbered 0, 1, ... in text order.
   */
  public int wordCount() {
    return words;
  }

  /** Offset of the first character of word {@code k} ({@code 0 <= k < wordCount()}). */
  public int wordStart(int k) {
    Objects.checkIndex(k, words);
    return wordStart[k];
  }

  /** Offset just after the last character of word {@code k}. */
  public int wordEnd(int k) {
    Objects.checkIndex(k, words);
    return wordEnd[k];
  }

  /** True if word {@code k} contains an ASCII digit. */
  public boolean wordHasAsciiDigit(int k) {
    Objects.checkIndex(k, words);
    return (wordFlags[k] & HAS_DIGIT) != 0;
  }

  /** True if word {@code k} consists of ASCII digits only. */
  public boolean wordIsAsciiDigits(int k) {
    Objects.checkIndex(k, words);
    return (wordFlags[k] & NOT_ALL_DIGITS) == 0;
  }

  /** True if word {@code k} contains {@code '_'}. */
  public boolean wordHasUnderscore(int k) {
    Objects.checkIndex(k, words);
    return (wordFlags[k] & HAS_UNDERSCORE) != 0;
  }

  /** True if word {@code k} consists of ASCII letters and digits only. */
  public boolean wordIsAsciiAlnum(int k) {
    Objects.checkIndex(k, words);
    return (wordFlags[k] & (HAS_UNDERSCORE | NON_ASCII)) == 0;
  }

  /**
   * The {@linkplain #head head} of word {@code k}: {@code head(text, wordStart(k), wordEnd(k))}, i.e. its
   * first three characters ignoring case (fewer if the word is shorter), as one number.
   */
  public int wordHead(int k) {
    Objects.checkIndex(k, words);
    return wordHeads[k];
  }

  /**
   * The number of words that contain an ASCII digit. Digit-led scanners visit only these words (see
   * {@link #digitWord(int)}) instead of testing {@link #wordHasAsciiDigit(int)} on every word.
   */
  public int digitWordCount() {
    return digitWords;
  }

  /**
   * The number (for {@link #wordStart(int)} and the other word queries) of the {@code j}-th word that
   * contains an ASCII digit ({@code 0 <= j < digitWordCount()}), in text order.
   */
  public int digitWord(int j) {
    Objects.checkIndex(j, digitWords);
    return digitWord[j];
  }

  /**
   * The digit runs of {@code text}, which must be the text these traits were computed from: computed on
   * the first call from the {@linkplain #digitWord(int) words with a digit} and kept, so that every
   * digit-led recognizer of one analysis reads the same runs instead of walking the digits again. A text
   * without ASCII digits has none (and costs nothing).
   *
   * <p><b>Security:</b> traits must not be shared between texts; a different text of the same length
   * would get the first text's runs (a text of another length is rejected).
   *
   * @throws IllegalArgumentException if {@code text} is not as long as the text of these traits (the
   *     message holds no part of either)
   */
  public DigitRuns digitRuns(CharSequence text) {
    if (text.length() != length) {
      throw new IllegalArgumentException("text traits do not belong to this text");
    }
    DigitRuns runs = digitRuns;
    if (runs == null) {
      runs = DigitRuns.of(text, this);
      digitRuns = runs;
    }
    return runs;
  }

  /** The number of the first word that starts at or after {@code offset} ({@link #wordCount()} if none). */
  public int firstWordFrom(int offset) {
    int lo = 0;
    int hi = words;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (wordStart[mid] < offset) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  @Override
  public String toString() {
    return "TextTraits[length=" + length + ", words=" + words + ", digits=" + asciiDigits
        + ", longestAsciiGraphicRun=" + longestGraphicRun + "]";
  }
}
