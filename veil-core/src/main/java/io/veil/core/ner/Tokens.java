package io.veil.core.ner;

import java.util.Arrays;

/**
 * A text cut into tokens in one linear pass: words (letters, digits, inner {@code '} or {@code -}) and
 * single punctuation characters; white space is dropped but remembered ({@link #nlBefore}).
 * Per-token lexicon flags and case are computed once. Not thread-safe: one instance per analysis.
 */
final class Tokens {
  static final byte WORD = 0;
  static final byte NUM = 1;
  static final byte PUNCT = 2;
  /** Letters and digits mixed, starting with a letter ("GB82WEST...", "A1B"): never a name. */
  static final byte MIXED = 3;

  final String text;
  int size;
  int[] start;
  int[] end;
  byte[] kind;
  int[] flags;
  /** {@link Lexicon#rawHash} of each word token that is not plain ({@link #plainCode} 0); 0 for the others. */
  int[] rawHash;
  /** {@link Lexicon#plainCode} of each word token (0 for other kinds and for words that are not plain). */
  long[] plainCode;
  /** The text has no upper-case letter at all (chat typed in lower case): case carries no signal. */
  final boolean caseless;
  /** {@link Closed} list membership of each word token. */
  int[] closed;
  /** The indexes of the {@link #WORD} tokens, in order: {@code words[0, wordCount)}. */
  int[] words;
  /** How many of {@link #words} are set. */
  int wordCount;
  /** {@link #scratch}: allocated once, by the first user. */
  private int[] scratch;
  private final Lexicon lexicon;
  /** How many of the first tokens {@link #germanWords} and {@link #englishWords} look at. */
  static final int SNIFF_TOKENS = 400;
  /** Words of at most 5 chars among the first {@link #SNIFF_TOKENS} tokens that are German function words, */
  int germanWords;
  /** and those that are English function words but not German ones. */
  int englishWords;
  /** The text has a {@link #NUM} token. */
  boolean anyNumber;
  /** The {@link #closed} masks of all tokens, or-ed. */
  int closedUnion;
  /** What {@link Lexicon#touch} returned: kept so its loads are not optimised away. */
  long touched;
  /** The text's chars (array loads in the per-character loops, not {@code String.charAt}). */
  private final char[] chars;

  Tokens(String text, Lexicon lexicon) {
    this.text = text;
    this.lexicon = lexicon;
    int cap = Math.max(16, text.length() / 3); // about 4 chars a token: rarely grown
    start = new int[cap];
    end = new int[cap];
    kind = new byte[cap];
    rawHash = new int[cap];
    plainCode = new long[cap];
    bits = new byte[cap];
    words = new int[cap];
    chars = text.toCharArray(); // array loads in the per-character loops, not String.charAt
    caseless = !tokenize(chars);
    lookUp();
    if (caseless) {
      computeCaseless();
    }
  }

