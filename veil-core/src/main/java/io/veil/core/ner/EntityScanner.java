package io.veil.core.ner;

import io.veil.core.EntityType;
import io.veil.core.ner.GazetteerNerEngine.Span;
import java.util.List;

/**
 * Finds people, places and organizations in a token stream: walks runs of capitalised tokens
 * ("chains"), splits them where a common word or a closed-list word stands, and scores each part
 * from lexicon flags, titles, legal suffixes and the cue words around it. Not thread-safe.
 */
final class EntityScanner {
  private static final int MAX_CHAIN = 8;

  private final Tokens tk;
  private final boolean conservative;

  EntityScanner(Tokens tokens, boolean conservative) {
    this.tk = tokens;
    this.conservative = conservative;
  }

  void scan(List<Span> out, boolean[] taken) {
    int[] starts = tk.scratch();
    int count = mayStart(starts);
    int i = 0;
    for (int k = 0; k < count; k++) {
      int c = starts[k];
      if (c < i || taken[c]) {
        continue; // inside what an earlier chain used, or the address scanner's
      }
      i = c;
      if (!tk.isCap(i)) {
        i = lowerCase(i, out, taken);
      } else if (isCodeIdentifier(i)) {
        i++; // "OrderService", "JavaScript": identifiers are neither people nor places
      } else {
        int j = chainEnd(i, taken);
        i = Math.max(j, handleChain(i, j, out, taken));
      }
    }
  }

  /**
   * Writes to {@code starts} the tokens where {@link #scan} may find something, in order, and returns how many:
   * a capitalised word, or a word that {@link #lowerCase} may take (name or place flags, not a common word).
   * The scan steps over every other token without a look, so it needs to visit only these: one loop without
   * data-dependent branches here instead of several unpredictable tests per token there.
   */
  private int mayStart(int[] starts) {
    int[] words = tk.words;
    int[] flags = tk.flags;
    int count = 0;
    for (int w = 0; w < tk.wordCount; w++) {
      int t = words[w];
      int f = flags[t];
      boolean lowerMay = (f & Lexicon.COMMON) == 0 & (f & (0xFF | Lexicon.PLACE)) != 0;
      starts[count] = t;
      count += tk.isCap(t) | lowerMay ? 1 : 0;
    }
    return count;
  }

  // ---------------------------------------------------------------- chains

  /** End (exclusive) of the capitalised chain starting at {@code i}. */
  private int chainEnd(int i, boolean[] taken) {
    int j = i;
    int words = 0;
    while (j < tk.size && !taken[j] && words < MAX_CHAIN) {
      if (j > i && tk.nlBefore(j)) {
        break;
      }
      if (tk.isCap(j)) {
        words++;
        j++;
        // "J." "Dr." "St." keep the period inside the chain when a capitalised word follows
        if (tk.isPunct(j, '.') && (tk.length(j - 1) <= 3 || tk.in(j - 1, Closed.TITLES))
            && tk.isCap(j + 1) && !tk.nlBefore(j + 1) && tk.spaceBefore(j + 1)) {
          j++;
        }
        continue;
      }
      if (j > i && tk.isLower(j) && tk.in(j, Closed.PARTICLES) && tk.isCap(j + 1) && !tk.nlBefore(j + 1)) {
        j++;
        continue;
      }
      break;
    }
    return j;
  }

  /** Scores the chain {@code [i, j)}; returns the index after the last token it used (may exceed j). */
  private int handleChain(int i, int j, List<Span> out, boolean[] taken) {
    // organizations first: they may contain person names and places ("Bank of America", "Owens, Duran and Oneal")
    int org = organization(i, j, out, taken);
    if (org > 0) {
      return org;
    }
    int p = i;
    while (p < j) {
      if (!tk.isWord(p)) {
        p++;
        continue;
      }
      if (tk.in(p, Closed.TITLES) && titleApplies(p, j)) {
        int q = p + 1;
        if (tk.isPunct(q, '.')) {
          q++;
        }
        int e = nameRunEnd(q, j, true);
        if (e > q) {
          add(out, taken, p, e, EntityType.PERSON, 0.9);
          p = e;
          continue;
        }
      }
      int place = placeMatchEnd(p, j);
      if (place > p + 1) {
        add(out, taken, p, place, EntityType.LOCATION, placeScore(p, place, true));
        p = place;
        continue;
      }
      int e = nameRunEnd(p, j, false);
      if (e == p) {
        // a closed-list or common word: maybe a lone place ("Paris", "Turkey")
        singlePlace(p, out, taken);
        p++;
        continue;
      }
      scoreRun(p, e, out, taken);
      p = e;
    }
    return j;
  }

