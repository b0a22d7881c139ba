package io.veil.core.ner;

import io.veil.core.DetectionText;
import io.veil.core.EntityType;
import io.veil.core.Finding;
import java.util.ArrayList;
import java.util.List;

/**
 * Document-level label consistency for names: once a text holds a sure PERSON finding ("Dear Ms. Jane Okafor"),
 * a mention of the same name or of one of its parts standing alone elsewhere in the text ("Okafor's account",
 * "thanks, Jane", "OKAFOR") is the same person and is reported too, with the seed's score. Each mention used to be
 * scored on its own, so a surname alone with no cue went to the provider in clear beside the placeholder of the
 * full name.
 *
 * <p>The rules (about the kind of text, not about examples):
 * <ul>
 *   <li><b>Seeds</b>: PERSON findings scored at least {@value #MIN_SEED} (the default threshold) that hold at
 *   least two name words ("Jane Okafor"), or one name word scored at least {@value #SINGLE_SEED} (a name the
 *   rule layer supports: a title or cue, a known name). Not a handle or hashtag.</li>
 *   <li><b>Parts</b>: every word of a seed of at least three letters that is on no closed list ({@link Closed}:
 *   titles, particles, function words, suffixes, cues), is not an all-capitals word inside a seed with small
 *   letters (an acronym), and is not known to the lexicon only as a place. A possessive {@code 's} is not part of
 *   the word.</li>
 *   <li><b>Conflicts</b>: a part that is written (whole word, any case) inside a LOCATION, ORGANIZATION or ADDRESS
 *   finding of the same text is not propagated at all ("Jordan" the country beside "Michael Jordan"); a mention of
 *   a part that the lexicon knows as a place is refused right after a place cue ("in Washington").</li>
 *   <li><b>Case</b>: in a text with capitals the mention starts with a capital, and a part that the text also
 *   writes in lower case is a common noun of its language, not a name ("el Servicio" and "el servicio"); in a text
 *   with no capitals (lower-cased chat) any case. Outside English, where the lists know no common words, a
 *   sentence's first word (except in German) or a word in a text with no capitals must be a well-known name
 *   ({@value #KNOWN_NAME}). A part that is also a common English word ("Baker", "Young") is propagated only in cased
 *   text, capitalised, and not at the start of a sentence or line.</li>
 *   <li><b>Whole words only</b>: no letter, digit, {@code @ # _ / \ - .} joined to either side (so never part of an
 *   e-mail address, URL, handle, path or compound); a possessive {@code 's} after it stays outside the finding;
 *   in German text a genitive {@code -s} is part of it ("Luthers").</li>
 *   <li>A mention never overlaps a finding of the engine scored at least {@value #MIN_SEED}; an unsure one (under
 *   {@value #MIN_SEED}, which the default threshold drops: the model's "common word at a sentence start") that it
 *   overlaps gives way to it. Two mentions one space apart are one finding ("JANE OKAFOR" again). What other
 *   recognizers claimed is left to the {@link io.veil.core.Analyzer}'s overlap rule.</li>
 * </ul>
 *
 * <p>Only adds, or drops an unsure finding in favour of a mention: a finding scored at least {@value #MIN_SEED} is
 * returned unchanged, in place. Cost: a few {@link String#indexOf(int, int)} calls per seed word decide whether a
 * seed word comes again outside the sure findings ({@link #repeated}); only then are the parts built (at most
 * {@value #MAX_PARTS}, hashed once) and their mentions sought, with one {@code indexOf} pass per distinct first
 * letter, and one per candidate's part for a lower-case use. Nothing is allocated for a text without a repeated
 * seed word.
 *
 * <p>Thread safety: stateless.
 */
final class NameMentions {
  /** The lowest score of a seed: the default reporting threshold. */
  static final double MIN_SEED = 0.5;
  /** The lowest score of a one-word seed. */
  static final double SINGLE_SEED = 0.9;
  /** {@link ModelFeatures.Facts#lang} of English and German. */
  static final int ENGLISH = 1;
  static final int GERMAN = 2;
  /** A language other than English and German (the codes from 3 up). */
  static final int OTHER = 3;
  /**
   * Not guessed yet: {@link #apply(String, List, Parts, int, String)} guesses the text's language
   * ({@link #guessedLanguageCode}) only when a candidate mention needs it, which most texts of a request never have.
   */
  static final int UNGUESSED = -1;
  /**
   * Name band (log scale, 15 = most frequent) from which the name lists know a word as a name well enough where case
   * says nothing ("dat" and "que" have faint first-name bands from rare names).
   */
  static final int KNOWN_NAME = 9;
  /** Shortest part that propagates. */
  static final int MIN_PART = 3;
  /** At most this many parts (bounded work in a text with many names). */
  static final int MAX_PARTS = 64;

