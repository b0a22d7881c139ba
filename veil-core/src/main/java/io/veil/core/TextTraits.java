package io.veil.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
 * kept; a race at most computes them twice). Memory: one array of three ints per word and one with an
 * entry per word with a digit (a text of n characters has at most n/2 + 1 words). While they are computed,
 * a {@code String} gets one byte array (n rounded up to 8, plus a 256-entry table of the Latin-1 characters
 * present) that receives its characters when all are Latin-1; other texts are copied once as chars.
 * Nothing is kept or reused between texts.
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

  /** Where a word's head starts in its packed flags (see {@link #word}). */
  private static final int HEAD_SHIFT = 8;
  /** Size of the table of Latin-1 characters present that {@link #of} keeps after a text's bytes. */
  private static final int SEEN = 256;

  private static final int[] NO_INTS = new int[0];

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
  /**
   * Per word k, three ints: at {@code 3k} its start, at {@code 3k + 1} its end, at {@code 3k + 2} its
   * flags (low 8 bits) and its {@linkplain #wordHead(int) head} (the bits above). One array instead of
   * one per fact: one allocation per text, and a word's facts on one cache line.
   */
  private final int[] word;
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

  private TextTraits(long low, long high, int asciiDigits, int longestGraphicRun, int length, WordList list,
                     boolean nonAscii, boolean mayNeedView) {
    this.low = low;
    this.high = high;
    this.asciiDigits = asciiDigits;
    this.longestGraphicRun = longestGraphicRun;
    this.length = length;
    this.words = list.count;
    this.word = list.word;
    this.digitWords = list.digitWords;
    this.digitWord = list.digitWord;
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
    if (text instanceof String s) {
      // one loop over the chars without a branch: whether all are Latin-1 (then the rest is read eight
      // characters at a time from the string's bytes) and, in a 256-entry table after those bytes,
      // which Latin-1 characters occur (one store per character; folded into the ASCII set later)
      int padded = (n + 7) & ~7;
      byte[] bytes = new byte[padded + SEEN];
      int all = 0;
      for (int i = 0; i < n; i++) {
        int c = s.charAt(i);
        all |= c;
        bytes[padded + (c & 0xFF)] = 1;
      }
      if (all < 0x100) {
        return ofLatin1(s, bytes, n, padded);
      }
    }
    // one bulk copy makes the loop below a plain array walk
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
    WordList list = new WordList(Math.min(n / 4 + 4, 32));
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
      list.add(start, i, f);
    }
    // the words' heads, as head(text, start, end) computes them (a loop of its own keeps the one above
    // as tight as it was)
    int[] word = list.word;
    for (int k = 0, at = 0; k < list.count; k++, at += 3) {
      int start = word[at];
      int len = word[at + 1] - start;
      word[at + 2] |= ((headSymbol(buf[start]) * HEAD_SYMBOLS
          + (len > 1 ? headSymbol(buf[start + 1]) : HEAD_END)) * HEAD_SYMBOLS
          + (len > 2 ? headSymbol(buf[start + 2]) : HEAD_END)) << HEAD_SHIFT;
    }
    return new TextTraits(low, high, digits, Math.max(longest, run), n, list, nonAscii, mayNeedView);
  }

  /** Eight bytes of a byte array as one long, the first byte lowest. */
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  /** 0x01 in every byte. */
  private static final long ONES = 0x0101010101010101L;
  /** 0x80 in every byte. */
  private static final long HIGHS = 0x8080808080808080L;

  /**
   * Per byte of {@code x} (eight ASCII characters, each below 0x80): 0x80 if it is in {@code [lo, hi]},
   * else 0. (Each sum stays within its byte: no carry crosses into the next character.)
   */
  private static long inRange(long x, int lo, int hi) {
    return (x + ONES * (0x80 - lo)) & ~(x + ONES * (0x7F - hi)) & HIGHS;
  }

  /** Per byte of {@code x} (ASCII characters): 0x80 if it equals {@code c}, else 0. */
  private static long equalTo(long x, int c) {
    long y = x ^ (ONES * c);
    return ~((y + ONES * 0x7F) | y) & HIGHS;
  }

  /** The eight bytes of {@code v}, each 0 or 1, as bits 0-7 (byte k to bit k). */
  private static long gatherOnes(long v) {
    return (v * 0x0102040810204080L) >>> 56;
  }

  /** The 0x80 bits of the eight bytes of {@code m} as bits 0-7 (byte k to bit k). */
  private static long gather(long m) {
    return ((m >>> 7) * 0x0102040810204080L) >>> 56;
  }

  /**
   * The word flags of the characters whose bits {@code mask} selects, from the chunk's class bits
   * ({@code high}: the characters outside ASCII).
   */
  private static int flagsOf(long mask, long word, long digit, long underscore, long high) {
    return ((digit & mask) != 0 ? HAS_DIGIT : 0)
        | ((word & ~digit & mask) != 0 ? NOT_ALL_DIGITS : 0)
        | ((underscore & mask) != 0 ? HAS_UNDERSCORE : 0)
        | ((word & high & mask) != 0 ? NON_ASCII : 0);
  }

  /** Class bits of a Latin-1 character, for the blocks of {@link #ofLatin1} that hold one outside ASCII. */
  private static final int C_WORD = 1;
  private static final int C_DIGIT = 2;
  private static final int C_UNDERSCORE = 4;
  private static final int C_GRAPHIC = 8;
  private static final int C_HIGH = 16;
  private static final byte[] LATIN1_CLASS = latin1Classes();

  private static byte[] latin1Classes() {
    byte[] classes = new byte[256];
    for (char c = 0; c < 256; c++) {
      classes[c] = (byte) ((isWordChar(c) ? C_WORD : 0) | (c >= '0' && c <= '9' ? C_DIGIT : 0)
          | (c == '_' ? C_UNDERSCORE : 0) | (c > ' ' && c < 127 ? C_GRAPHIC : 0) | (c >= 128 ? C_HIGH : 0));
    }
    return classes;
  }

  /**
   * {@link #of} for a string of Latin-1 characters only: the same traits, computed eight characters at a
   * time. {@code bytes} has {@code padded} (n rounded up to a multiple of 8) bytes for the characters,
   * then {@link #SEEN} bytes whose entry {@code c} is 1 where character {@code c} occurs. The characters
   * are copied into it as bytes (for a Latin-1 string a plain array copy); each eight ASCII characters
   * are classified at once (word character, ASCII digit, '_', printable non-space) into one bit per
   * character, 64 characters per long (eight with a character outside ASCII one by one, from a table),
   * and the words and the runs of printable characters are read from where those bits change, so the
   * loop has no branch per character.
   */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the low byte of each char, exact for Latin-1
  private static TextTraits ofLatin1(String s, byte[] bytes, int n, int padded) {
    s.getBytes(0, n, bytes, 0); // (the padding up to `padded` stays NUL: no class, so it ends a word or run at n)
    // the set of ASCII characters present: the first 128 entries of the table, eight at a time
    long low = 0;
    long high = 0;
    for (int k = 0; k < 64; k += 8) {
      low |= gatherOnes((long) LONGS.get(bytes, padded + k)) << k;
      high |= gatherOnes((long) LONGS.get(bytes, padded + 64 + k)) << k;
    }
    int digits = 0;
    int longest = 0;
    int runStart = 0;    // of the printable run open at the previous chunk's end
    long carryRun = 0;   // 1 if one is open
    int wordStart = 0;   // of the word open at the previous chunk's end
    int wordFlags = 0;   // the flags of its characters so far
    long carryWord = 0;  // 1 if one is open
    boolean nonAscii = false;
    boolean mayNeedView = false;
    WordList list = new WordList(Math.min(n / 4 + 4, 32));
    for (int base = 0; base < padded; base += 64) {
      long word = 0;
      long digit = 0;
      long underscore = 0;
      long graphic = 0;
      long outside = 0; // the characters outside ASCII
      int chunk = Math.min(64, padded - base);
      for (int k = 0; k < chunk; k += 8) {
        long x = (long) LONGS.get(bytes, base + k);
        if ((x & HIGHS) == 0) {
          long d = inRange(x, '0', '9');
          long u = equalTo(x, '_');
          long w = d | u | inRange(x | ONES * 0x20, 'a', 'z'); // (x | 0x20 maps only 'A'-'Z' into 'a'-'z')
          digit |= gather(d) << k;
          underscore |= gather(u) << k;
          word |= gather(w) << k;
          graphic |= gather(inRange(x, '!', '~')) << k;
          continue;
        }
        for (int j = 0; j < 8; j++) {
          int c = bytes[base + k + j] & 0xFF;
          long cls = LATIN1_CLASS[c];
          int at = k + j;
          word |= (cls & C_WORD) << at;
          digit |= (cls >> 1 & 1) << at;
          underscore |= (cls >> 2 & 1) << at;
          graphic |= (cls >> 3 & 1) << at;
          outside |= (cls >> 4 & 1) << at;
          mayNeedView |= c == 0xA0 || c == 0xAD; // the only Latin-1 characters DetectionText changes
        }
        nonAscii = true;
      }
      digits += Long.bitCount(digit);
      // runs of printable characters: their starts and ends alternate (an end first if one is open)
      long before = (graphic << 1) | carryRun;
      long runStarts = graphic & ~before;
      long runEnds = before & ~graphic;
      if (carryRun != 0 && runEnds != 0) {
        longest = Math.max(longest, base + Long.numberOfTrailingZeros(runEnds) - runStart);
        runEnds &= runEnds - 1;
      }
      for (; runEnds != 0; runEnds &= runEnds - 1, runStarts &= runStarts - 1) {
        longest = Math.max(longest, Long.numberOfTrailingZeros(runEnds) - Long.numberOfTrailingZeros(runStarts));
      }
      if (runStarts != 0) {
        runStart = base + Long.numberOfTrailingZeros(runStarts);
      }
      carryRun = graphic >>> 63;
      // words likewise
      before = (word << 1) | carryWord;
      long wordStarts = word & ~before;
      long wordEnds = before & ~word;
      if (carryWord != 0) {
        if (wordEnds == 0) {
          wordFlags |= flagsOf(-1L, word, digit, underscore, outside); // the word goes on through the chunk
        } else {
          int e = Long.numberOfTrailingZeros(wordEnds);
          list.add(wordStart, base + e, wordFlags | flagsOf((1L << e) - 1, word, digit, underscore, outside));
          wordEnds &= wordEnds - 1;
        }
      }
      for (; wordEnds != 0; wordEnds &= wordEnds - 1, wordStarts &= wordStarts - 1) {
        int st = Long.numberOfTrailingZeros(wordStarts);
        int e = Long.numberOfTrailingZeros(wordEnds);
        list.add(base + st, base + e, flagsOf(((1L << e) - 1) & (-1L << st), word, digit, underscore, outside));
      }
      if (wordStarts != 0) {
        int st = Long.numberOfTrailingZeros(wordStarts);
        wordStart = base + st;
        wordFlags = flagsOf(-1L << st, word, digit, underscore, outside);
      }
      carryWord = word >>> 63;
    }
    // (open only when n is a multiple of 64: otherwise the padding closed them at n)
    if (carryRun != 0) {
      longest = Math.max(longest, n - runStart);
    }
    if (carryWord != 0) {
      list.add(wordStart, n, wordFlags);
    }
    // the words' heads, from the bytes (a Latin-1 char's head symbol is its byte's)
    int[] w = list.word;
    for (int k = 0, at = 0; k < list.count; k++, at += 3) {
      int start = w[at];
      int len = w[at + 1] - start;
      w[at + 2] |= ((headSymbol((char) (bytes[start] & 0xFF)) * HEAD_SYMBOLS
          + (len > 1 ? headSymbol((char) (bytes[start + 1] & 0xFF)) : HEAD_END)) * HEAD_SYMBOLS
          + (len > 2 ? headSymbol((char) (bytes[start + 2] & 0xFF)) : HEAD_END)) << HEAD_SHIFT;
    }
    return new TextTraits(low, high, digits, longest, n, list, nonAscii, mayNeedView);
  }

  /** The words as they are found: a growing packed array (see {@link #word}) and the words with a digit. */
  private static final class WordList {
    int[] word;
    int count;
    int[] digitWord = NO_INTS;
    int digitWords;

    WordList(int capacity) {
      word = capacity == 0 ? NO_INTS : new int[3 * capacity];
    }

    void add(int start, int end, int f) {
      int at = 3 * count;
      if (at == word.length) {
        word = Arrays.copyOf(word, 3 * Math.max(8, count * 2));
      }
      word[at] = start;
      word[at + 1] = end;
      word[at + 2] = f;
      if ((f & HAS_DIGIT) != 0) {
        if (digitWords == digitWord.length) {
          digitWord = Arrays.copyOf(digitWord, Math.max(8, digitWords * 2));
        }
        digitWord[digitWords++] = count;
      }
      count++;
    }
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
    return word[3 * k];
  }

  /** Offset just after the last character of word {@code k}. */
  public int wordEnd(int k) {
    Objects.checkIndex(k, words);
    return word[3 * k + 1];
  }

  /** True if word {@code k} contains an ASCII digit. */
  public boolean wordHasAsciiDigit(int k) {
    Objects.checkIndex(k, words);
    return (word[3 * k + 2] & HAS_DIGIT) != 0;
  }

  /** True if word {@code k} consists of ASCII digits only. */
  public boolean wordIsAsciiDigits(int k) {
    Objects.checkIndex(k, words);
    return (word[3 * k + 2] & NOT_ALL_DIGITS) == 0;
  }

  /** True if word {@code k} contains {@code '_'}. */
  public boolean wordHasUnderscore(int k) {
    Objects.checkIndex(k, words);
    return (word[3 * k + 2] & HAS_UNDERSCORE) != 0;
  }

  /** True if word {@code k} consists of ASCII letters and digits only. */
  public boolean wordIsAsciiAlnum(int k) {
    Objects.checkIndex(k, words);
    return (word[3 * k + 2] & (HAS_UNDERSCORE | NON_ASCII)) == 0;
  }

  /**
   * The {@linkplain #head head} of word {@code k}: {@code head(text, wordStart(k), wordEnd(k))}, i.e. its
   * first three characters ignoring case (fewer if the word is shorter), as one number.
   */
  public int wordHead(int k) {
    Objects.checkIndex(k, words);
    return word[3 * k + 2] >>> HEAD_SHIFT;
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
      if (word[3 * mid] < offset) {
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