  private boolean titleApplies(int p, int chainEnd) {
    // "Mr" needs a following name; "President" etc. only when the next word is capitalised
    int q = p + 1;
    if (tk.isPunct(q, '.')) {
      q++;
    }
    return q < chainEnd && tk.isCap(q);
  }

  /** End of a run of name-like tokens starting at {@code p} (initials, particles, names, unknown words). */
  private int nameRunEnd(int p, int chainEnd, boolean afterTitle) {
    int q = p;
    int words = 0;
    while (q < chainEnd && words < 5) {
      if (tk.isPunct(q, '.')) {
        if (q > p && tk.length(q - 1) == 1) {
          q++;
          continue;
        }
        break;
      }
      if (!tk.isWord(q)) {
        break;
      }
      int f = tk.flags[q];
      if (tk.isLower(q)) {
        if (tk.in(q, Closed.PARTICLES) && q > p) {
          q++;
          continue;
        }
        break;
      }
      if (tk.length(q) == 1) { // initial
        if (q > p || afterTitle || tk.isPunct(q + 1, '.')) {
          q++;
          words++;
          continue;
        }
        break;
      }
      if (q > p && tk.in(q, Closed.NAME_SUFFIXES)) {
        q++;
        break;
      }
      if (tk.in(q, Closed.NOT_NAMES | Closed.LEGAL_SUFFIXES) || !afterTitle && tk.in(q, Closed.FUNCTION)) {
        break;
      }
      if (q == p && !afterTitle && tk.sentenceStart(q) && tk.in(q, Closed.IMPERATIVES)) {
        break;
      }
      if (q > p && placeMatchEnd(q, chainEnd) > q + 1) {
        break;
      }
      boolean common = (f & Lexicon.COMMON) != 0;
      int strength = Math.max(Lexicon.first(f), Lexicon.last(f));
      if (common && !afterTitle && strength < 3) {
        break;
      }
      if (common && !afterTitle && q == p && tk.sentenceStart(q) && !nameFollows(q + 1, chainEnd)) {
        break;
      }
      q++;
      words++;
    }
    // a trailing particle or period is not part of the name
    while (q > p && (tk.isLower(q - 1) || tk.isPunct(q - 1, '.') && tk.length(q - 2) > 1)) {
      q--;
    }
    return q;
  }

  /** Token {@code t} is a known first name and {@code sep} between it and the candidate is "," or "and". */
  private boolean listedName(int t, int sep) {
    if (t < 0 || t >= tk.size || !tk.isWord(t) || !(tk.isPunct(sep, ',') || tk.is(sep, "and"))) {
      return false;
    }
    int f = tk.flags[t];
    return Lexicon.first(f) >= 6 && (f & Lexicon.COMMON) == 0;
  }

  private boolean nameFollows(int q, int chainEnd) {
    if (q >= chainEnd || !tk.isCap(q)) {
      return false;
    }
    int f = tk.flags[q];
    return (f & Lexicon.COMMON) == 0 && (Lexicon.first(f) > 0 || Lexicon.last(f) > 0 || unknown(q));
  }

  /**
   * A capitalised token with an upper-case letter after three or more lower-case ones ("OrderService",
   * "JavaScript", "PayPal" is not: two): code identifiers and product names, not people or places.
   * Names with inner capitals ("McDonald", "MacArthur", "DeShawn", "LeBron") have shorter runs.
   */
  private boolean isCodeIdentifier(int t) {
    return tk.isCamelCase(t);
  }

  /** Capitalised, not a dictionary word, no name or place flags. */
  private boolean unknown(int t) {
    int f = tk.flags[t];
    return tk.isCap(t) && (f & (Lexicon.COMMON | Lexicon.PLACE | 0xFF)) == 0 && tk.length(t) > 1
        && !tk.in(t, Closed.NOT_NAMES);
  }