  private NameMentions() {}

  /**
   * {@code findings} (sorted by start, not overlapping: an engine's resolved output) with the mentions of its
   * seeds' parts added, sorted by start. Returns {@code findings} itself when nothing is added.
   *
   * @param lang the text's language as {@link ModelFeatures.Facts#lang} codes it (0 unknown, 1 English, 2 German,
   *     3-5 Spanish, French, Dutch)
   */
  static List<Finding> apply(String text, List<Finding> findings, int lang, String recognizer) {
    boolean repeated = false;
    for (int k = 0; k < findings.size() && !repeated; k++) {
      repeated = seed(text, findings.get(k)) && repeated(text, findings.get(k), findings);
    }
    if (!repeated) {
      return findings; // the usual case: no word of a sure name comes again (no allocation)
    }
    Parts parts = null;
    for (Finding f : findings) {
      if (seed(text, f)) {
        if (parts == null) {
          parts = new Parts();
        }
        parts.addWords(text, f);
      }
    }
    if (parts == null || parts.size == 0) {
      return findings;
    }
    parts.dropConflicts(text, findings);
    return apply(text, findings, parts, lang, recognizer);
  }

  /**
   * {@code findings} with the mentions of {@code parts} (not changed) added, as {@link #apply} says; {@code lang} may
   * be {@link #UNGUESSED}.
   */
  static List<Finding> apply(String text, List<Finding> findings, Parts parts, int lang, String recognizer) {
    if (parts.size == 0) {
      return findings;
    }
    boolean[] dropped = new boolean[findings.size()];
    List<Finding> added = mentions(text, findings, dropped, parts, lang, recognizer);
    if (added.isEmpty()) {
      return findings;
    }
    List<Finding> out = new ArrayList<>(findings.size() + added.size());
    int a = 0;
    for (int i = 0; i < findings.size(); i++) {
      Finding f = findings.get(i);
      while (a < added.size() && added.get(a).start() < f.start()) {
        out.add(added.get(a++));
      }
      if (!dropped[i]) {
        out.add(f);
      }
    }
    while (a < added.size()) {
      out.add(added.get(a++));
    }
    return out;
  }

  /** A pass over a text's findings, given the text it reads, the findings in it and the map of offsets into it. */
  interface ViewPass {
    List<Finding> apply(String text, List<Finding> findings, java.util.function.IntUnaryOperator offset);
  }

  /**
   * {@code pass} run where detection ran: on the reader's view of {@code text} ({@link DetectionText}: format
   * characters dropped, full-width forms folded), with {@code findings} (of {@code text}) mapped into the view and
   * the result mapped back. A finding the pass returns as given is returned as given; one it adds is mapped to its
   * original span. Detection finds "Tap\u200Bsell" and "\uFF34\uFF41\uFF50\uFF53\uFF45\uFF4C\uFF4C" as
   * "Tapsell"; a name pass over the original text did not, so such a mention of a name went out in clear.
   * A text that is its own view (most) is passed as it is; so is one with a finding that is all format characters.
   */
  static List<Finding> onView(String text, List<Finding> findings, ViewPass pass) {
    return onView(text, DetectionText.of(text), findings, pass);
  }

  /** {@link #onView(String, List, ViewPass)} with the {@code view} of {@code text} already read. */
  static List<Finding> onView(String text, DetectionText view, List<Finding> findings, ViewPass pass) {
    List<Finding> mapped = inView(view, findings);
    if (mapped == null || mapped == findings) {
      return pass.apply(text, findings, java.util.function.IntUnaryOperator.identity());
    }
    List<Finding> out = pass.apply(view.view(), mapped, view::toView);
    if (out == mapped) {
      return findings;
    }
    java.util.IdentityHashMap<Finding, Integer> given = new java.util.IdentityHashMap<>();
    for (int i = 0; i < mapped.size(); i++) {
      given.put(mapped.get(i), i);
    }
    List<Finding> back = new ArrayList<>(out.size());
    for (Finding f : out) {
      Integer i = given.get(f);
      back.add(i != null ? findings.get(i) : view.toOriginal(f));
    }
    return back;
  }