  /**
   * Cuts {@code chars} into tokens and computes each word's {@link Lexicon#plainCode} on the way (the
   * characters of a word are read once, not again for the lexicon and the closed lists); only a word that is
   * not plain (about one in ten) is read again, for its {@link Lexicon#rawHash}. Returns whether the text has an upper-case char
   * ({@link CharClass#isUpperCase}; white space never is one, and every other char is read here).
   */
  private boolean tokenize(char[] chars) {
    boolean anyUpper = false;
    int n = chars.length;
    int i = 0;
    boolean nl = true;
    boolean sp = true;
    // the current line's words of 4+ chars and how many of them are capitalised (see closeLine)
    int lineStart = 0;
    int longWords = 0;
    int caps = 0;
    while (i < n) {
      char c = chars[i];
      if (CharClass.isSpace(c)) {
        if (c == '\n' || c == '\r') {
          nl = true;
        }
        sp = true;
        i++;
        continue;
      }
      int s = i;
      byte k;
      long code = 0; // Lexicon.plainCode while every normalised char has a symbol (then -1: not plain)
      boolean wide = false; // a char outside ASCII
      boolean camel = false; // an ASCII upper-case letter after 3+ ASCII lower-case ones (see isCamelCase)
      int lowerRun = 0;
      if (CharClass.isLetterOrDigit(c) || Character.isSurrogate(c) && Character.isLetterOrDigit(Character.codePointAt(chars, i))) {
        boolean digits = true;
        boolean anyDigit = false;
        while (i < n) {
          char d = chars[i];
          if (d < 128) {
            if (d >= 'a' && d <= 'z') {
              digits = false;
              code = code << 5 | (d - ('a' - 1));
              lowerRun++;
            } else if (d >= 'A' && d <= 'Z') {
              digits = false;
              code = code << 5 | ((d | 0x20) - ('a' - 1));
              anyUpper = true;
              camel |= lowerRun >= 3;
              lowerRun = 0;
            } else if (d >= '0' && d <= '9') {
              anyDigit = true; // digits after letters stay in the word ("184th" starts with digits: a number)
              code = -1;
              lowerRun = 0;
            } else if (d == '\'' || d == '-') {
              if (!innerMark(chars, i, d)) {
                break;
              }
              code = code << 5 | Lexicon.symbol(d);
              lowerRun = 0;
            } else {
              break;
            }
            i++;
          } else if (CharClass.isLetterDigitOrMark(d)) {
            wide = true;
            if (CharClass.isDigit(d)) {
              anyDigit = true;
            } else {
              digits = false;
            }
            anyUpper |= CharClass.isUpperCase(d);
            char nd = Lexicon.norm(d);
            int sym = Lexicon.symbol(nd); // "İ" and the Kelvin sign normalise to ASCII letters
            code = sym == 0 ? -1 : code << 5 | sym;
            i++;
          } else if (Character.isHighSurrogate(d) && i + 1 < n && Character.isLetterOrDigit(Character.codePointAt(chars, i))) {
            wide = true;
            digits = false;
            code = -1;
            i += 2;
          } else if (d == '\u2019') {
            if (!innerMark(chars, i, d)) {
              break;
            }
            wide = true;
            code = code << 5 | Lexicon.symbol('\'');
            i++;
          } else {
            break;
          }
        }
        k = CharClass.isDigit(c) ? NUM : WORD;
        if (k == WORD && anyDigit) {
          k = MIXED;
        }
        if (digits) {
          k = NUM;
        }
      } else {
        anyUpper |= c >= 128 && CharClass.isUpperCase(c); // no ASCII punctuation is; a surrogate char never is
        i += Character.charCount(Character.codePointAt(chars, i));
        k = PUNCT;
      }
      if (nl && size > 0) {
        closeLine(lineStart, caps, longWords);
        lineStart = size;
        longWords = 0;
        caps = 0;
      }
      if (k == WORD && i - s >= 4) {
        longWords++;
        if (CharClass.isUpperCase(c)) {
          caps++;
        }
      }
      if (k == NUM) {
        anyNumber = true;
      }
      // -1 (a char without a symbol) shifted left stays negative: only a plain word keeps a positive code
      int b = (wide ? WIDE : 0) | (camel ? CAMEL : 0) | (nl ? NL_BEFORE : 0) | (sp ? SPACE_BEFORE : 0);
      if (k == WORD) {
        b |= caseBits(c, chars, s);
      }
      long plain = k == WORD && code > 0 && i - s <= Lexicon.PLAIN_MAX ? code : 0;
      add(s, i, k, k == WORD && plain == 0 ? rawHash(chars, s, i) : 0, plain, (byte) b);
      nl = false;
      sp = false;
    }
    closeLine(lineStart, caps, longWords);
    return anyUpper;
  }

  /**
   * The apostrophe or hyphen {@code d} at {@code i} stays inside the word: not a possessive 's ("Sepi's"
   * is the name "Sepi" and the tokens "'", "s"), and a letter on both sides.
   */
  private static boolean innerMark(char[] chars, int i, char d) {
    int n = chars.length;
    if ((d == '\'' || d == '\u2019') && i + 1 < n && (chars[i + 1] == 's' || chars[i + 1] == 'S')
        && (i + 2 >= n || !CharClass.isLetter(chars[i + 2]))) {
      return false;
    }
    return i + 1 < n && CharClass.isLetter(chars[i - 1]) && CharClass.isLetter(chars[i + 1]);
  }

