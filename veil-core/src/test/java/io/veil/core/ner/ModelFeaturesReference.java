package io.veil.core.ner;

import io.veil.core.Finding;
import java.util.List;

/**
 * The feature extraction of {@link ModelFeatures} as it was before it was made faster (main at
 * c38da1b), kept verbatim as the reference the fast path must match bit for bit: the shipped model was
 * trained on exactly these values. Test-only; do not "fix" it, it is the specification.
 *
 * <p>Version 3 appended templates 39-41 (list context): here they come from {@link ListContext} over this
 * class's own per-token arrays, so the fast path's arrays must feed it the same values; {@code ListContextTest}
 * specifies {@link ListContext} itself.
 */
final class ModelFeaturesReference {
  /** Version of the feature templates; stored in the model file. */
  static final int PER_TOKEN = 43;

  private ModelFeaturesReference() {}

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
        anyUpper = Character.isUpperCase(text.charAt(i));
      }
      caseless = !anyUpper;
      for (int t = 0; t < n; t++) {
        int s = tk.starts[t];
        int e = tk.ends[t];
        int h = 0x9747b28c;
        int hs = 0x1b873593;
        char prevClass = 0;
        int upper = 0;
        int lower = 0;
        int digit = 0;
        for (int i = s; i < e; i++) {
          char c = text.charAt(i);
          char lc;
          char cls;
          if (Character.isDigit(c)) {
            lc = '0';
            cls = 'd';
            digit++;
          } else if (Character.isUpperCase(c)) {
            lc = Character.toLowerCase(c);
            cls = 'X';
            upper++;
          } else if (Character.isLetter(c)) {
            lc = Character.toLowerCase(c);
            cls = 'x';
            lower++;
          } else {
            lc = c == '\u2019' ? '\'' : c;
            cls = lc;
          }
          h = step(h, lc);
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
        lex[t] = lexicon.lookup(text, s, e);
        if (Lexicon.plainCode(text, s, e) == 0) {
          lex[t] = NameSpellings.withFolded(lexicon, text, s, e, lex[t]);
        }
        char c0 = text.charAt(s);
        if ((c0 == '@' || c0 == '#') && e - s > 2) {
          int partEnd = s + 2;
          while (partEnd < e && text.charAt(partEnd) != '_' && !Character.isDigit(text.charAt(partEnd))
              && !(Character.isUpperCase(text.charAt(partEnd)) && Character.isLowerCase(text.charAt(partEnd - 1)))) {
            partEnd++;
          }
          handle[t] = (c0 == '@' ? 1 : 2) << 16 | lexSummary(lexicon.lookup(text, s + 1, e)) << 8
              | lexSummary(partEnd < e ? lexicon.lookup(text, s + 1, partEnd) : 0);
        }
        closed[t] = Closed.mask(text, s, e);
        char f = text.charAt(s);
        cap[t] = digit > 0 && upper + lower == 0 ? 1          // number
            : upper > 0 && lower == 0 && upper > 1 ? 2        // SHOUT
            : Character.isUpperCase(f) ? 3                    // Capitalised
            : lower > 0 ? 4                                   // lower
            : 5;                                              // punctuation, other
        sentStart[t] = t == 0 || tk.lineBefore[t] || tk.sentenceEnd(t - 1)
            || tk.length(t - 1) == 1 && (tk.first(t - 1) == ':' || tk.first(t - 1) == '"');
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
      int[] lexS = new int[n];
      for (int u = 0; u < n; u++) {
        lexS[u] = lexSummary(lex[u]);
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
        h = step(h, Character.isDigit(c) ? '0' : Character.toLowerCase(c));
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
  private static int lexSummary(int flags) {
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

  /**
   * Writes the features of tokens {@code [from, to)} into {@code out} (PER_TOKEN per token, from index 0).
   */
  static void extract(Facts f, int from, int to, int bits, int[] out) {
    int mask = (1 << bits) - 1;
    int n = f.n;
    int o = 0;
    for (int t = from; t < to; t++) {
      int wl2 = t >= 2 ? f.word[t - 2] : PAD_L2;
      int wl1 = t >= 1 ? f.word[t - 1] : PAD_L1;
      int wr1 = t + 1 < n ? f.word[t + 1] : PAD_R1;
      int wr2 = t + 2 < n ? f.word[t + 2] : PAD_R2;
      int sl1 = t >= 1 ? f.shape[t - 1] : PAD_L1;
      int sr1 = t + 1 < n ? f.shape[t + 1] : PAD_R1;
      int w = f.word[t];
      int s = f.shape[t];
      int lex = lexSummary(f.lex[t]);
      int lexL = t >= 1 ? lexSummary(f.lex[t - 1]) : 0x100;
      int lexR = t + 1 < n ? lexSummary(f.lex[t + 1]) : 0x100;
      int cap = f.cap[t];
      int capL = t >= 1 ? f.cap[t - 1] : 0;
      int capR = t + 1 < n ? f.cap[t + 1] : 0;
      int gz = f.gaz[t];
      int gzL = t >= 1 ? f.gaz[t - 1] : 0;
      int gzR = t + 1 < n ? f.gaz[t + 1] : 0;
      int start = f.sentStart[t] ? 1 : 0;
      int cl = f.caseless ? 1 : 0;
      out[o++] = mix(0, 0, 0) & mask;                       // bias
      out[o++] = mix(1, w, 0) & mask;
      out[o++] = mix(2, wl1, 0) & mask;
      out[o++] = mix(3, wr1, 0) & mask;
      out[o++] = mix(4, wl2, 0) & mask;
      out[o++] = mix(5, wr2, 0) & mask;
      out[o++] = mix(6, wl1, w) & mask;
      out[o++] = mix(7, w, wr1) & mask;
      out[o++] = mix(8, s, 0) & mask;
      out[o++] = mix(9, sl1, s) & mask;
      out[o++] = mix(10, s, sr1) & mask;
      out[o++] = mix(11, f.pre2[t], 0) & mask;
      out[o++] = mix(12, f.pre3[t], 0) & mask;
      out[o++] = mix(13, f.suf2[t], 0) & mask;
      out[o++] = mix(14, f.suf3[t], 0) & mask;
      out[o++] = mix(15, f.suf4[t], 0) & mask;
      out[o++] = mix(16, lex, cap) & mask;
      out[o++] = mix(17, lexL, capL) & mask;
      out[o++] = mix(18, lexR, capR) & mask;
      out[o++] = mix(19, lex, lexR) & mask;
      out[o++] = mix(20, lexL, lex) & mask;
      out[o++] = mix(21, t >= 1 ? f.closed[t - 1] & CUE_BITS : -1, cap) & mask;
      out[o++] = mix(22, f.closed[t] & SELF_BITS, cap) & mask;
      out[o++] = mix(23, t + 1 < n ? f.closed[t + 1] & AFTER_BITS : -1, cap) & mask;
      out[o++] = mix(24, start, cap * 16 + lex) & mask;
      out[o++] = mix(25, cl, lex * 8 + cap) & mask;
      out[o++] = mix(26, wl1, s) & mask;
      out[o++] = mix(27, s, wr1) & mask;
      out[o++] = mix(28, gz, 0) & mask;
      out[o++] = mix(29, gzL, gz) & mask;
      out[o++] = mix(30, gz, gzR) & mask;
      out[o++] = mix(31, gz, cap * 2 + start) & mask;
      out[o++] = mix(32, capL * 8 + cap, capR) & mask;
      out[o++] = mix(33, cl, w) & mask;
      out[o++] = mix(34, f.suf3[t], cap) & mask;
      out[o++] = mix(35, f.lang, lex * 8 + cap) & mask;
      out[o++] = mix(36, f.lineCase[t], cap * 2 + start) & mask;
      out[o++] = mix(37, f.lang, gz * 2 + start) & mask;
      out[o++] = mix(38, f.handle[t], f.handle[t] == 0 ? 0 : cap) & mask;
      out[o++] = mix(39, ListContext.coarse(f.listRun[t]), cap) & mask;
      out[o++] = mix(40, ListContext.coarse(f.listRun[t]), lex) & mask;
      out[o++] = mix(41, f.listGov[t], f.listRun[t] == 0 ? 0 : cap) & mask;
      out[o++] = mix(42, f.listNext[t], f.listRun[t] == 0 ? 0 : cap) & mask;
    }
  }

}