  /**
   * {@code findings} of a text mapped into its {@code view} ({@code findings} itself when the view is the text), or
   * null when one of them has nothing in the view.
   */
  static List<Finding> inView(DetectionText view, List<Finding> findings) {
    if (!view.changed()) {
      return findings;
    }
    List<Finding> mapped = new ArrayList<>(findings.size());
    for (Finding f : findings) {
      Finding v = view.toView(f);
      if (v == null) {
        return null;
      }
      mapped.add(v);
    }
    return mapped;
  }

  /** The {@code lang} code of {@link #apply} for {@code text}, as {@link LanguageGuess} guesses its language. */
  static int guessedLanguageCode(String text) {
    return languageCode(LanguageGuess.guess(text));
  }

  /** Whether {@code f} seeds mentions: a sure PERSON with two name words, or one very sure one. */
  static boolean seed(String text, Finding f) {
    if (!f.type().equals(EntityType.PERSON) || f.score() < MIN_SEED) {
      return false;
    }
    char c = text.charAt(f.start());
    if (c == '@' || c == '#') {
      return false;
    }
    if (f.score() >= SINGLE_SEED) {
      return true;
    }
    int words = 0;
    int i = f.start();
    while ((i = nextLetter(text, i, f.end())) < f.end()) {
      int e = wordEnd(text, i, f.end());
      if (e - i >= 2 && (Closed.mask(text, i, e) & (Closed.TITLES | Closed.PARTICLES | Closed.NAME_SUFFIXES)) == 0) {
        if (++words == 2) {
          return true;
        }
      }
      i = e;
    }
    return false;
  }

  /**
   * Whether a word of {@code seed} (three letters or more) is written again outside every sure finding of
   * {@code findings} (sorted, not overlapping), ignoring case, starting with a capital or with the case the seed's
   * word starts with: a quick test that holds for every seed that has a mention (and for some that have none), with
   * a few {@link String#indexOf(int, int)} calls per word.
   */
  static boolean repeated(String text, Finding seed, List<Finding> findings) {
    int i = seed.start();
    while ((i = nextLetter(text, i, seed.end())) < seed.end()) {
      int e = wordEnd(text, i, seed.end());
      if (e - i >= MIN_PART && (again(text, findings, i, e, Character.toUpperCase(text.charAt(i)))
          || Character.isLowerCase(text.charAt(i)) && again(text, findings, i, e, text.charAt(i)))) {
        return true;
      }
      i = e;
    }
    return false;
  }

