package io.veil.core.ner;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

/**
 * The bundled lexicon: lower-case keys (single words, or words joined by one space) mapped to a bit set
 * of {@code FIRST}/{@code LAST} strengths and place/common-word flags.
 *
 * <p>Two open-addressing tables of {@code long}s. Keys of at most {@value #PLAIN_MAX} chars from
 * {@code a-z ' -} (87 % of the keys, and nearly every word a look-up asks for) are <i>plain</i>: their
 * chars pack into a {@link #plainCode} of 5 bits per char, which is stored in the slot beside the flags,
 * so such a look-up compares the whole key in one masked compare of one slot: one cache line, no key
 * characters to read, exact (the packing is injective). The other keys (longer, with digits, accents or
 * spaces) keep a slot of hash bits, key offset, key length and flags, and their characters in a pool.
 * Look-ups hash the text's characters in place, so they allocate nothing.
 *
 * <p>Built by {@code scripts/ner/BuildGazetteers.java}; the flag layout must match that program.
 *
 * <p>Thread safety: immutable after construction.
 */
final class Lexicon {
  static final int FIRST_MASK = 0xF;
  static final int LAST_SHIFT = 4;
  static final int CITY = 1 << 8;
  static final int COUNTRY = 1 << 9;
  static final int REGION = 1 << 10;
  static final int COMMON = 1 << 11;
  static final int MW_PREFIX = 1 << 12;
  static final int PLACE = CITY | COUNTRY | REGION;

  static final String RESOURCE = "lexicon.tsv.gz";

  /*
   * The table of the keys that are not plain: one long per slot (0 = empty):
   *   bits 63..43  the upper 21 bits of the key's mixed hash (its lower bits chose the home slot),
   *   bits 42..21  the key's offset in {@link #pool},
   *   bits 20..13  the key's length (keys are at most 255 chars),
   *   bits 12..0   the key's flags.
   * A probe compares hash bits and length in one masked compare and reads the pool only then.
   * (The plain keys' table, {@link #plainTable}, needs no pool: see there.)
   */
  private static final int VALUE_BITS = 13;
  private static final long VALUE_MASK = (1L << VALUE_BITS) - 1;
  private static final int LENGTH_SHIFT = VALUE_BITS;
  private static final int MAX_LENGTH = 255;
  private static final int OFFSET_SHIFT = LENGTH_SHIFT + 8;
  private static final int OFFSET_BITS = 22;
  private static final int HASH_SHIFT = OFFSET_SHIFT + OFFSET_BITS;
  /** The hash and length bits of a slot. */
  private static final long TAG_MASK = ~(((1L << OFFSET_BITS) - 1) << OFFSET_SHIFT | VALUE_MASK);
  /** The keys that are not {@link #plainCode plain}. */
  private final long[] table;
  /** All keys of {@link #table}, one after another. */
  private final char[] pool;
  /** Number of slots of {@link #table} minus one. */
  private final int mask;
  /**
   * The plain keys: one long per slot (0 = empty), the key's {@link #plainCode} in bits 63..13 and its
   * flags in bits 12..0; home slot {@link #plainHome}.
   */
  private final long[] plainTable;
  /** 64 minus log2 of the number of slots of {@link #plainTable}. */
  private final int plainShift;
  /** The longest plain key: 10 chars of 5 bits fit beside the 13 flag bits. */
  static final int PLAIN_MAX = 10;
  /**
   * Per {@link Closed} slot: this lexicon's flags of the key there ({@link #closedFlags}); {@link #UNKNOWN}
   * for an empty slot or a key that is not its own {@link #norm normal form} (no word's look-up can be
   * answered from it).
   */
  private final int[] closedFlags;
  /** {@link #closedFlags} of a slot whose flags must be looked up in the table. */
  static final int UNKNOWN = -1;

  private Lexicon(long[] table, char[] pool, long[] plainTable) {
    this.table = table;
    this.pool = pool;
    this.mask = table.length - 1;
    this.plainTable = plainTable;
    this.plainShift = 64 - Integer.numberOfTrailingZeros(plainTable.length);
    this.closedFlags = new int[Closed.SIZE];
    for (int slot = 0; slot < Closed.SIZE; slot++) {
      String key = Closed.keyAt(slot);
      closedFlags[slot] = key != null && normalised(key) ? lookup(key, 0, key.length()) : UNKNOWN;
    }
  }

