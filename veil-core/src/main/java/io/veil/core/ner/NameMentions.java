package io.veil.core.ner;

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
 *   titles, particles, function words, suffixes, cues). A possessive {@code 's} is not part of the word.</li>
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
 * returned unchanged, in place. Linear in the text length times the
 * number of parts (a few); no work at all in a text without a seed.
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

  /** {@code findings} with the mentions of {@code parts} (not changed) added, as {@link #apply} says. */
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
    while (i < f.end()) {
      if (!Character.isLetter(text.charAt(i))) {
        i++;
        continue;
      }
      int e = wordEnd(text, i, f.end());
      if (e - i >= 2 && (Closed.mask(text, i, e) & (Closed.TITLES | Closed.PARTICLES | Closed.NAME_SUFFIXES)) == 0) {
        words++;
      }
      i = e;
    }
    return words >= 2;
  }

  /** The parts of the seeds: lower-cased words with the best seed score and their lexicon facts. */
  static final class Parts {
    String[] words = new String[4];
    double[] scores = new double[4];
    int[] lex = new int[4];
    int size;

    void addWords(String text, Finding seed) {
      int i = seed.start();
      Lexicon lexicon = GazetteerNerEngine.lexicon();
      while (i < seed.end()) {
        if (!Character.isLetter(text.charAt(i))) {
          i++;
          continue;
        }
        int e = wordEnd(text, i, seed.end());
        int flags = e - i >= MIN_PART && Closed.mask(text, i, e) == 0 ? lexicon.lookup(text, i, e) : -1;
        boolean placeOnly = flags >= 0 && (flags & Lexicon.PLACE) != 0 && Lexicon.first(flags) == 0
            && Lexicon.last(flags) == 0;
        if (flags >= 0 && !placeOnly && !(upper(text, i, e) && !upper(text, seed.start(), seed.end()))) {
          add(text.substring(i, e).toLowerCase(java.util.Locale.ROOT), seed.score(), flags);
        }
        i = e;
      }
    }

    private void add(String word, double score, int flags) {
      for (int p = 0; p < size; p++) {
        if (words[p].equals(word)) {
          scores[p] = Math.max(scores[p], score);
          return;
        }
      }
      if (size == MAX_PARTS) {
        return;
      }
      if (size == words.length) {
        words = java.util.Arrays.copyOf(words, size * 2);
        scores = java.util.Arrays.copyOf(scores, size * 2);
        lex = java.util.Arrays.copyOf(lex, size * 2);
      }
      words[size] = word;
      scores[size] = score;
      lex[size] = flags;
      size++;
    }

    /** The part that {@code text[start, end)} spells (any case), or -1. */
    int find(String text, int start, int end) {
      int len = end - start;
      for (int p = 0; p < size; p++) {
        if (words[p].length() == len && text.regionMatches(true, start, words[p], 0, len)) {
          return p;
        }
      }
      return -1;
    }

    /** Drops the parts written as a whole word inside a sure place, organization or address finding. */
    void dropConflicts(String text, List<Finding> findings) {
      for (Finding f : findings) {
        if (f.type().equals(EntityType.PERSON) || f.score() < MIN_SEED) {
          continue;
        }
        int i = f.start();
        while (i < f.end()) {
          if (!Character.isLetter(text.charAt(i))) {
            i++;
            continue;
          }
          int e = wordEnd(text, i, f.end());
          int p = find(text, i, e);
          if (p >= 0) {
            remove(p);
          }
          i = e;
        }
      }
    }

    private void remove(int p) {
      size--;
      words[p] = words[size];
      scores[p] = scores[size];
      lex[p] = lex[size];
    }
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
    boolean german = lang == GERMAN;
    boolean english = lang <= ENGLISH;
    boolean caseless = true;
    for (int i = 0, n = text.length(); i < n && caseless; i++) {
      caseless = !Character.isUpperCase(text.charAt(i));
    }
    // candidates: start, end, part, and the range of findings they overlap (all unsure)
    int[] cand = new int[5 * 4];
    int count = 0;
    boolean[] lower = new boolean[parts.size]; // the part is written in lower case somewhere in cased text
    int n = text.length();
    int next = 0; // the first finding that may still overlap
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (!Character.isLetter(c)) {
        i++;
        continue;
      }
      int e = wordEnd(text, i, n);
      int start = i;
      i = e;
      if (!caseless && !Character.isUpperCase(c)) {
        int p = Character.isLowerCase(c) ? parts.find(text, start, e) : -1;
        if (p >= 0) {
          lower[p] = true; // "el servicio" beside "Servicio": a common noun of the text's language, not a name
        }
        continue;
      }
      if (start > 0 && joins(text.charAt(start - 1))) {
        continue;
      }
      int end = e;
      int p = parts.find(text, start, e);
      if (p < 0 && german && e - start > MIN_PART && text.charAt(e - 1) == 's') {
        p = parts.find(text, start, e - 1); // genitive: "Luthers Thesen"
      }
      if (p < 0 || !freeAfter(text, end)) {
        continue;
      }
      int lex = parts.lex[p];
      boolean sentenceStart = sentenceStart(text, start);
      if ((lex & Lexicon.COMMON) != 0 && (caseless || sentenceStart)) {
        continue;
      }
      if (!english && (caseless || sentenceStart && !german)
          && Math.max(Lexicon.first(lex), Lexicon.last(lex)) < KNOWN_NAME) {
        // the common words of other languages are on no list: where case says nothing (no capitals at all, or a
        // sentence's first word outside German, whose nouns are all capitalised anyway) only a well-known name counts
        continue;
      }
      if ((lex & Lexicon.PLACE) != 0 && afterPlaceCue(text, start)) {
        continue;
      }
      while (next < findings.size() && findings.get(next).end() <= start) {
        next++;
      }
      int over = next;
      boolean weak = true;
      while (over < findings.size() && findings.get(over).start() < end) {
        weak &= findings.get(over).score() < MIN_SEED;
        over++;
      }
      if (!weak) {
        continue;
      }
      if (5 * count == cand.length) {
        cand = java.util.Arrays.copyOf(cand, cand.length * 2);
      }
      cand[5 * count] = start;
      cand[5 * count + 1] = end;
      cand[5 * count + 2] = p;
      cand[5 * count + 3] = next;
      cand[5 * count + 4] = over;
      count++;
    }
    List<Finding> out = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      int start = cand[5 * k];
      int end = cand[5 * k + 1];
      int p = cand[5 * k + 2];
      if (lower[p]) {
        continue;
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