  /** Whether {@code text[i, e)} is written again, starting with {@code lead}, outside the sure {@code findings}. */
  private static boolean again(String text, List<Finding> findings, int i, int e, char lead) {
    int len = e - i;
    for (int at = text.indexOf(lead); at >= 0; at = text.indexOf(lead, at + 1)) {
      if (text.regionMatches(true, at + 1, text, i + 1, len - 1)) {
        int f = firstEndingAfter(findings, at);
        if (f == findings.size() || findings.get(f).start() > at || findings.get(f).score() < MIN_SEED) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The parts of the seeds: words (as offsets into their seed's text, compared ignoring case) with the best seed
   * score. A part's list and lexicon facts are looked up once, when a mention of it is first found ({@link #usable}),
   * so a text whose names are not repeated pays for no look-up.
   */
  static final class Parts {
    private static final byte UNKNOWN = 0;
    private static final byte USABLE = 1;
    private static final byte REFUSED = 2;
    String[] texts = new String[4];
    int[] from = new int[4];
    int[] len = new int[4];
    double[] scores = new double[4];
    int[] lex = new int[4];
    byte[] state = new byte[4];
    int size;
    /** Open-addressing index of the parts by {@link #hash} (part + 1; 0 empty), built on first use after a change. */
    private int[] table;
    /** The distinct {@link #lead}s of the parts in cased and in caseless text, built on first use after a change. */
    private char[] casedLeads;
    private char[] caselessLeads;

    void addWords(String text, Finding seed) {
      boolean upperSeed = upper(text, seed.start(), seed.end());
      int i = seed.start();
      while ((i = nextLetter(text, i, seed.end())) < seed.end()) {
        int e = wordEnd(text, i, seed.end());
        // an acronym inside a mixed-case seed ("TAC" of a misread "Juan TAC Ruiz") is no name
        if (e - i >= MIN_PART && (upperSeed || !upper(text, i, e))) {
          add(text, i, e, seed.score());
        }
        i = e;
      }
    }

    private void add(String text, int start, int end, double score) {
      int n = end - start;
      for (int p = 0; p < size; p++) { // (not find: the index is built once, after the last part)
        if (len[p] == n && text.regionMatches(true, start, texts[p], from[p], n)) {
          scores[p] = Math.max(scores[p], score);
          return;
        }
      }
      if (size == MAX_PARTS) {
        return;
      }
      if (size == texts.length) {
        texts = java.util.Arrays.copyOf(texts, size * 2);
        from = java.util.Arrays.copyOf(from, size * 2);
        len = java.util.Arrays.copyOf(len, size * 2);
        scores = java.util.Arrays.copyOf(scores, size * 2);
        lex = java.util.Arrays.copyOf(lex, size * 2);
        state = java.util.Arrays.copyOf(state, size * 2);
      }
      table = null;
      casedLeads = null;
      caselessLeads = null;
      texts[size] = text;
      from[size] = start;
      len[size] = end - start;
      scores[size] = score;
      state[size] = UNKNOWN;
      size++;
    }

    /** The part that {@code text[start, end)} spells (any case), or -1. One hash and a probe or two. */
    int find(String text, int start, int end) {
      int n = end - start;
      if (size == 0 || n < MIN_PART) {
        return -1;
      }
      index();
      for (int slot = hash(text, start, end) & (table.length - 1); table[slot] != 0;
          slot = (slot + 1) & (table.length - 1)) {
        int p = table[slot] - 1;
        if (len[p] == n && text.regionMatches(true, start, texts[p], from[p], n)) {
          return p;
        }
      }
      return -1;
    }

    /** Builds {@link #table} if a change dropped it. */
    private void index() {
      if (table == null && size > 0) {
        table = new int[Integer.highestOneBit(size * 4 - 1) << 1];
        for (int p = 0; p < size; p++) {
          int slot = hash(texts[p], from[p], from[p] + len[p]) & (table.length - 1);
          while (table[slot] != 0) {
            slot = (slot + 1) & (table.length - 1);
          }
          table[slot] = p + 1;
        }
      }
    }

    private char[] distinctLeads(boolean caseless) {
      char[] leads = new char[size];
      int n = 0;
      for (int p = 0; p < size; p++) {
        char lead = lead(p, caseless);
        int k = 0;
        while (k < n && leads[k] != lead) {
          k++;
        }
        if (k == n) {
          leads[n++] = lead;
        }
      }
      return java.util.Arrays.copyOf(leads, n);
    }

    /**
     * The distinct first letters of the parts as {@link #lead} writes them, each once (one {@code indexOf} pass per
     * letter finds every part's occurrences). Read-only once {@link #settle}d.
     */
    char[] leads(boolean caseless) {
      if (casedLeads == null) {
        casedLeads = distinctLeads(false);
        caselessLeads = distinctLeads(true);
      }
      return caseless ? caselessLeads : casedLeads;
    }

    /** A hash of {@code text[start, end)} equal for every spelling that {@code regionMatches(true, …)} equates. */
    private static int hash(String text, int start, int end) {
      int h = 0;
      for (int i = start; i < end; i++) {
        h = 31 * h + Character.toLowerCase(Character.toUpperCase(text.charAt(i)));
      }
      return h ^ (h >>> 16);
    }

    /**
     * Whether part {@code p} may propagate: it is on no closed list (titles, particles, function words, cues) and
     * the lexicon does not know it only as a place. Looks it up on first use and sets {@link #lex}.
     */
    boolean usable(int p) {
      if (state[p] == UNKNOWN) {
        int end = from[p] + len[p];
        int flags = GazetteerNerEngine.lexicon().lookup(texts[p], from[p], end);
        boolean placeOnly = (flags & Lexicon.PLACE) != 0 && Lexicon.first(flags) == 0 && Lexicon.last(flags) == 0;
        lex[p] = flags;
        state[p] = Closed.mask(texts[p], from[p], end) == 0 && !placeOnly ? USABLE : REFUSED;
      }
      return state[p] == USABLE;
    }

    /**
     * Looks every part up now, drops the refused ones and builds the index and the leads: afterwards nothing changes,
     * so the parts can be shared across threads.
     */
    void settle() {
      for (int p = size - 1; p >= 0; p--) {
        if (!usable(p)) {
          remove(p);
        }
      }
      index();
      leads(false);
    }

    /** Drops the parts written as a whole word inside a sure place, organization or address finding. */
    void dropConflicts(String text, List<Finding> findings) {
      // removed together at the end: a removal drops the index, which the next find would build again
      boolean[] conflict = null;
      for (Finding f : findings) {
        if (!conflicting(f)) {
          // only a place, organization or address says the word names something else; inside an e-mail, URL or
          // handle ("john.smith@…") the word is the person's own, and dropping it there let the lone surname out
          continue;
        }
        int i = f.start();
        while ((i = nextLetter(text, i, f.end())) < f.end()) {
          int e = wordEnd(text, i, f.end());
          int p = find(text, i, e);
          if (p >= 0) {
            if (conflict == null) {
              conflict = new boolean[size];
            }
            conflict[p] = true;
          }
          i = e;
        }
      }
      for (int p = size - 1; p >= 0 && conflict != null; p--) { // downwards: remove moves the last part into p
        if (conflict[p]) {
          remove(p);
        }
      }
    }

    /** Drops the part that {@code word} spells (any case), if there is one. */
    void drop(String word) {
      int p = find(word, 0, word.length());
      if (p >= 0) {
        remove(p);
      }
    }

    /**
     * Whether the cased {@code text} also writes part {@code p} in lower case, as a word standing alone as a mention
     * would (not joined into an e-mail address, URL, handle, path or compound: "jane.okafor@…" is the person's own
     * address, not a common noun): an {@link String#indexOf(int, int)} pass on its small first letter.
     */
    boolean writtenLower(String text, int p) {
      char lead = Character.toLowerCase(texts[p].charAt(from[p]));
      int n = len[p];
      for (int at = text.indexOf(lead); at >= 0; at = text.indexOf(lead, at + 1)) {
        if ((at == 0 || !joins(text.charAt(at - 1)))
            && text.regionMatches(true, at + 1, texts[p], from[p] + 1, n - 1)
            && freeAfter(text, at + n)) {
          return true;
        }
      }
      return false;
    }

    /** The first letter of a mention of part {@code p}: a capital, or in a text with no capitals a small letter. */
    char lead(int p, boolean caseless) {
      char first = texts[p].charAt(from[p]);
      return caseless ? Character.toLowerCase(first) : Character.toUpperCase(first);
    }

    private void remove(int p) {
      table = null;
      casedLeads = null;
      caselessLeads = null;
      size--;
      texts[p] = texts[size];
      from[p] = from[size];
      len[p] = len[size];
      scores[p] = scores[size];
      lex[p] = lex[size];
      state[p] = state[size];
      texts[size] = null;
    }
  }

  /** The {@link #ENGLISH}/{@link #GERMAN}/{@link #OTHER} code of an ISO 639-1 code; 0 for null (unknown). */
  static int languageCode(String language) {
    return language == null ? 0 : language.equals("en") ? ENGLISH : language.equals("de") ? GERMAN : OTHER;
  }

  /**
   * Whether a name part written inside {@code f} is a conflict ({@link Parts#dropConflicts}, {@link CarriedNames}): a
   * sure place, organization or address.
   */
  static boolean conflicting(Finding f) {
    EntityType type = f.type();
    return f.score() >= MIN_SEED
        && (type.equals(EntityType.LOCATION) || type.equals(EntityType.ORGANIZATION) || type.equals(EntityType.ADDRESS));
  }

  /** The first letter at or after {@code i}, or {@code limit}. */
  static int nextLetter(String text, int i, int limit) {
    while (i < limit && !Character.isLetter(text.charAt(i))) {
      i++;
    }
    return i;
  }

  /** {@code text[start, end)} has a letter and no lower-case letter. */
  private static boolean upper(String text, int start, int end) {
    boolean letter = false;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (Character.isLowerCase(c)) {
        return false;
      }
      letter |= Character.isLetter(c);
    }
    return letter;
  }

  /**
   * The end of the word starting at {@code i}: letters, and an apostrophe between letters ("O'Brien"), but not the
   * possessive {@code 's} at its end; at most {@code limit}.
   */
  static int wordEnd(String text, int i, int limit) {
    int j = i;
    while (j < limit) {
      char c = text.charAt(j);
      if (Character.isLetter(c)) {
        j++;
      } else if ((c == '\'' || c == '\u2019') && j > i && j + 1 < limit && Character.isLetter(text.charAt(j + 1))
          && !(Character.toLowerCase(text.charAt(j + 1)) == 's'
              && (j + 2 >= limit || !Character.isLetter(text.charAt(j + 2))))) {
        j++;
      } else {
        break;
      }
    }
    return j;
  }

  /** A character joined to a word that makes it part of a longer token (address, handle, path, compound). */
  private static boolean joins(char c) {
    return Character.isLetterOrDigit(c) || c == '@' || c == '#' || c == '_' || c == '/' || c == '\\' || c == '-'
        || c == '.' || c == '\'' || c == '\u2019';
  }

  /** The mentions of {@code parts} outside {@code findings}, sorted by start. */
  private static List<Finding> mentions(String text, List<Finding> findings, boolean[] dropped, Parts parts, int lang,
                                        String recognizer) {
    boolean caseless = true;
    for (int i = 0, n = text.length(); i < n && caseless; i++) {
      caseless = !Character.isUpperCase(text.charAt(i));
    }
    // candidates: start, end, part, and the range of findings they overlap (all unsure); each part's occurrences
    // are found with indexOf on its first letter (a capital in cased text), not by a walk over every word
    int[] cand = new int[5 * 4];
    int count = 0;
    int n = text.length();
    for (char lead : parts.leads(caseless)) { // one pass per first letter, for all the parts that start with it
      for (int start = text.indexOf(lead); start >= 0; start = text.indexOf(lead, start + 1)) {
        if (start > 0 && joins(text.charAt(start - 1))) {
          continue;
        }
        int end = wordEnd(text, start, n);
        int p = parts.find(text, start, end);
        if (p < 0 && end - start > MIN_PART && text.charAt(end - 1) == 's') {
          int genitive = parts.find(text, start, end - 1); // in German, part of the name ("Luthers Thesen")
          if (genitive >= 0) {
            lang = lang == UNGUESSED ? guessedLanguageCode(text) : lang;
            p = lang == GERMAN ? genitive : -1;
          }
        }
        if (p < 0 || !freeAfter(text, end)) {
          continue;
        }
        int over = firstEndingAfter(findings, start);
        int to = over;
        boolean weak = true;
        while (to < findings.size() && findings.get(to).start() < end) {
          weak &= findings.get(to).score() < MIN_SEED;
          to++;
        }
        if (!weak || !parts.usable(p)) {
          continue; // (the seed itself ends here: a sure finding covers it)
        }
        int lex = parts.lex[p];
        boolean sentenceStart = sentenceStart(text, start);
        if ((lex & Lexicon.COMMON) != 0 && (caseless || sentenceStart)) {
          continue;
        }
        lang = lang == UNGUESSED ? guessedLanguageCode(text) : lang;
        if (lang > ENGLISH && (caseless || sentenceStart && lang != GERMAN)
            && Math.max(Lexicon.first(lex), Lexicon.last(lex)) < KNOWN_NAME) {
          // the common words of other languages are on no list: where case says nothing (no capitals at all, or a
          // sentence's first word outside German, whose nouns are all capitalised anyway) only a well-known name
          // counts
          continue;
        }
        if ((lex & Lexicon.PLACE) != 0 && afterPlaceCue(text, start)) {
          continue;
        }
        if (5 * count == cand.length) {
          cand = java.util.Arrays.copyOf(cand, cand.length * 2);
        }
        cand[5 * count] = start;
        cand[5 * count + 1] = end;
        cand[5 * count + 2] = p;
        cand[5 * count + 3] = over;
        cand[5 * count + 4] = to;
        count++;
      }
    }
    if (count > 1) {
      sortByStart(cand, count);
    }
    List<Finding> out = new ArrayList<>(count);
    byte[] lower = count == 0 || caseless ? null : new byte[parts.size]; // 1: written in lower case too, 2: not
    for (int k = 0; k < count; k++) {
      int start = cand[5 * k];
      int end = cand[5 * k + 1];
      int p = cand[5 * k + 2];
      if (!out.isEmpty() && out.get(out.size() - 1).end() > start) {
        continue; // the same word as two parts ("Ketterers" and "Ketterer" + genitive)
      }
      if (lower != null && lower[p] == 0) {
        lower[p] = (byte) (parts.writtenLower(text, p) ? 1 : 2);
      }
      if (lower != null && lower[p] == 1) {
        continue; // "el servicio" beside "Servicio": a common noun of the text's language, not a name
      }
      for (int f = cand[5 * k + 3]; f < cand[5 * k + 4]; f++) {
        dropped[f] = true; // an unsure guess the threshold would drop gives way to the sure name
      }
      double score = parts.scores[p];
      Finding last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && last.end() + 1 == start && text.charAt(last.end()) == ' ') {
        out.set(out.size() - 1, new Finding(last.start(), end, EntityType.PERSON, Math.min(last.score(), score),
            recognizer));
      } else {
        out.add(new Finding(start, end, EntityType.PERSON, score, recognizer));
      }
    }
    return out;
  }

  /** The index of the first of the sorted, non-overlapping {@code findings} that ends after {@code start}. */
  private static int firstEndingAfter(List<Finding> findings, int start) {
    int lo = 0;
    int hi = findings.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (findings.get(mid).end() <= start) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Sorts the first {@code count} five-int records of {@code cand} by their first int (insertion sort: a few). */
  private static void sortByStart(int[] cand, int count) {
    int[] rec = new int[5];
    for (int k = 1; k < count; k++) {
      System.arraycopy(cand, 5 * k, rec, 0, 5);
      int j = k - 1;
      while (j >= 0 && cand[5 * j] > rec[0]) {
        System.arraycopy(cand, 5 * j, cand, 5 * (j + 1), 5);
        j--;
      }
      System.arraycopy(rec, 0, cand, 5 * (j + 1), 5);
    }
  }

  /** Nothing after {@code end} joins the word, except a possessive {@code 's}, a sentence's period or a quote. */
  private static boolean freeAfter(String text, int end) {
    if (end == text.length()) {
      return true;
    }
    char c = text.charAt(end);
    if (c == '\'' || c == '\u2019') {
      return end + 1 == text.length() || !Character.isLetterOrDigit(text.charAt(end + 1))
          || (text.charAt(end + 1) == 's' || text.charAt(end + 1) == 'S')
          && (end + 2 == text.length() || !Character.isLetterOrDigit(text.charAt(end + 2)));
    }
    if (c == '.') {
      return end + 1 == text.length() || !Character.isLetterOrDigit(text.charAt(end + 1));
    }
    return !joins(c);
  }

  /** The word at {@code start} opens the text, a line or a sentence. */
  static boolean sentenceStart(String text, int start) {
    int i = start;
    while (i > 0 && (text.charAt(i - 1) == ' ' || text.charAt(i - 1) == '\t' || text.charAt(i - 1) == '"'
        || text.charAt(i - 1) == '\u201c' || text.charAt(i - 1) == '(')) {
      i--;
    }
    if (i == 0) {
      return true;
    }
    char c = text.charAt(i - 1);
    return c == '\n' || c == '\r' || c == '.' || c == '!' || c == '?' || c == ':' || c == '-' || c == '*';
  }

  /** The word before {@code start}, on the same line, is a place cue ("in", "from", "nach"). */
  private static boolean afterPlaceCue(String text, int start) {
    int e = start;
    while (e > 0 && text.charAt(e - 1) == ' ') {
      e--;
    }
    int s = e;
    while (s > 0 && Character.isLetter(text.charAt(s - 1))) {
      s--;
    }
    return s < e && e < start && (Closed.mask(text, s, e) & Closed.PLACE_CUES) != 0;
  }
}
