package io.veil.core.ner;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import java.util.List;

/**
 * Turns the tokens of one text into hashed feature indices for {@link SequenceModel}: {@link #PER_TOKEN}
 * indices per token, each in {@code [0, 2^bits)}. Templates: the word (lower case, digits as 0) and its
 * neighbours within two tokens, word bigrams, word shape and shape bigrams, prefixes and suffixes,
 * capitalisation and position (sentence or line start), gazetteer membership (first-name and surname
 * strength, city/country/region, common English word) of the word and its neighbours, the closed word
 * lists (titles, cue words, legal suffixes, organisation head nouns, function words), whether the text
 * has no capitals at all, and what the rule-based {@link GazetteerNerEngine} says about the token
 * (type, begin/inside, score band). Version 2 adds: suffix with capitalisation, the text's language (given
 * or guessed) with lexicon and capitalisation, the line's capitalisation pattern (lower-case, mixed, Title
 * Case, SHOUTED), the rule layer's finding per language, and for a social-media handle or hashtag
 * ({@code @JaneDoe}, {@code #jane_doe}) the lexicon entry of its body and of its first camel-case or
 * underscore part. Version 3 adds list context ({@link ListContext}): for a word in a list of capitalised
 * words joined by commas or "and"/"or"/"&amp;" ("Kónya, Becker and Vasquez"), a coarse summary of the other items
 * (whether the name lists or the rule layer vouch for one or more of them as names, a company suffix in or
 * after the list, a place among them), with case and with the word's lexicon entry, and the words right
 * before and after the list ("founders: ...", "worked at ...", "... met"), so the model learns how much a
 * known name vouches for the words listed beside it and which governing words make a list of people. Not in
 * German text (given or guessed), where every noun is capitalised.
 *
 * <p>Changing any template changes the meaning of a trained model: bump {@link #VERSION}, which the
 * model file records and checks.
 *
 * <p>Stateless; thread-safe.
 */
final class ModelFeatures {
  /** Version of the feature templates; stored in the model file. */
  static final int VERSION = 4;
  static final int PER_TOKEN = 43;

  private ModelFeatures() {}

  /** Per-token facts computed once per text, shared by all templates. */
  static final class Facts {
    final int n;
    final int[] word;
    final int[] shape;
    final int[] pre2;
    final int[] pre3;
    final int[] suf2;
    final int[] suf3;
    final int[] suf4;
    final int[] lex;
    /** {@code lexSummary(lex[t])}, used by several templates. */
    final int[] lexS;
    final int[] closed;
    final int[] gaz;
    final int[] cap;
    final boolean caseless;
    final boolean[] sentStart;
    /** Capitalisation pattern of the token's line, see {@link #lineCase}. */
    final int[] lineCase;
    /** 0 unknown, 1-5 en, de, es, fr, nl (the language given, else {@link LanguageGuess}). */
    final int lang;
    /** For {@code @handle} / {@code #tag} tokens: kind and lexicon summary of body and first part; else 0. */
    final int[] handle;
    /** List context (version 3), see {@link ListContext}: summary of the other items, words before and after. */
    final int[] listRun;
    final int[] listGov;
    final int[] listNext;
    /** What {@link Lexicon#touch} returned: kept so its loads are not optimised away. */
    final long lexTouched;

