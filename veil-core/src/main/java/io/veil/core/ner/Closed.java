package io.veil.core.ner;

import java.util.Set;

/**
 * The closed word lists of {@link Words} and {@link AddressScanner} as one small char-keyed table:
 * {@link #mask} returns, without allocating, a bit per list the token belongs to. Immutable.
 */
final class Closed {
  static final int TITLES = 1;
  static final int NOT_NAMES = 1 << 1;
  static final int FUNCTION = 1 << 2;
  static final int PARTICLES = 1 << 3;
  static final int NAME_SUFFIXES = 1 << 4;
  static final int LEGAL_SUFFIXES = 1 << 5;
  static final int ORG_HEADS = 1 << 6;
  static final int ORG_OPENERS = 1 << 7;
  static final int PERSON_AFTER = 1 << 8;
  static final int SPEECH = 1 << 9;
  static final int PLACE_CUES = 1 << 10;
  static final int SUFFIXES = 1 << 11;
  static final int FULL_SUFFIXES = 1 << 12;
  static final int PREFIXES = 1 << 13;
  static final int UNITS = 1 << 14;
  static final int LOWER_STARTS = 1 << 15;
  static final int GERMAN_FUNCTION = 1 << 16;
  static final int ENGLISH_FUNCTION = 1 << 17;
  static final int IMPERATIVES = 1 << 18;
  /** Last words of the person, organization and place cue phrases (only those {@link #plain}). */
  static final int CUE_LAST = 1 << 19;
  /** Every cue phrase's last word is punctuation or {@link #plain}, so {@link #CUE_LAST} lists all word ones. */
  static final boolean CUE_LASTS_ALL_PLAIN;

  /**
   * Slots of the table ({@link #slot}). A key with a {@link #CODES code} has its home slot from that code
   * ({@link #codeHome}), any other key from its {@link Lexicon#rawHash}: a plain word is found from its code
   * alone, so the tokenizer need not hash the characters of a plain word (most words) at all.
   */
  static final int SIZE = 1 << 12;
  private static final int SIZE_BITS = Integer.numberOfTrailingZeros(SIZE);
  private static final String[] KEYS = new String[SIZE];
  private static final int[] MASKS = new int[SIZE];
  /** {@link Lexicon#rawHash} of each key: a probe reads a key's characters only when this matches. */
  private static final int[] RAW_HASHES = new int[SIZE];
  /** Each key's chars (the probe of {@link #slot(char[], int, int, int)} compares arrays). */
  private static final char[][] KEY_CHARS = new char[SIZE][];
  /**
   * Each key's {@link Lexicon#plainCode} if its chars as they are ({@link Lexicon#symbol}, not lower-cased)
   * make one, else 0: a plain word matches the key exactly when the codes are equal
   * ({@link #slot(long, int)}).
   */
  private static final long[] CODES = new long[SIZE];

  static {
    add(Words.TITLES, TITLES);
    add(Words.NOT_NAMES, NOT_NAMES);
    add(Words.FUNCTION, FUNCTION);
    add(Words.PARTICLES, PARTICLES);
    add(Words.NAME_SUFFIXES, NAME_SUFFIXES);
    add(Words.LEGAL_SUFFIXES, LEGAL_SUFFIXES);
    add(Words.ORG_HEADS, ORG_HEADS);
    add(Words.ORG_OPENERS, ORG_OPENERS);
    add(Words.PERSON_AFTER, PERSON_AFTER);
    add(Words.SPEECH, SPEECH);
    add(Words.PLACE_CUES, PLACE_CUES);
    add(AddressScanner.SUFFIXES, SUFFIXES);
    add(AddressScanner.FULL_SUFFIXES, FULL_SUFFIXES);
    add(AddressScanner.PREFIXES, PREFIXES);
    add(AddressScanner.UNITS, UNITS);
    add(AddressScanner.LOWER_STARTS, LOWER_STARTS);
    add(Words.GERMAN_FUNCTION, GERMAN_FUNCTION);
    add(Words.ENGLISH_FUNCTION, ENGLISH_FUNCTION);
    add(Words.IMPERATIVES, IMPERATIVES);
    java.util.Set<String> cueLasts = new java.util.HashSet<>();
    boolean allPlain = true;
    for (String[][] cues : new String[][][] {Words.PERSON_CUES, Words.ORG_CUES, Words.PLACE_PHRASES}) {
      for (String[] cue : cues) {
        String last = cue[cue.length - 1];
        if (last.length() == 1 && !Character.isLetterOrDigit(last.charAt(0))) {
          continue; // punctuation: matched as a punctuation token, never through this table
        }
        if (plain(last)) {
          cueLasts.add(last);
        } else {
          allPlain = false;
        }
      }
    }
    add(cueLasts, CUE_LAST);
    CUE_LASTS_ALL_PLAIN = allPlain;
  }