  /**
   * Marks the tokens {@code [lineStart, size)} of one line as {@link #titleLine} if it is Title Case:
   * at least 4 words of 4 or more chars ({@code longWords}), 70 % of them capitalised ({@code caps}).
   */
  private void closeLine(int lineStart, int caps, int longWords) {
    if (longWords >= 4 && caps * 10 >= longWords * 7) {
      for (int t = lineStart; t < size; t++) {
        bits[t] |= TITLE_LINE;
      }
    }
  }

  /**
   * Lexicon flags and closed-list masks of the word tokens, from the hashes the tokenizer computed. The
   * closed lists (function words, cue words: about half of a prompt's words) come first, and their lexicon
   * flags from {@link Lexicon#closedFlags}; only the other words are probed in the lexicon's table.
   */
  private void lookUp() {
    flags = new int[size];
    closed = new int[size];
    // the words the closed lists do not answer for, listed without a branch on the (unpredictable) answer
    int[] unknown = scratch();
    int unknownCount = 0;
    for (int w = 0; w < wordCount; w++) {
      int t = words[w];
      long code = plainCode[t];
      int slot = code != 0 ? Closed.slot(code) : Closed.slotNotPlain(chars, start[t], end[t], rawHash[t]);
      boolean in = slot >= 0;
      int c = in ? Closed.maskAt(slot) : 0; // never 0 for a slot: every key is in a list
      int f = in ? lexicon.closedFlags(slot) : Lexicon.UNKNOWN;
      closed[t] = c;
      closedUnion |= c;
      flags[t] = f;
      unknown[unknownCount] = t;
      unknownCount += f == Lexicon.UNKNOWN ? 1 : 0;
      int sniffed = t < SNIFF_TOKENS & end[t] - start[t] <= 5 ? 1 : 0;
      int german = (c & Closed.GERMAN_FUNCTION) != 0 ? 1 : 0;
      germanWords += sniffed & german;
      englishWords += sniffed & (german ^ 1) & ((c & Closed.ENGLISH_FUNCTION) != 0 ? 1 : 0);
    }
    touched = lexicon.touch(unknown, unknownCount, start, end, rawHash, plainCode);
    for (int u = 0; u < unknownCount; u++) {
      int t = unknown[u];
      flags[t] = lexicon.lookup(text, start[t], end[t], rawHash[t], plainCode[t]);
    }
    for (int w = 0; w < wordCount; w++) {
      int t = words[w];
      int f = flags[t];
      if (f == 0 && text.indexOf('-', start[t], end[t]) >= 0) {
        f = hyphenated(t); // 0 for a word without '-': only the look-ups of its parts can add flags
      }
      if ((bits[t] & WIDE) != 0) {
        f = NameSpellings.withFolded(lexicon, text, start[t], end[t], f); // "José", "Søren", "Müller"
      }
      flags[t] = f;
    }
  }

  /**
   * An int per token for one user at a time to fill and read before the next one asks (the look-ups, then
   * each scanner in turn, for its list of tokens to visit): one array per text instead of one per user.
   */
  int[] scratch() {
    if (scratch == null) {
      scratch = new int[size];
    }
    return scratch;
  }

  /** Flags for "Mayo-Walters" from its parts: name strengths only, common only if every part is. */
  private int hyphenated(int t) {
    int s = start[t];
    int e = end[t];
    int first = -1;
    int last = 0;
    boolean allCommon = true;
    boolean any = false;
    for (int i = s; i <= e; i++) {
      if (i == e || text.charAt(i) == '-') {
        if (i == e && s == start[t]) {
          return 0; // no hyphen at all
        }
        int f = NameSpellings.withFolded(lexicon, text, s, i, lexicon.lookup(text, s, i));
        if (first < 0) {
          first = Lexicon.first(f);
        }
        last = Math.max(last, Lexicon.last(f));
        allCommon &= (f & Lexicon.COMMON) != 0;
        any = true;
        s = i + 1;
      }
    }
    if (!any) {
      return 0;
    }
    int flags = (Math.max(first, 0) & Lexicon.FIRST_MASK) | (last << Lexicon.LAST_SHIFT);
    return allCommon ? Lexicon.COMMON : flags;
  }

  /** Lexicon flags of the words {@code [from, to)} joined by single spaces. */
  int lexiconLookup(int from, int to) {
    return to - from == 1 ? flags[from] : lexicon.lookup(text, start, end, from, to);
  }

