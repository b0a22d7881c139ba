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
 * of {@code FIRST}/{@code LAST} strengths and place/common-word flags. An open-addressing table over a
 * {@code String[]} and an {@code int[]}; lookups hash the text's characters in place, so they allocate
 * nothing.
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

  /** Per slot: the key's full hash (0 = empty slot; real hashes are forced non-zero). */
  private final int[] hashes;
  /** Per slot: offset of the key in {@link #pool}, and its length in the low 8 bits (offset << 8 | length). */
  private final long[] keyRefs;
  private final int[] values;
  /** All keys, one after another. */
  private final char[] pool;
  private final int mask;

  private Lexicon(int[] hashes, long[] keyRefs, int[] values, char[] pool) {
    this.hashes = hashes;
    this.keyRefs = keyRefs;
    this.values = values;
    this.pool = pool;
    this.mask = hashes.length - 1;
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
    int[] hashes = new int[cap];
    long[] refs = new long[cap];
    int[] values = new int[cap];
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
      while (hashes[slot] != 0) {
        slot = (slot + 1) & (cap - 1);
      }
      hashes[slot] = h;
      refs[slot] = ((long) used << 8) | tab;
      values[slot] = value;
      used += tab;
    }
    return new Lexicon(hashes, refs, values, java.util.Arrays.copyOf(pool, used));
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
    int h = 0;
    for (int i = start; i < end; i++) {
      h = 31 * h + norm(text.charAt(i));
    }
    h = mix(h);
    int slot = h & mask;
    int stored;
    while ((stored = hashes[slot]) != 0) {
      if (stored == h) {
        long ref = keyRefs[slot];
        if ((int) (ref & 0xFF) == end - start && same((int) (ref >>> 8), text, start, end)) {
          return values[slot];
        }
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
    while ((stored = hashes[slot]) != 0) {
      if (stored == h) {
        long ref = keyRefs[slot];
        if ((int) (ref & 0xFF) == len && sameTokens((int) (ref >>> 8), text, starts, ends, from, to)) {
          return values[slot];
        }
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