  /**
   * 1 to 16 chars, each {@code a-z} or {@code '}: a word token whose {@code toLowerCase(Locale.ROOT)} (with
   * {@code \u2019} as {@code '}) equals such a key has exactly these {@link Lexicon#norm normalised} chars, so
   * {@link #mask} finds it (String lower-casing and {@code Character.toLowerCase} agree wherever the result is
   * ASCII, and no longer token can lower-case to it).
   */
  static boolean plain(String w) {
    if (w.isEmpty() || w.length() > 16) {
      return false;
    }
    for (int i = 0; i < w.length(); i++) {
      char c = w.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c == '\'')) {
        return false;
      }
    }
    return true;
  }

  private Closed() {}

  private static void add(Set<String> words, int bit) {
    for (String w : words) {
      long code = codeAsIs(w);
      int slot = code != 0 ? codeHome(code) : hash(w, 0, w.length()) & (SIZE - 1);
      while (KEYS[slot] != null && !KEYS[slot].equals(w)) {
        slot = (slot + 1) & (SIZE - 1);
      }
      KEYS[slot] = w;
      KEY_CHARS[slot] = w.toCharArray();
      MASKS[slot] |= bit;
      RAW_HASHES[slot] = rawHash(w);
      CODES[slot] = code;
    }
  }

  /** The key's chars as they are: a text that matches has exactly these normalised chars, so this hash. */
  private static int rawHash(String w) {
    int h = 0;
    for (int i = 0; i < w.length(); i++) {
      h = 31 * h + w.charAt(i);
    }
    return h;
  }

  /** {@link Lexicon#plainCode} of {@code w} from its chars as they are; 0 if one has no symbol (an upper-case letter, say). */
  private static long codeAsIs(String w) {
    if (w.isEmpty() || w.length() > Lexicon.PLAIN_MAX) {
      return 0;
    }
    long code = 0;
    for (int i = 0; i < w.length(); i++) {
      int sym = Lexicon.symbol(w.charAt(i));
      if (sym == 0) {
        return 0;
      }
      code = code << 5 | sym;
    }
    return code;
  }

  /** The home slot of a key or word with this non-zero {@link Lexicon#plainCode}. */
  private static int codeHome(long code) {
    return (int) ((code * 0x9E3779B97F4A7C15L) >>> (64 - SIZE_BITS));
  }

  private static int hash(CharSequence s, int from, int to) {
    int h = 0;
    for (int i = from; i < to; i++) {
      h = 31 * h + Lexicon.norm(s.charAt(i));
    }
    return h ^ (h >>> 15);
  }

  /** The lists {@code text[start, end)} (compared lower-case) belongs to; 0 for none. */
  static int mask(String text, int start, int end) {
    if (end - start > 16) {
      return 0;
    }
    return mask(text, start, end, Lexicon.rawHash(text, start, end));
  }

  /**
   * {@link #mask(String, int, int)} with the word's {@link Lexicon#rawHash} and its {@link Lexicon#plainCode},
   * both computed once by the caller; a code of 0 is computed again here (so only a non-zero code must be exact).
   */
  static int mask(String text, int start, int end, int rawHash, long plainCode) {
    if (plainCode != 0) {
      int slot = slot(plainCode);
      return slot < 0 ? 0 : MASKS[slot];
    }
    return mask(text, start, end, rawHash);
  }

  /** {@link #mask(String, int, int)} with the word's {@link Lexicon#rawHash}, computed once by the caller. */
  static int mask(String text, int start, int end, int rawHash) {
    int slot = slot(text, start, end, rawHash);
    return slot < 0 ? 0 : MASKS[slot];
  }

  /**
   * The slot of the key {@code text[start, end)} (compared lower-case, {@link Lexicon#norm}) in this table,
   * or -1 if the word is in no list; {@code rawHash} is its {@link Lexicon#rawHash}. A word found here has
   * exactly the normalised characters of {@link #keyAt}{@code (slot)}, so anything that depends only on
   * those characters (its {@link Lexicon} flags) can be computed once per slot.
   */
  static int slot(String text, int start, int end, int rawHash) {
    if (end - start > 16) {
      return -1;
    }
    long code = Lexicon.plainCode(text, start, end);
    if (code != 0) {
      return slot(code);
    }
    int slot = (rawHash ^ (rawHash >>> 15)) & (SIZE - 1);
    String k;
    while ((k = KEYS[slot]) != null) {
      if (RAW_HASHES[slot] == rawHash && k.length() == end - start && same(k, text, start)) {
        return slot;
      }
      slot = (slot + 1) & (SIZE - 1);
    }
    return -1;
  }

  /**
   * {@link #slot(String, int, int, int)} of the word {@code chars[start, end)}, which must not be plain
   * ({@link Lexicon#plainCode} 0: the tokenizer knows): a plain word is looked up by {@link #slot(long)}.
   */
  static int slotNotPlain(char[] chars, int start, int end, int rawHash) {
    int len = end - start;
    if (len > 16) {
      return -1;
    }
    int slot = (rawHash ^ (rawHash >>> 15)) & (SIZE - 1);
    char[] k;
    while ((k = KEY_CHARS[slot]) != null) {
      if (RAW_HASHES[slot] == rawHash && k.length == len && same(k, chars, start)) {
        return slot;
      }
      slot = (slot + 1) & (SIZE - 1);
    }
    return -1;
  }

  /**
   * {@link #slot(String, int, int, int)} of a plain word, from its {@link Lexicon#plainCode} (non-zero)
   * alone: probed from {@link #codeHome}, a key matched by one compare of its code (a key matches exactly
   * when its chars are the word's normalised chars, and for a plain word that is exactly when the codes are
   * equal; a key without a code is never equal to a plain word).
   */
  static int slot(long plainCode) {
    int slot = codeHome(plainCode);
    while (MASKS[slot] != 0) { // every key is in at least one list
      if (CODES[slot] == plainCode) {
        return slot;
      }
      slot = (slot + 1) & (SIZE - 1);
    }
    return -1;
  }

  private static boolean same(char[] k, char[] chars, int start) {
    for (int i = 0; i < k.length; i++) {
      if (k[i] != Lexicon.norm(chars[start + i])) {
        return false;
      }
    }
    return true;
  }

  /** The lists of the key in {@code slot} (a value {@link #slot} returned). */
  static int maskAt(int slot) {
    return MASKS[slot];
  }

  /** The key in {@code slot}, or null for an empty slot. */
  static String keyAt(int slot) {
    return KEYS[slot];
  }

  private static boolean same(String k, String text, int start) {
    for (int i = 0; i < k.length(); i++) {
      if (k.charAt(i) != Lexicon.norm(text.charAt(start + i))) {
        return false;
      }
    }
    return true;
  }
}