  /** {@link Lexicon#rawHash} of {@code chars[start, end)}. */
  static int rawHash(char[] chars, int start, int end) {
    int h = 0;
    for (int i = start; i < end; i++) {
      h = 31 * h + Lexicon.norm(chars[i]);
    }
    return h;
  }

  private void add(int s, int e, byte k, int h, long code, byte tokenBits) {
    if (size == start.length) {
      int cap = size * 2;
      rawHash = Arrays.copyOf(rawHash, cap);
      plainCode = Arrays.copyOf(plainCode, cap);
      start = Arrays.copyOf(start, cap);
      end = Arrays.copyOf(end, cap);
      kind = Arrays.copyOf(kind, cap);
      bits = Arrays.copyOf(bits, cap);
      words = Arrays.copyOf(words, cap);
    }
    start[size] = s;
    end[size] = e;
    kind[size] = k;
    rawHash[size] = h;
    plainCode[size] = code;
    bits[size] = tokenBits;
    words[wordCount] = size;
    wordCount += k == WORD ? 1 : 0;
    size++;
  }

  char firstChar(int t) {
    return text.charAt(start[t]);
  }

  boolean isWord(int t) {
    return t >= 0 && t < size && kind[t] == WORD;
  }

  boolean isNum(int t) {
    return t >= 0 && t < size && kind[t] == NUM;
  }

  boolean isPunct(int t, char c) {
    return t >= 0 && t < size && kind[t] == PUNCT && text.charAt(start[t]) == c;
  }

  int length(int t) {
    return end[t] - start[t];
  }

  /** Token {@code t} is a word in one of the {@link Closed} lists {@code bits}. */
  boolean in(int t, int bits) {
    return t >= 0 && t < size && (closed[t] & bits) != 0;
  }

  /** Word token {@code t} has only ASCII chars. */
  boolean ascii(int t) {
    return (bits[t] & WIDE) == 0;
  }

  /** {@link #bits} bit: {@link #isCap}. */
  private static final byte CAP = 1;
  /** {@link #bits} bit: {@link #isLower}. */
  private static final byte LOWER = 2;
  /** {@link #bits} bit: the word has a char outside ASCII (set by the tokenizer, for word tokens). */
  private static final byte WIDE = 4;
  /** {@link #bits} bit, meaningful without {@link #WIDE}: {@link #isCamelCase} (set by the tokenizer). */
  private static final byte CAMEL = 8;
  /** {@link #bits} bit: {@link #nlBefore}. */
  private static final byte NL_BEFORE = 16;
  /** {@link #bits} bit: {@link #spaceBefore}. */
  private static final byte SPACE_BEFORE = 32;
  /** {@link #bits} bit: {@link #titleLine}. */
  private static final byte TITLE_LINE = 64;

  /** The gap before token {@code t} (a token index of this text) contains a line break; true for the first token. */
  boolean nlBefore(int t) {
    return (bits[t] & NL_BEFORE) != 0;
  }

  /** The gap before token {@code t} contains any white space; true for the first token. */
  boolean spaceBefore(int t) {
    return (bits[t] & SPACE_BEFORE) != 0;
  }

  /** Token {@code t}'s line is Title Case or SHOUTED (most words capitalised): capitals say little there. */
  boolean titleLine(int t) {
    return (bits[t] & TITLE_LINE) != 0;
  }

  /**
   * An upper-case letter after three or more lower-case ones ({@link Character#isLowerCase}; any other
   * char ends the run) in token {@code t}. Known from the tokenizer for an ASCII word; counted here otherwise.
   */
  boolean isCamelCase(int t) {
    if ((bits[t] & WIDE) == 0) {
      return (bits[t] & CAMEL) != 0;
    }
    int lowerRun = 0;
    for (int k = start[t]; k < end[t]; k++) {
      char c = chars[k];
      if (CharClass.isLowerCase(c)) {
        lowerRun++;
      } else if (CharClass.isUpperCase(c)) {
        if (lowerRun >= 3) {
          return true;
        }
        lowerRun = 0;
      } else {
        lowerRun = 0;
      }
    }
    return false;
  }
  /**
   * Per token, {@link #CAP} and {@link #LOWER}: the scanners ask for each token's case many times, so it
   * is computed once: from the first char by the tokenizer ({@link #caseBits}), and again after the
   * look-ups for a {@link #caseless} text, where it depends on the lexicon flags ({@link #computeCaseless});
   * {@link #WIDE}, {@link #CAMEL}; and the layout bits {@link #NL_BEFORE}, {@link #SPACE_BEFORE},
   * {@link #TITLE_LINE}: one byte a token instead of one array per property.
   */
  private byte[] bits;