  private void scoreRun(int p, int e, List<Span> out, boolean[] taken) {
    int words = 0;
    int nameWords = 0;
    int unknownWords = 0;
    int commonWords = 0;
    int firstWord = -1;
    int lastWord = -1;
    boolean allCaps = true;
    for (int t = p; t < e; t++) {
      if (!tk.isWord(t) || tk.isLower(t)) {
        continue;
      }
      if (tk.length(t) == 1) {
        continue; // initials count as neither
      }
      words++;
      if (firstWord < 0) {
        firstWord = t;
      }
      lastWord = t;
      int f = tk.flags[t];
      if (!tk.isAllCaps(t)) {
        allCaps = false;
      }
      if ((f & Lexicon.COMMON) != 0) {
        commonWords++;
      }
      if (Lexicon.first(f) > 0 || Lexicon.last(f) > 0) {
        nameWords++;
      } else if (unknown(t)) {
        unknownWords++;
      }
    }
    if (words == 0) {
      return;
    }
    Cue cue = personCue(p);
    if (cue == Cue.NONE && p > 0 && tk.isLower(p - 1) && tk.in(p - 1, Closed.SPEECH)) {
      cue = Cue.WEAK;
    }
    double person;
    if (words == 1) {
      int f = tk.flags[firstWord];
      int fs = Lexicon.first(f);
      int ls = Lexicon.last(f);
      boolean common = (f & Lexicon.COMMON) != 0;
      if (common) {
        person = 0.3;
      } else if (fs >= 4 || ls >= 6) {
        person = 0.6;
      } else if (fs >= 1 || ls >= 1) {
        person = tk.sentenceStart(p) ? 0.4 : 0.5;
      } else {
        person = 0.3;
      }
      if ((f & Lexicon.PLACE) != 0 && Math.max(fs, ls) < 9) {
        person -= 0.2;
      }
      if (e < tk.size && tk.isLower(e) && tk.in(e, Closed.PERSON_AFTER) && !common) {
        person += 0.1;
      }
      // a speaker label: "Rafaela: ..." at the start of a line
      if (tk.isPunct(e, ':') && tk.sentenceStart(p) && !common) {
        person += 0.25;
      }
      if (tk.isPunct(p - 1, '@') || tk.isPunct(p - 1, '#')) {
        person -= 0.3;
      }
      // an item in a list of first names: "Mary, Efimiya and Ariana"
      if (!common && (listedName(p - 2, p - 1) || listedName(e + 1, e))) {
        person += 0.2;
      }
    } else {
      int f0 = tk.flags[firstWord];
      int fl = tk.flags[lastWord];
      boolean firstOk = Lexicon.first(f0) >= 2 && (f0 & Lexicon.COMMON) == 0 || Lexicon.first(f0) >= 8;
      boolean lastOk = Lexicon.last(fl) >= 1 || unknown(lastWord) || Lexicon.first(fl) >= 1;
      if (firstOk && lastOk) {
        person = 0.85;
      } else if (nameWords >= 1 && nameWords + unknownWords == words) {
        person = 0.75;
      } else if (nameWords >= 1) {
        person = 0.6;
      } else if (unknownWords == words) {
        person = conservative ? 0.3 : 0.55;
      } else {
        person = 0.35;
      }
      if (commonWords > 0) {
        person -= 0.1 * commonWords;
      }
    }
    if (allCaps && words >= 1) {
      person -= 0.3;
    }
    if (tk.titleLine(p) && nameWords < words) {
      person -= 0.2;
    }
    if (commonWords == words) {
      person = Math.min(person, 0.45);
    }
    if (tk.caseless && words == 1) {
      int f = tk.flags[firstWord];
      person = Lexicon.first(f) >= 4 ? Math.min(person, 0.55) : Math.min(person, 0.35);
    }
    // a hyphen inside the word: searched there only, not from the word to the end of the text (which made a
    // long text's cost grow with its length times its capitalised words); a word never starts with '-'
    boolean doubleSurname = words == 1 && Lexicon.first(tk.flags[firstWord]) == 0 && Lexicon.last(tk.flags[firstWord]) > 0
        && tk.text.indexOf('-', tk.start[firstWord], tk.end[firstWord]) >= 0;
    if (cue == Cue.STRONG) {
      person = Math.max(person + 0.3, commonWords == words ? 0.6 : 0.85);
    } else if (cue == Cue.WEAK) {
      person += 0.15;
    }
    if (conservative && cue != Cue.STRONG) {
      // German: every noun is capitalised and many nouns are also surnames; ask for a known first name
      boolean firstName = false;
      for (int t = p; t < e; t++) {
        int f = tk.flags[t];
        firstName |= tk.isWord(t) && Lexicon.first(f) >= 4 && (f & Lexicon.COMMON) == 0;
      }
      if (!firstName || words == 1 && cue == Cue.NONE) {
        person = Math.min(person, 0.4);
      }
    }
    double place = words == 1 ? placeScore(p, e, false) : 0.0;
    if (doubleSurname && cue != Cue.STRONG) {
      // "Weeks-Rivas" alone: the shape of a firm's name more often than a person's
      add(out, taken, p, e, EntityType.ORGANIZATION, 0.55);
    } else if (place > person && place > 0) {
      add(out, taken, firstWord, lastWord + 1, EntityType.LOCATION, place);
    } else if (words <= 3 && unknownWords + nameWords == words && cue == Cue.NONE && strongPlaceCue(p)) {
      add(out, taken, p, e, EntityType.LOCATION, 0.65);
    } else if (words <= 2 && unknownWords == words && cue == Cue.NONE && !allCaps && inCue(p)) {
      add(out, taken, p, e, EntityType.LOCATION, conservative ? 0.3 : 0.55);
    } else {
      add(out, taken, p, e, EntityType.PERSON, person);
    }
  }