    /**
     * @param language the text's language as given to the engine, or null (then it is guessed)
     */
    Facts(ModelTokens tk, Lexicon lexicon, List<Finding> rules, String language) {
      n = tk.size;
      word = new int[n];
      shape = new int[n];
      pre2 = new int[n];
      pre3 = new int[n];
      suf2 = new int[n];
      suf3 = new int[n];
      suf4 = new int[n];
      lex = new int[n];
      lexS = new int[n];
      closed = new int[n];
      gaz = new int[n];
      cap = new int[n];
      sentStart = new boolean[n];
      lineCase = new int[n];
      handle = new int[n];
      String text = tk.text;
      lang = switch (language != null ? language : String.valueOf(LanguageGuess.guess(text))) {
        case "en" -> 1;
        case "de" -> 2;
        case "es" -> 3;
        case "fr" -> 4;
        case "nl" -> 5;
        default -> 0;
      };
      boolean anyUpper = false;
      for (int i = 0; i < text.length() && !anyUpper; i++) {
        anyUpper = CharClass.isUpperCase(text.charAt(i));
      }
      caseless = !anyUpper;
      int[] raws = new int[n];
      long[] codes = new long[n]; // Lexicon.plainCode of each token, from the same pass
      for (int t = 0; t < n; t++) {
        int s = tk.starts[t];
        int e = tk.ends[t];
        // one pass over the token's characters: word, shape, prefix hashes, case counts and the lexicon's
        // raw hash (one hash for both the lexicon and the closed lists, as Tokens does)
        int h = 0x9747b28c;
        int hs = 0x1b873593;
        int raw = 0;
        long code = 0; // -1 once a char has no Lexicon.symbol (then it stays negative: at most 10 shifts)
        char prevClass = 0;
        int upper = 0;
        int lower = 0;
        int digit = 0;
        for (int i = s; i < e; i++) {
          char c = text.charAt(i);
          char lc;
          char cls;
          char norm;
          if (CharClass.isDigit(c)) {
            lc = '0';
            cls = 'd';
            digit++;
            norm = CharClass.toLowerCase(c);
          } else if (CharClass.isUpperCase(c)) {
            lc = CharClass.toLowerCase(c);
            cls = 'X';
            upper++;
            norm = lc;
          } else if (CharClass.isLetter(c)) {
            lc = CharClass.toLowerCase(c);
            cls = 'x';
            lower++;
            norm = lc;
          } else {
            lc = c == '\u2019' ? '\'' : c;
            cls = lc;
            norm = Lexicon.norm(c);
          }
          h = step(h, lc);
          raw = 31 * raw + norm;
          int sym = Lexicon.symbol(norm);
          code = sym == 0 ? -1 : code << 5 | sym;
          if (cls != prevClass) {
            hs = step(hs, cls);
            prevClass = cls;
          }
          int len = i - s + 1;
          if (len == 2) {
            pre2[t] = h;
          } else if (len == 3) {
            pre3[t] = h;
          }
        }
        word[t] = h;
        shape[t] = hs;
        if (e - s < 2) {
          pre2[t] = h;
        }
        if (e - s < 3) {
          pre3[t] = h;
        }
        suf2[t] = suffix(text, s, e, 2);
        suf3[t] = suffix(text, s, e, 3);
        suf4[t] = suffix(text, s, e, 4);
        raws[t] = raw;
        codes[t] = code > 0 && e - s <= Lexicon.PLAIN_MAX ? code : 0;
        char c0 = text.charAt(s);
        cap[t] = digit > 0 && upper + lower == 0 ? 1          // number
            : upper > 0 && lower == 0 && upper > 1 ? 2        // SHOUT
            : CharClass.isUpperCase(c0) ? 3                   // Capitalised
            : lower > 0 ? 4                                   // lower
            : 5;                                              // punctuation, other
        sentStart[t] = t == 0 || tk.lineBefore[t] || tk.sentenceEnd(t - 1)
            || tk.length(t - 1) == 1 && (tk.first(t - 1) == ':' || tk.first(t - 1) == '"');
      }
      // the look-ups after the hashing pass, every home slot touched first: their cache misses overlap
      lexTouched = lexicon.touch(null, n, tk.starts, tk.ends, raws, codes);
      for (int t = 0; t < n; t++) {
        int s = tk.starts[t];
        int e = tk.ends[t];
        int raw = raws[t];
        lex[t] = lexicon.lookup(text, s, e, raw, codes[t]);
        if (codes[t] == 0) { // a plain word has no accented letter
          lex[t] = NameSpellings.withFolded(lexicon, text, s, e, lex[t]);
        }
        lexS[t] = lexSummary(lex[t]);
        char c0 = text.charAt(s);
        if ((c0 == '@' || c0 == '#') && e - s > 2) {
          int partEnd = s + 2;
          while (partEnd < e && text.charAt(partEnd) != '_' && !CharClass.isDigit(text.charAt(partEnd))
              && !(CharClass.isUpperCase(text.charAt(partEnd)) && CharClass.isLowerCase(text.charAt(partEnd - 1)))) {
            partEnd++;
          }
          handle[t] = (c0 == '@' ? 1 : 2) << 16 | lexSummary(lexicon.lookup(text, s + 1, e)) << 8
              | lexSummary(partEnd < e ? lexicon.lookup(text, s + 1, partEnd) : 0);
        }
        closed[t] = Closed.mask(text, s, e, raw, codes[t]);
      }
      lineCases(tk);
      // what the rule layer says, per token: type (1-4) * 8 + begin/inside * 4 + score band (0-2)
      int t = 0;
      for (Finding fd : rules) {
        while (t < n && tk.ends[t] <= fd.start()) {
          t++;
        }
        int type = switch (fd.type().name()) {
          case "PERSON" -> 1;
          case "LOCATION" -> 2;
          case "ORGANIZATION" -> 3;
          default -> 4;
        };
        int band = fd.score() >= 0.75 ? 2 : fd.score() >= 0.5 ? 1 : 0;
        boolean begin = true;
        for (int u = t; u < n && tk.starts[u] < fd.end(); u++) {
          gaz[u] = type * 8 + (begin ? 4 : 0) + band + 1;
          begin = false;
        }
      }
      listRun = new int[n];
      listGov = new int[n];
      listNext = new int[n];
      if (lang != 2) { // German capitalises every noun: a capitalised list says nothing about names there
        ListContext.compute(tk, cap, lexS, gaz, closed, sentStart, word, listRun, listGov, listNext);
      }
    }