  /**
   * {@link #CAP} and {@link #LOWER} of a word token that starts with {@code c} at {@code s}, in a text that
   * is not {@link #caseless}: first letter upper-case (its code point), or lower-case.
   */
  private static int caseBits(char c, char[] chars, int s) {
    boolean cap = c < 128 ? CharClass.isUpperCase(c) : Character.isUpperCase(Character.codePointAt(chars, s));
    return (cap ? CAP : 0) | (CharClass.isLowerCase(c) ? LOWER : 0);
  }

  /** {@link #CAP} and {@link #LOWER} of the word tokens of a {@link #caseless} text, replacing the tokenizer's. */
  private void computeCaseless() {
    for (int w = 0; w < wordCount; w++) {
      int t = words[w];
      // without case, only lexicon words that are not common English words may start a name or place
      int f = flags[t];
      boolean cap = (f & (Lexicon.PLACE | Lexicon.FIRST_MASK | (0xF << Lexicon.LAST_SHIFT))) != 0
          && (f & Lexicon.COMMON) == 0 && CharClass.isLetter(text.charAt(start[t]));
      bits[t] = (byte) (bits[t] & ~(CAP | LOWER) | (cap ? CAP : LOWER));
    }
  }

  /**
   * First letter upper-case (Title or UPPER); in a {@link #caseless} text, a lexicon word that may start a
   * name or place. False for anything but a word token (and for an index outside the text).
   */
  boolean isCap(int t) {
    return t >= 0 && t < size && (bits[t] & CAP) != 0;
  }

  /** Every letter upper-case and at least two letters. */
  boolean isAllCaps(int t) {
    if (!isWord(t) || length(t) < 2) {
      return false;
    }
    for (int i = start[t]; i < end[t]; i++) {
      char c = text.charAt(i);
      if (CharClass.isLetter(c) && !CharClass.isUpperCase(c)) {
        return false;
      }
    }
    return true;
  }

  /** A word token that starts lower-case (in a {@link #caseless} text: one that is not {@link #isCap}). */
  boolean isLower(int t) {
    return t >= 0 && t < size && (bits[t] & LOWER) != 0;
  }

  /** Token text equals {@code lower} ignoring case. */
  boolean is(int t, String lower) {
    if (t < 0 || t >= size || length(t) != lower.length()) {
      return false;
    }
    for (int i = 0; i < lower.length(); i++) {
      if (Lexicon.norm(text.charAt(start[t] + i)) != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private String[] lowerCache;

  /** Lower-case token text, computed once per token (for set lookups of small closed lists). */
  String lower(int t) {
    if (lowerCache == null) {
      lowerCache = new String[size];
    }
    String s = lowerCache[t];
    if (s == null) {
      s = text.substring(start[t], end[t]).toLowerCase(java.util.Locale.ROOT).replace('\u2019', '\'');
      lowerCache[t] = s;
    }
    return s;
  }

  /** Tokens {@code t-1} and {@code t} are separated by nothing but spaces on one line. */
  boolean joined(int t) {
    return t > 0 && !nlBefore(t);
  }

  /** The token starts a sentence: first token, after a line break, or after . ! ? : ; or a quote/bullet at line start. */
  boolean sentenceStart(int t) {
    int p = t - 1;
    while (p >= 0 && kind[p] == PUNCT && isOpener(text.charAt(start[p])) && !nlBefore(p + 1)) {
      p--;
    }
    if (p < 0 || nlBefore(p + 1)) {
      return true;
    }
    if (kind[p] == PUNCT) {
      char c = text.charAt(start[p]);
      return c == '.' || c == '!' || c == '?' || c == ':' || c == ';' || c == '\u2026';
    }
    return false;
  }

  private static boolean isOpener(char c) {
    return c == '"' || c == '\'' || c == '(' || c == '[' || c == '\u201c' || c == '\u2018' || c == '*' || c == '-'
        || c == '\u2022' || c == '>';
  }
}