  // ---------------------------------------------------------------- places

  /** End of the longest multi-word place starting at {@code p} inside the chain, or {@code p}. */
  private int placeMatchEnd(int p, int chainEnd) {
    if ((tk.flags[p] & Lexicon.MW_PREFIX) == 0) {
      return p;
    }
    for (int e = Math.min(chainEnd, p + 6); e > p + 1; e--) {
      if (!tk.isWord(e - 1)) {
        continue;
      }
      boolean words = true;
      for (int t = p; t < e; t++) {
        if (!tk.isWord(t)) {
          words = false;
          break;
        }
      }
      if (!words) {
        continue;
      }
      int f = tk.lexiconLookup(p, e);
      if ((f & Lexicon.PLACE) != 0) {
        return e;
      }
    }
    return p;
  }

  /** Score of the place {@code [p, e)} (one token unless {@code multi}); 0 if it is no known place. */
  private double placeScore(int p, int e, boolean multi) {
    int f = multi ? tk.lexiconLookup(p, e) : tk.flags[p];
    if ((f & Lexicon.PLACE) == 0) {
      return 0.0;
    }
    boolean common = (f & Lexicon.COMMON) != 0;
    int nameStrength = Math.max(Lexicon.first(f), Lexicon.last(f));
    double s;
    if ((f & Lexicon.COUNTRY) != 0) {
      s = common ? 0.6 : 0.85;
    } else if ((f & Lexicon.REGION) != 0) {
      s = common ? 0.4 : 0.7;
    } else {
      s = common ? 0.3 : 0.6;
    }
    if (multi) {
      s = Math.max(s, 0.8);
    } else if (nameStrength >= 6) {
      s -= 0.2;
    }
    if (!multi && tk.isLower(p)) {
      s -= 0.2;
    }
    if (placeCue(p)) {
      s += 0.25;
    }
    if (tk.isPunct(e, ',') && e + 1 < tk.size && !tk.nlBefore(e + 1)
        && ((tk.flags[e + 1] & Lexicon.PLACE) != 0 || tk.isAllCaps(e + 1) && tk.length(e + 1) == 2)) {
      s += 0.2;
    }
    return s;
  }

  private void singlePlace(int p, List<Span> out, boolean[] taken) {
    if (!tk.isWord(p) || tk.in(p, Closed.NOT_NAMES)) {
      return;
    }
    double s = placeScore(p, p + 1, false);
    if (s > 0) {
      add(out, taken, p, p + 1, EntityType.LOCATION, s);
    }
  }