    /**
     * Per line: 1 no capitalised word after a sentence start, 2 under 30 % of them capitalised, 3 under
     * 70 %, 4 Title Case, 5 every letter upper case; 0 no word to judge by.
     */
    private void lineCases(ModelTokens tk) {
      int from = 0;
      while (from < n) {
        int to = from + 1;
        while (to < n && !tk.lineBefore[to]) {
          to++;
        }
        int words = 0;
        int capitalised = 0;
        int letterWords = 0;
        int shouted = 0;
        for (int t = from; t < to; t++) {
          if (cap[t] == 1 || cap[t] == 5) {
            continue;
          }
          letterWords++;
          if (cap[t] == 2) {
            shouted++;
          }
          if (!sentStart[t]) {
            words++;
            if (cap[t] != 4) {
              capitalised++;
            }
          }
        }
        int band = words == 0 ? 0
            : shouted > 1 && shouted == letterWords ? 5
            : capitalised == 0 ? 1
            : capitalised * 10 < words * 3 ? 2
            : capitalised * 10 < words * 7 ? 3
            : 4;
        for (int t = from; t < to; t++) {
          lineCase[t] = band;
        }
        from = to;
      }
    }

    private static int suffix(String text, int s, int e, int k) {
      int h = 0x3c6ef372 + k;
      for (int i = Math.max(s, e - k); i < e; i++) {
        char c = text.charAt(i);
        h = step(h, CharClass.isDigit(c) ? '0' : CharClass.toLowerCase(c));
      }
      return h;
    }
  }

  static int step(int h, int c) {
    h ^= c;
    h *= 0x01000193;
    return h ^ (h >>> 13);
  }

