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
 * slots (hash, flags, key offset, key length) lie side by side in one {@code int[]}, so a probe touches one
 * cache line and a hit one more (the key characters in the pool); lookups hash the text's characters in
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

  /** Ints per slot in {@link #table}. */
  private static final int SLOT = 4;
  /** Offsets within a slot: the key's full hash (0 = empty slot; real hashes are forced non-zero), */
  private static final int HASH = 0;
  /** the key's flags, */
  private static final int VALUE = 1;
  /** the key's offset in {@link #pool} */
  private static final int OFFSET = 2;
  /** and the key's length. */
  private static final int LENGTH = 3;
  private final int[] table;
  /** All keys, one after another. */
  private final char[] pool;
  /** Number of slots minus one. */
  private final int mask;

  private Lexicon(int[] table, char[] pool) {
    this.table = table;
    this.pool = pool;
    this.mask = table.length / SLOT - 1;
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
    int[] table = new int[cap * SLOT];
    char[] pool = new char[1 << 22];
    int used = 0;
    int count = 0;
    for (String line; (line = r.readLine()) != null; ) {
      int tab = line.indexOf('\t');
      if (tab <= 0 || tab > 255) {
        throw new IOException("bad line");
      }
      int value = Integer.parseInt(line, tab + 1, line.length(), 10);
      if (++count > cap / 2) {
        throw new IOException("too many keys");
      }
      if (used + tab > pool.length) {
        pool = java.util.Arrays.copyOf(pool, pool.length * 2);
      }
      line.getChars(0, tab, pool, used);
      int h = hash(line.substring(0, tab));
      int slot = h & (cap - 1);
      while (table[slot * SLOT + HASH] != 0) {
        slot = (slot + 1) & (cap - 1);
      }
      table[slot * SLOT + HASH] = h;
      table[slot * SLOT + VALUE] = value;
      table[slot * SLOT + OFFSET] = used;
      table[slot * SLOT + LENGTH] = tab;
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
    int h = mix(rawHash);
    int slot = h & mask;
    int stored;
    while ((stored = table[slot * SLOT + HASH]) != 0) {
      if (stored == h && table[slot * SLOT + LENGTH] == end - start
          && same(table[slot * SLOT + OFFSET], text, start, end)) {
        return table[slot * SLOT + VALUE];
      }
      slot = (slot + 1) & mask;
    }
    return 0;
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
    h = mix(h);
    int slot = h & mask;
    int stored;
    while ((stored = table[slot * SLOT + HASH]) != 0) {
      if (stored == h && table[slot * SLOT + LENGTH] == len
          && sameTokens(table[slot * SLOT + OFFSET], text, starts, ends, from, to)) {
        return table[slot * SLOT + VALUE];
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