  /** "flew to X", "originally from X", "grew up in X": a place whatever X is. */
  private boolean strongPlaceCue(int p) {
    for (Phrase cue : candidates(PLACE_CUES, p)) {
      if (precededBy(p, cue)) {
        return true;
      }
    }
    return false;
  }

  /** "in X", "near X": where an unknown capitalised word is probably a place. */
  private boolean inCue(int p) {
    return p > 0 && (tk.is(p - 1, "in") || tk.is(p - 1, "near")) && tk.isLower(p - 1);
  }

  private boolean placeCue(int p) {
    int q = p - 1;
    return q >= 0 && tk.isWord(q) && tk.isLower(q) && tk.in(q, Closed.PLACE_CUES)
        && !(tk.is(q, "to") || tk.is(q, "of") || tk.is(q, "with"));
  }

  // ---------------------------------------------------------------- organizations

  /** Adds an organization found at the chain {@code [i, j)}; returns the token after it, or -1. */
  private int organization(int i, int j, List<Span> out, boolean[] taken) {
    // "X, Y and Z" with three surnames (law firms, agencies)
    int f0 = j == i + 2 && tk.is(i, "the") ? i + 1 : i;
    if (j == f0 + 1 && surname(f0) && tk.isPunct(f0 + 1, ',') && surname(f0 + 2) && tk.is(f0 + 3, "and")
        && surname(f0 + 4) && !tk.nlBefore(f0 + 2)) {
      add(out, taken, f0, f0 + 5, EntityType.ORGANIZATION, 0.75);
      return f0 + 5;
    }
    int start = i;
    // drop a leading sentence-initial common word ("The", "Meet") unless the name needs it
    int lastWordTok = j - 1;
    while (lastWordTok > i && !tk.isWord(lastWordTok)) {
      lastWordTok--;
    }
    int end = lastWordTok + 1;
    double score = 0;
    if (tk.in(lastWordTok, Closed.LEGAL_SUFFIXES) && lastWordTok > i && !tk.isAllCaps(lastWordTok) | tk.length(lastWordTok) <= 4) {
      score = 0.85;
      if (tk.isPunct(end, '.')) {
        end++;
      }
    } else if (tk.in(lastWordTok, Closed.ORG_HEADS) && lastWordTok > i) {
      score = 0.7;
    } else if (tk.in(lastWordTok, Closed.ORG_OPENERS) && tk.is(j, "of") && tk.isCap(j + 1)) {
      int e = j + 1;
      while (e < tk.size && tk.isCap(e) && !tk.nlBefore(e) && e < j + 5) {
        e++;
      }
      end = e;
      score = 0.8;
    } else if (tk.isPunct(j, ',') && j + 1 < tk.size && tk.in(j + 1, Closed.LEGAL_SUFFIXES)
        && tk.isCap(j + 1) && !tk.nlBefore(j + 1)) {
      end = j + 2;
      if (tk.isPunct(end, '.')) {
        end++;
      }
      score = 0.85;
    } else if (orgCue(i)) {
      boolean person = false;
      int f = tk.flags[i];
      if (Lexicon.first(f) >= 3 && (f & Lexicon.COMMON) == 0 && (f & Lexicon.PLACE) == 0) {
        person = true;
      }
      if (!person) {
        score = 0.65;
      }
    }
    if (score == 0) {
      return -1;
    }
    if (tk.sentenceStart(start) && tk.is(start, "the") && start + 1 < end) {
      start++;
    }
    // an ORG head after a place name is often the place's institution: keep the whole phrase
    add(out, taken, start, end, EntityType.ORGANIZATION, score);
    return end;
  }

  /** A capitalised word known as a surname rather than a first name. */
  private boolean surname(int t) {
    if (!tk.isCap(t)) {
      return false;
    }
    int f = tk.flags[t];
    return Lexicon.last(f) >= 1 && Lexicon.last(f) >= Lexicon.first(f);
  }