  /** murmur3's finaliser over a template id and up to two values. */
  private static int mix(int template, int a, int b) {
    int h = template * 0x9E3779B9 ^ a;
    h = Integer.rotateLeft(h * 0xcc9e2d51, 15) * 0x1b873593 ^ b;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  private static final int PAD_L2 = 0x51ed270b;
  private static final int PAD_L1 = 0x2545f491;
  private static final int PAD_R1 = 0x7f4a7c15;
  private static final int PAD_R2 = 0x6c8e9cf5;

  /** Lexicon summary: first-name band, surname band, place bits, common word. */
  static int lexSummary(int flags) {
    int first = Lexicon.first(flags);
    int last = Lexicon.last(flags);
    return (first == 0 ? 0 : first < 6 ? 1 : first < 10 ? 2 : 3)
        | (last == 0 ? 0 : last < 6 ? 1 : last < 10 ? 2 : 3) << 2
        | (flags & Lexicon.PLACE) >> 8 << 4
        | ((flags & Lexicon.COMMON) != 0 ? 1 << 7 : 0);
  }

  private static final int CUE_BITS = Closed.TITLES | Closed.PERSON_AFTER | Closed.SPEECH | Closed.PLACE_CUES
      | Closed.ORG_OPENERS | Closed.FUNCTION | Closed.PARTICLES;
  private static final int SELF_BITS = Closed.TITLES | Closed.NOT_NAMES | Closed.FUNCTION | Closed.PARTICLES
      | Closed.LEGAL_SUFFIXES | Closed.ORG_HEADS | Closed.NAME_SUFFIXES | Closed.SUFFIXES | Closed.IMPERATIVES;
  private static final int AFTER_BITS = Closed.LEGAL_SUFFIXES | Closed.ORG_HEADS | Closed.NAME_SUFFIXES
      | Closed.PERSON_AFTER | Closed.SPEECH | Closed.SUFFIXES;

  /** The bias feature's hash (template 0), the same for every token. */
  private static final int BIAS = mix(0, 0, 0);

  /**
   * Writes the features of tokens {@code [from, to)} into {@code out} (PER_TOKEN per token, from index 0).
   */
  static void extract(Facts f, int from, int to, int bits, int[] out) {
    int mask = (1 << bits) - 1;
    int o = 0;
    for (int t = from; t < to; t++) {
      token(f, t, mask, out, o);
      o += PER_TOKEN;
    }
  }

  /**
   * Writes the {@link #PER_TOKEN} feature indices of token {@code t} into {@code out[o ...]}: the one
   * definition of the templates, shared by training ({@link #extract}) and analysis
   * ({@link SequenceModel#decode(Facts, int, int, int[], float[])}).
   */
  static void token(Facts f, int t, int mask, int[] out, int o) {
    int n = f.n;
    int[] word = f.word;
    int[] shape = f.shape;
    int[] cap = f.cap;
    int[] gaz = f.gaz;
    int[] lexS = f.lexS;
    boolean left = t >= 1;
    boolean right = t + 1 < n;
    int wl2 = t >= 2 ? word[t - 2] : PAD_L2;
    int wl1 = left ? word[t - 1] : PAD_L1;
    int wr1 = right ? word[t + 1] : PAD_R1;
    int wr2 = t + 2 < n ? word[t + 2] : PAD_R2;
    int sl1 = left ? shape[t - 1] : PAD_L1;
    int sr1 = right ? shape[t + 1] : PAD_R1;
    int w = word[t];
    int s = shape[t];
    int lex = lexS[t];
    int lexL = left ? lexS[t - 1] : 0x100;
    int lexR = right ? lexS[t + 1] : 0x100;
    int cp = cap[t];
    int capL = left ? cap[t - 1] : 0;
    int capR = right ? cap[t + 1] : 0;
    int gz = gaz[t];
    int gzL = left ? gaz[t - 1] : 0;
    int gzR = right ? gaz[t + 1] : 0;
    int start = f.sentStart[t] ? 1 : 0;
    int cl = f.caseless ? 1 : 0;
    int suf3 = f.suf3[t];
    int hd = f.handle[t];
    out[o] = BIAS & mask;
    out[o + 1] = mix(1, w, 0) & mask;
    out[o + 2] = mix(2, wl1, 0) & mask;
    out[o + 3] = mix(3, wr1, 0) & mask;
    out[o + 4] = mix(4, wl2, 0) & mask;
    out[o + 5] = mix(5, wr2, 0) & mask;
    out[o + 6] = mix(6, wl1, w) & mask;
    out[o + 7] = mix(7, w, wr1) & mask;
    out[o + 8] = mix(8, s, 0) & mask;
    out[o + 9] = mix(9, sl1, s) & mask;
    out[o + 10] = mix(10, s, sr1) & mask;
    out[o + 11] = mix(11, f.pre2[t], 0) & mask;
    out[o + 12] = mix(12, f.pre3[t], 0) & mask;
    out[o + 13] = mix(13, f.suf2[t], 0) & mask;
    out[o + 14] = mix(14, suf3, 0) & mask;
    out[o + 15] = mix(15, f.suf4[t], 0) & mask;
    out[o + 16] = mix(16, lex, cp) & mask;
    out[o + 17] = mix(17, lexL, capL) & mask;
    out[o + 18] = mix(18, lexR, capR) & mask;
    out[o + 19] = mix(19, lex, lexR) & mask;
    out[o + 20] = mix(20, lexL, lex) & mask;
    out[o + 21] = mix(21, left ? f.closed[t - 1] & CUE_BITS : -1, cp) & mask;
    out[o + 22] = mix(22, f.closed[t] & SELF_BITS, cp) & mask;
    out[o + 23] = mix(23, right ? f.closed[t + 1] & AFTER_BITS : -1, cp) & mask;
    out[o + 24] = mix(24, start, cp * 16 + lex) & mask;
    out[o + 25] = mix(25, cl, lex * 8 + cp) & mask;
    out[o + 26] = mix(26, wl1, s) & mask;
    out[o + 27] = mix(27, s, wr1) & mask;
    out[o + 28] = mix(28, gz, 0) & mask;
    out[o + 29] = mix(29, gzL, gz) & mask;
    out[o + 30] = mix(30, gz, gzR) & mask;
    out[o + 31] = mix(31, gz, cp * 2 + start) & mask;
    out[o + 32] = mix(32, capL * 8 + cp, capR) & mask;
    out[o + 33] = mix(33, cl, w) & mask;
    out[o + 34] = mix(34, suf3, cp) & mask;
    out[o + 35] = mix(35, f.lang, lex * 8 + cp) & mask;
    out[o + 36] = mix(36, f.lineCase[t], cp * 2 + start) & mask;
    out[o + 37] = mix(37, f.lang, gz * 2 + start) & mask;
    out[o + 38] = mix(38, hd, hd == 0 ? 0 : cp) & mask;
    int list = ListContext.coarse(f.listRun[t]);
    out[o + 39] = mix(39, list, cp) & mask;
    out[o + 40] = mix(40, list, lex) & mask;
    out[o + 41] = mix(41, f.listGov[t], list == 0 ? 0 : cp) & mask;
    out[o + 42] = mix(42, f.listNext[t], list == 0 ? 0 : cp) & mask;
  }

  /** The entity types the model labels, in tag order: tag 0 is O, then B-x, I-x for each. */
  static final EntityType[] TYPES = {EntityType.PERSON, EntityType.LOCATION, EntityType.ORGANIZATION};
}