  /** Every char of {@code key} is its own {@link #norm}: a word whose normalised chars are the key looks up as the key does. */
  private static boolean normalised(String key) {
    for (int i = 0; i < key.length(); i++) {
      if (norm(key.charAt(i)) != key.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The flags of every word that {@link Closed#slot} finds in {@code slot}, as {@link #lookup} returns them
   * (its normalised chars are the key's, and look-ups compare nothing else), or {@link #UNKNOWN}: then call
   * {@link #lookup}. Read from a 16 KB array instead of the 4 MB table: the closed lists hold the function
   * words, about half of the words of a prompt.
   */
  int closedFlags(int slot) {
    return closedFlags[slot];
  }

  /** The hash and length bits a slot holding a key of this mixed hash and length has. */
  private static long tag(int mixedHash, int length) {
    return (long) (mixedHash >>> (32 - (64 - HASH_SHIFT))) << HASH_SHIFT | (long) length << LENGTH_SHIFT;
  }

  static int first(int flags) {
    return flags & FIRST_MASK;
  }

  static int last(int flags) {
    return (flags >>> LAST_SHIFT) & 0xF;
  }

  /** Reads the bundled resource; fails with {@link IllegalStateException} if it is missing or damaged. */
  static Lexicon loadBundled() {
    InputStream in = Lexicon.class.getResourceAsStream(RESOURCE);
    if (in == null) {
      throw new IllegalStateException("NER lexicon resource " + RESOURCE + " is missing from the classpath");
    }
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(new GZIPInputStream(in, 1 << 16), StandardCharsets.UTF_8), 1 << 16)) {
      return read(r);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("NER lexicon resource " + RESOURCE + " is unreadable: " + e.getClass().getSimpleName());
    }
  }

  private static Lexicon read(BufferedReader r) throws IOException {
    int plainCap = 1 << 19; // 524288 slots, load factor ~0.36 for the ~188k plain keys shipped
    long[] plain = new long[plainCap];
    int plainShift = 64 - 19;
    int plainCount = 0;
    java.util.List<String> otherKeys = new java.util.ArrayList<>();
    java.util.List<Integer> otherValues = new java.util.ArrayList<>();
    for (String line; (line = r.readLine()) != null; ) {
      int tab = line.indexOf('\t');
      if (tab <= 0 || tab > MAX_LENGTH) {
        throw new IOException("bad line");
      }
      int value = Integer.parseInt(line, tab + 1, line.length(), 10);
      if (value < 0 || value > VALUE_MASK) {
        throw new IOException("flags out of range");
      }
      String key = line.substring(0, tab);
      long code = plainCode(key, 0, tab);
      if (code == 0) {
        otherKeys.add(key);
        otherValues.add(value);
        continue;
      }
      if (++plainCount > plainCap / 2) {
        throw new IOException("too many keys");
      }
      int slot = plainHome(code, plainShift);
      while (plain[slot] != 0 && plain[slot] >>> VALUE_BITS != code) {
        slot = (slot + 1) & (plainCap - 1);
      }
      if (plain[slot] == 0) { // a repeated key keeps its first flags, as in the other table
        plain[slot] = code << VALUE_BITS | value;
      }
    }
    int cap = Integer.highestOneBit(Math.max(512, otherKeys.size())) * 4; // load factor at most 0.5
    long[] table = new long[cap];
    int poolSize = 0;
    for (String k : otherKeys) {
      poolSize += k.length();
    }
    if (poolSize > 1 << OFFSET_BITS) {
      throw new IOException("key pool too large");
    }
    char[] pool = new char[poolSize];
    int used = 0;
    for (int i = 0; i < otherKeys.size(); i++) {
      String key = otherKeys.get(i);
      key.getChars(0, key.length(), pool, used);
      int h = hash(key);
      int slot = h & (cap - 1);
      while (table[slot] != 0) {
        slot = (slot + 1) & (cap - 1);
      }
      table[slot] = tag(h, key.length()) | (long) used << OFFSET_SHIFT | otherValues.get(i);
      used += key.length();
    }
    return new Lexicon(table, pool, plain);
  }

  /**
   * The packed key of {@code text[start, end)} lower-cased ({@link #norm}) if it is plain: 1 to
   * {@link #PLAIN_MAX} chars, each normalised char one of {@code a-z ' -}, packed 5 bits a char ({@link #symbol},
   * never 0), first char highest; otherwise 0. Injective: two texts have the same non-zero code exactly
   * when their normalised chars are the same.
   */
  static long plainCode(CharSequence text, int start, int end) {
    if (end - start > PLAIN_MAX || end <= start) {
      return 0;
    }
    long code = 0;
    for (int i = start; i < end; i++) {
      int sym = symbol(norm(text.charAt(i)));
      if (sym == 0) {
        return 0;
      }
      code = code << 5 | sym;
    }
    return code;
  }

  /** The 5-bit symbol of a normalised char of a plain key: {@code a-z} 1-26, {@code '} 27, {@code -} 28; 0 for any other char. */
  static int symbol(char c) {
    if (c >= 'a' && c <= 'z') {
      return c - ('a' - 1);
    }
    return c == '\'' ? 27 : c == '-' ? 28 : 0;
  }

  private static int plainHome(long code, int shift) {
    return (int) ((code * 0x9E3779B97F4A7C15L) >>> shift);
  }

  /** Flags of the plain key with this non-zero {@link #plainCode}; 0 if absent. */
  int lookupPlain(long code) {
    int m = plainTable.length - 1;
    int slot = plainHome(code, plainShift);
    long stored;
    while ((stored = plainTable[slot]) != 0) {
      if (stored >>> VALUE_BITS == code) {
        return (int) (stored & VALUE_MASK);
      }
      slot = (slot + 1) & m;
    }
    return 0;
  }

  static int hash(CharSequence s) {
    int h = 0;
    for (int i = 0; i < s.length(); i++) {
      h = 31 * h + s.charAt(i);
    }
    return mix(h);
  }

  private static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    return h == 0 ? 1 : h;
  }

  static char norm(char c) {
    return c == '\u2019' ? '\'' : CharClass.toLowerCase(c);
  }

  /** Flags of {@code text[start, end)} compared lower-case; 0 if absent. */
  int lookup(String text, int start, int end) {
    long code = plainCode(text, start, end);
    return code != 0 ? lookupPlain(code) : lookupOther(text, start, end, rawHash(text, start, end));
  }

  /** The unmixed hash of {@code text[start, end)} lower-cased ({@link #norm}), shared with {@link Closed}. */
  static int rawHash(String text, int start, int end) {
    int h = 0;
    for (int i = start; i < end; i++) {
      h = 31 * h + norm(text.charAt(i));
    }
    return h;
  }

  /** {@link #lookup(String, int, int)} with the word's {@link #rawHash}, computed once by the caller. */
  int lookup(String text, int start, int end, int rawHash) {
    long code = plainCode(text, start, end);
    return code != 0 ? lookupPlain(code) : lookupOther(text, start, end, rawHash);
  }

  /**
   * {@link #lookup(String, int, int)} with the word's {@link #rawHash} and {@link #plainCode}, both
   * computed once by the caller (the tokenizer).
   */
  int lookup(String text, int start, int end, int rawHash, long plainCode) {
    return plainCode != 0 ? lookupPlain(plainCode) : lookupOther(text, start, end, rawHash);
  }

  /** {@link #lookup(String, int, int)} of a text that is not plain, in the table of the other keys. */
  private int lookupOther(String text, int start, int end, int rawHash) {
    int len = end - start;
    if (len > MAX_LENGTH) {
      return 0; // no key is that long
    }
    int h = mix(rawHash);
    long tag = tag(h, len);
    int slot = h & mask;
    long stored;
    while ((stored = table[slot]) != 0) {
      if ((stored & TAG_MASK) == tag && same(offset(stored), text, start, end)) {
        return (int) (stored & VALUE_MASK);
      }
      slot = (slot + 1) & mask;
    }
    return 0;
  }

  /**
   * Reads the home slot (and, for a key that is not plain, where its tag matches, the first key character)
   * of each token {@code which[0, count)} ({@code which} null: the tokens {@code 0 .. count-1}), all before
   * any look-up depends on them: the loads are independent, so the CPU overlaps their cache misses instead of
   * waiting for one after the other inside {@link #lookup}. {@code plainCodes[t]} is the token's
   * {@link #plainCode}. Reads only; returns a value that the caller may ignore (it keeps the loads alive).
   */
  long touch(int[] which, int count, int[] starts, int[] ends, int[] rawHashes, long[] plainCodes) {
    long sink = 0;
    for (int w = 0; w < count; w++) {
      int t = which == null ? w : which[w];
      long code = plainCodes[t];
      sink += code != 0 ? plainTable[plainHome(code, plainShift)] : touchOther(rawHashes[t], ends[t] - starts[t]);
    }
    return sink;
  }

  private long touchOther(int rawHash, int length) {
    int h = mix(rawHash);
    long stored = table[h & mask];
    if ((stored & TAG_MASK) == tag(h, length)) {
      return stored + pool[offset(stored)];
    }
    return stored;
  }

  private static int offset(long slot) {
    return (int) (slot >>> OFFSET_SHIFT) & ((1 << OFFSET_BITS) - 1);
  }

  /** Flags of the tokens {@code [from, to)} joined by one space; 0 if absent. */
  int lookup(String text, int[] starts, int[] ends, int from, int to) {
    if (to - from == 1) {
      return lookup(text, starts[from], ends[from]);
    }
    // two or more words: the key has a space, so it is not plain
    int h = 0;
    int len = 0;
    for (int t = from; t < to; t++) {
      if (t > from) {
        h = 31 * h + ' ';
        len++;
      }
      for (int i = starts[t]; i < ends[t]; i++) {
        h = 31 * h + norm(text.charAt(i));
      }
      len += ends[t] - starts[t];
    }
    if (len > MAX_LENGTH) {
      return 0; // no key is that long
    }
    h = mix(h);
    long tag = tag(h, len);
    int slot = h & mask;
    long stored;
    while ((stored = table[slot]) != 0) {
      if ((stored & TAG_MASK) == tag && sameTokens(offset(stored), text, starts, ends, from, to)) {
        return (int) (stored & VALUE_MASK);
      }
      slot = (slot + 1) & mask;
    }
    return 0;
  }

  private boolean same(int at, String text, int start, int end) {
    for (int i = start, j = at; i < end; i++, j++) {
      if (pool[j] != norm(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private boolean sameTokens(int at, String text, int[] starts, int[] ends, int from, int to) {
    int j = at;
    for (int t = from; t < to; t++) {
      if (t > from) {
        if (pool[j++] != ' ') {
          return false;
        }
      }
      if (!same(j, text, starts[t], ends[t])) {
        return false;
      }
      j += ends[t] - starts[t];
    }
    return true;
  }
}