  private boolean orgCue(int p) {
    for (Phrase cue : candidates(ORG_CUES, p)) {
      if (precededBy(p, cue)) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- lower-case text

  /** Lower-case names after a strong cue ("my name is john smith"), lower-case countries. Returns the next index. */
  private int lowerCase(int i, List<Span> out, boolean[] taken) {
    int f = tk.flags[i];
    if ((f & Lexicon.COMMON) == 0 && (Lexicon.first(f) > 0 || Lexicon.last(f) > 0) && personCue(i) == Cue.STRONG) {
      int e = i;
      while (e < tk.size && e < i + 3 && tk.isWord(e) && !taken[e] && !tk.nlBefore(e) || e == i) {
        int g = tk.flags[e];
        if ((g & Lexicon.COMMON) != 0 || Lexicon.first(g) == 0 && Lexicon.last(g) == 0) {
          break;
        }
        e++;
      }
      if (e > i) {
        add(out, taken, i, e, EntityType.PERSON, 0.75);
        return e;
      }
    }
    if ((f & Lexicon.PLACE) != 0 && (f & Lexicon.COMMON) == 0) {
      int place = placeMatchEnd(i, Math.min(tk.size, i + 6));
      if (place > i + 1) {
        add(out, taken, i, place, EntityType.LOCATION, 0.7);
        return place;
      }
      double s = placeScore(i, i + 1, false);
      add(out, taken, i, i + 1, EntityType.LOCATION, s);
    }
    return i + 1;
  }

  // ---------------------------------------------------------------- cues

  enum Cue { NONE, WEAK, STRONG }

  /**
   * One cue phrase: its tokens (lower-case words; punctuation tokens as themselves), per token the
   * {@link Lexicon#plainCode} of a word made of {@code a-z ' -} only (at most {@link Lexicon#PLAIN_MAX}
   * chars; 0 for punctuation and other words), and whether it is a {@link Words#STRONG_PERSON_CUES strong}
   * person cue. A token equals such a word ({@link Tokens#is}) exactly when its plain code is the word's:
   * only a word token with exactly those normalised chars has that code.
   */
  record Phrase(String[] words, long[] codes, boolean strong) {
    static Phrase of(String[] words) {
      long[] codes = new long[words.length];
      for (int k = 0; k < words.length; k++) {
        codes[k] = codeAsIs(words[k]);
      }
      return new Phrase(words, codes, Words.STRONG_PERSON_CUES.contains(String.join(" ", words)));
    }

    /** The code of {@code w}'s chars as they are (not lower-cased): 0 unless every char is {@code a-z ' -}. */
    private static long codeAsIs(String w) {
      if (w.isEmpty() || w.length() > Lexicon.PLAIN_MAX) {
        return 0;
      }
      long code = 0;
      for (int i = 0; i < w.length(); i++) {
        char c = w.charAt(i);
        int sym = Lexicon.symbol(c);
        if (sym == 0 || c == '\'' && w.length() == 1 || c == '-' && w.length() == 1) {
          return 0; // a lone mark is a punctuation token, matched as such
        }
        code = code << 5 | sym;
      }
      return code;
    }
  }

  /**
   * Cue phrases indexed by their last token, so one look-up finds the candidates: by {@link Closed} slot
   * for a plain last word (the slot of the token before the candidate names the word exactly), by char for
   * ASCII punctuation, by string otherwise.
   */
  private static final class CueIndex {
    private static final Phrase[] NONE = new Phrase[0];
    final java.util.Map<String, Phrase[]> byLast;
    final Phrase[][] bySlot = new Phrase[Closed.SIZE][];
    final Phrase[][] byChar = new Phrase[128][];

    CueIndex(String[][] cues) {
      java.util.Map<String, List<Phrase>> m = new java.util.HashMap<>();
      for (String[] c : cues) {
        m.computeIfAbsent(c[c.length - 1], k -> new java.util.ArrayList<>()).add(Phrase.of(c));
      }
      java.util.Map<String, Phrase[]> a = new java.util.HashMap<>();
      m.forEach((k, v) -> a.put(k, v.toArray(Phrase[]::new)));
      byLast = java.util.Map.copyOf(a);
      byLast.forEach((last, phrases) -> {
        if (last.length() == 1 && last.charAt(0) < 128 && !Character.isLetterOrDigit(last.charAt(0))) {
          byChar[last.charAt(0)] = phrases;
        } else if (Closed.plain(last)) {
          int slot = Closed.slot(last, 0, last.length(), Lexicon.rawHash(last, 0, last.length()));
          if (slot < 0 || !Closed.keyAt(slot).equals(last)) {
            throw new IllegalStateException("cue word missing from the closed lists");
          }
          bySlot[slot] = phrases;
        }
      });
    }
  }

  private static final CueIndex PERSON_CUES = new CueIndex(Words.PERSON_CUES);
  private static final CueIndex ORG_CUES = new CueIndex(Words.ORG_CUES);
  private static final CueIndex PLACE_CUES = new CueIndex(Words.PLACE_PHRASES);

  /** The cue phrases of {@code index} whose last token is the token before {@code p}. */
  private Phrase[] candidates(CueIndex index, int p) {
    int q = p - 1;
    if (q < 0) {
      return CueIndex.NONE;
    }
    if (tk.kind[q] == Tokens.PUNCT) {
      char c = tk.text.charAt(tk.start[q]);
      Phrase[] phrases = c < 128 ? index.byChar[c] : index.byLast.get(String.valueOf(c));
      return phrases == null ? CueIndex.NONE : phrases;
    }
    if (Closed.CUE_LASTS_ALL_PLAIN) {
      if ((tk.closed[q] & Closed.CUE_LAST) == 0) {
        return CueIndex.NONE; // no cue ends with this word
      }
      // a plain key: the word's normalised chars are the key, so its lower-case form is the key too
      long code = tk.plainCode[q];
      Phrase[] phrases = index.bySlot[code != 0 ? Closed.slot(code)
          : Closed.slot(tk.text, tk.start[q], tk.end[q], tk.rawHash[q])];
      return phrases == null ? CueIndex.NONE : phrases;
    }
    return index.byLast.getOrDefault(tk.lower(q), CueIndex.NONE);
  }

  private Cue personCue(int p) {
    Cue c = personCueAt(p);
    if (c == Cue.NONE && (tk.isPunct(p - 1, ':') || tk.isPunct(p - 1, ',')) && p > 1 && tk.isWord(p - 2)) {
      c = personCueAt(p - 1); // "Directed By: X", "Regards, X"
    }
    return c;
  }

  private Cue personCueAt(int p) {
    Cue best = Cue.NONE;
    for (Phrase cue : candidates(PERSON_CUES, p)) {
      if (conservative && cue.words().length == 1 && (cue.words()[0].equals("im") || cue.words()[0].equals("hi"))) {
        continue; // German "im Garten"
      }
      if (precededBy(p, cue)) {
        if (cue.strong()) {
          return Cue.STRONG;
        }
        best = Cue.WEAK;
      }
    }
    return best;
  }

  /**
   * The tokens right before {@code p} are {@code cue} (lower-case; punctuation tokens match literally). A
   * word with a plain code is compared by code, one {@code long} compare instead of its chars.
   */
  private boolean precededBy(int p, Phrase cue) {
    String[] words = cue.words();
    long[] codes = cue.codes();
    int q = p - 1;
    for (int k = words.length - 1; k >= 0; k--, q--) {
      if (q < 0) {
        return false;
      }
      long code = codes[k];
      if (code != 0) {
        if (tk.plainCode[q] != code) {
          return false;
        }
        continue;
      }
      String w = words[k];
      if (w.length() == 1 && !CharClass.isLetterOrDigit(w.charAt(0))) {
        if (!tk.isPunct(q, w.charAt(0))) {
          return false;
        }
      } else if (!tk.is(q, w)) {
        return false;
      }
    }
    return true;
  }

  private void add(List<Span> out, boolean[] taken, int from, int to, EntityType type, double score) {
    // never end a span on punctuation other than the period of an abbreviation
    while (to > from && tk.kind[to - 1] == Tokens.PUNCT && !tk.isPunct(to - 1, '.')) {
      to--;
    }
    if (to <= from || score <= 0.0) {
      return;
    }
    out.add(new Span(tk.start[from], tk.end[to - 1], type, Math.min(1.0, score)));
  }
}
