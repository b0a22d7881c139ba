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
 * of {@code FIRST}/{@code LAST} strengths and place/common-word flags. An open-addressing table whose
 * slots (hash bits, key offset, key length, flags) are packed into one {@code long}, so a probe touches one
 * cache line of a 4 MB table and a hit one more (the key characters in the pool); lookups hash the text's characters in
 * place, so they allocate nothing. (One array per field cost a cache miss per field on every lookup, the
 * largest single cost of the tokenizer.)
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
   * One long per slot (0 = empty):
   *   bits 63..43  the upper 21 bits of the key's mixed hash (its lower bits chose the home slot),
   *   bits 42..21  the key's offset in {@link #pool},
   *   bits 20..13  the key's length (keys are at most 255 chars),
   *   bits 12..0   the key's flags.
   * A probe compares hash bits and length in one masked compare and reads the pool only then; half the
   * bytes of the former four-int slot, so the 2^19-slot table takes 4 MB of cache instead of 8 MB.
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
  private final long[] table;
  /** All keys, one after another. */
  private final char[] pool;
  /** Number of slots minus one. */
  private final int mask;
  /**
   * Per {@link Closed} slot: this lexicon's flags of the key there ({@link #closedFlags}); {@link #UNKNOWN}
   * for an empty slot or a key that is not its own {@link #norm normal form} (no word's look-up can be
   * answered from it).
   */
  private final int[] closedFlags;
  /** {@link #closedFlags} of a slot whose flags must be looked up in the table. */
  static final int UNKNOWN = -1;

  private Lexicon(long[] table, char[] pool) {
    this.table = table;
    this.pool = pool;
    this.mask = table.length - 1;
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
    int cap = 1 << 19; // 524288 slots, load factor ~0.4 for the ~215k keys shipped
    long[] table = new long[cap];
    char[] pool = new char[1 << 22];
    int used = 0;
    int count = 0;
    for (String line; (line = r.readLine()) != null; ) {
      int tab = line.indexOf('\t');
      if (tab <= 0 || tab > MAX_LENGTH) {
        throw new IOException("bad line");
      }
      int value = Integer.parseInt(line, tab + 1, line.length(), 10);
      if (value < 0 || value > VALUE_MASK) {
        throw new IOException("flags out of range");
      }
      if (++count > cap / 2) {
        throw new IOException("too many keys");
      }
      if (used + tab > 1 << OFFSET_BITS) {
        throw new IOException("key pool too large");
      }
      if (used + tab > pool.length) {
        pool = java.util.Arrays.copyOf(pool, pool.length * 2);
      }
      line.getChars(0, tab, pool, used);
      int h = hash(line.substring(0, tab));
      int slot = h & (cap - 1);
      while (table[slot] != 0) {
        slot = (slot + 1) & (cap - 1);
      }
      table[slot] = tag(h, tab) | (long) used << OFFSET_SHIFT | value;
      used += tab;
    }
    return new Lexicon(table, java.util.Arrays.copyOf(pool, used));
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
    return lookup(text, start, end, rawHash(text, start, end));
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
   * Reads the home slot (and, where its tag matches, the first key character) of each token
   * {@code t < size} with {@code kind[t] == wordKind} (every token if {@code kind} is null), all before any probe depends on them: the loads are
   * independent, so the CPU overlaps their cache misses instead of waiting for one after the other inside
   * {@link #lookup}. Reads only; returns a value that the caller may ignore (it keeps the loads alive).
   */
  long touch(int[] starts, int[] ends, int[] rawHashes, byte[] kind, byte wordKind, int size) {
    return touch(starts, ends, rawHashes, kind, wordKind, size, null);
  }

  /**
   * {@link #touch(int[], int[], int[], byte[], byte, int)} of the word tokens ({@code kind[t] == wordKind})
   * whose {@code skip[t]} is 0 (the others' flags come from elsewhere, {@link #closedFlags}); a null
   * {@code kind} or {@code skip} does not filter.
   */
  long touch(int[] starts, int[] ends, int[] rawHashes, byte[] kind, byte wordKind, int size, int[] skip) {
    long sink = 0;
    for (int t = 0; t < size; t++) {
      if ((kind == null || kind[t] == wordKind) && (skip == null || skip[t] == 0)) {
        int h = mix(rawHashes[t]);
        long stored = table[h & mask];
        sink += stored;
        if ((stored & TAG_MASK) == tag(h, ends[t] - starts[t])) {
          sink += pool[offset(stored)];
        }
      }
    }
    return sink;
  }

  private static int offset(long slot) {
    return (int) (slot >>> OFFSET_SHIFT) & ((1 << OFFSET_BITS) - 1);
  }

  /** Flags of the tokens {@code [from, to)} joined by one space; 0 if absent. */
  int lookup(String text, int[] starts, int[] ends, int from, int to) {
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
