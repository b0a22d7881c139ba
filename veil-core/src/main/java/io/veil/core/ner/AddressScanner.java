package io.veil.core.ner;

import io.veil.core.EntityType;
import io.veil.core.ner.GazetteerNerEngine.Span;
import java.util.List;
import java.util.Set;

/**
 * Finds street addresses: a street core (house number + street name + suffix such as "Street"/"Ave";
 * a street-word prefix such as "rue"/"calle"/"via" + name + number; a compound such as
 * "Hauptstraße 5"/"Sludevej 13"), then everything that continues it: unit ("Apt. 4"), city,
 * state, postal code and country, across commas and up to four line breaks. Also military
 * addresses (APO/FPO/DPO), lone units and postal codes after "zip code". Not thread-safe.
 */
final class AddressScanner {
  /** English street suffixes (full and abbreviated). */
  static final Set<String> SUFFIXES = Words.set(
      "street", "st", "avenue", "ave", "av", "road", "rd", "boulevard", "blvd", "lane", "ln", "drive", "dr", "way",
      "court", "ct", "place", "pl", "terrace", "ter", "circle", "cir", "parkway", "pkwy", "square", "sq", "highway",
      "hwy", "trail", "trl", "crescent", "cres", "close", "row", "alley", "plaza", "greens", "green", "flats", "park",
      "gardens", "gdns", "heights", "hill", "hills", "ridge", "view", "village", "walk", "grove", "loop", "pike",
      "creek", "crossing", "xing", "station", "expressway", "freeway", "motorway", "mews", "rise", "vale", "wharf",
      "quay", "parade", "esplanade", "promenade", "route", "rte", "estate", "estates", "meadows", "meadow", "manor",
      "common", "commons", "junction", "landing", "harbor", "harbour", "point", "pines", "port", "run", "shore",
      "shores", "springs", "summit", "valley", "villas", "vista", "well", "wells", "union", "fields", "field", "falls",
      "forest", "fort", "glen", "haven", "island", "isle", "lake", "lakes", "mall", "mill", "mills", "mount",
      "mountain", "orchard", "oval", "pass", "path", "plains", "prairie", "ranch", "rapids", "rest", "river",
      "shoal", "spur", "stream", "track", "trace", "turnpike", "underpass", "viaduct", "ville", "str", "straße",
      "strasse", "gasse", "weg", "allee", "platz", "ring", "damm", "ufer");

  /** Full English suffixes: enough without a house number ("Vizirov Street"). */
  static final Set<String> FULL_SUFFIXES = Words.set(
      "street", "avenue", "road", "boulevard", "lane", "drive", "terrace", "parkway", "highway", "crescent",
      "straße", "strasse", "gasse", "allee", "platz");

  /** Words that open a street name in Romance, Slavic and other languages. */
  static final Set<String> PREFIXES = Words.set(
      "rue", "avenue", "avda", "avenida", "calle", "c", "carrer", "via", "viale", "vicolo", "piazza", "piazzale",
      "corso", "largo", "plaza", "paseo", "camino", "carretera", "rua", "travessa", "praça", "estrada", "ul",
      "ulica", "aleja", "al", "boulevard", "bd", "bld", "chemin", "quai", "impasse", "allée", "route",
      "strada", "calea", "bulevardul", "str", "odos", "leoforos", "rr", "rruga", "ulitsa", "prospekt",
      "jalan", "jl", "soi", "thanon", "hameau", "lieu", "cours", "passage", "sentier", "square", "rambla", "ronda",
      "vía", "pasaje", "glorieta", "r", "ctra", "cra", "cl", "pje", "trav", "the", "corner");

  /** Endings of compound street names ("Hauptstraße", "Sludevej", "Västerviksgatan", "Koskikatu"). */
  static final String[] MORPHEMES = {
      "straße", "strasse", "str", "gasse", "weg", "allee", "platz", "ring", "damm", "ufer", "steig", "pfad",
      "gatan", "gata", "vägen", "väg", "vej", "gade", "stræde", "allé", "laan", "straat", "plein", "gracht",
      "kade", "singel", "steeg", "dreef", "markt", "katu", "kuja", "tie", "polku", "utca", "ulica", "vegen",
      "veien", "veg", "gate", "gränd", "torget", "torg", "stig", "brekka", "gata", "braut", "stræti", "cesta",
      "ulice", "náměstí", "trída", "třída"};

  /**
   * Street words written as a word of their own after the name and before the house number
   * ("Nordahl Rolfsens vei 187", "Hegedűs Gyula utca 7", "Dózsa György út 78", "Kossuth tér 3").
   * Only words that are no everyday English word ("gate 23" at an airport, "tie") are listed.
   */
  static final Set<String> STANDALONE = Words.set(
      "vei", "veien", "vej", "gade", "utca", "út", "útja", "tér", "tere", "körút", "sokak", "sokağı", "caddesi",
      "gatan", "vägen", "katu", "straat", "ulica", "ulice", "strasse", "straße", "gasse");

  /** Unit designators. */
  static final Set<String> UNITS = Words.set(
      "apt", "apartment", "suite", "ste", "unit", "floor", "fl", "room", "rm", "bldg", "building", "flat", "box",
      "po", "dept", "piso", "etage", "whg", "top", "lgh");

  private final Tokens tk;
  private final boolean conservative;

  AddressScanner(Tokens tokens, boolean conservative) {
    this.tk = tokens;
    this.conservative = conservative;
  }

  void scan(List<Span> out, boolean[] taken) {
    if (!tk.anyNumber && (tk.closedUnion & (Closed.LOWER_STARTS | Closed.PREFIXES | Closed.FULL_SUFFIXES)) == 0) {
      // every address tryAt finds has a house number, P.O. box or zip number, a prefix word ("rue",
      // "via"), a full street suffix ("Street") or a LOWER_STARTS word ("apt", "corner"): none here
      return;
    }
    int[] starts = tk.scratch();
    int count = mayStart(starts);
    int i = 0;
    for (int k = count - 1; k >= 0; k--) { // mayStart lists them last first
      int c = starts[k];
      if (c >= i) {
        int e = tryAt(c, out, taken);
        i = e > c ? e : c + 1;
      }
    }
  }

  /**
   * Writes to {@code starts} the tokens where {@link #tryAt} may find an address, <b>last first</b>, and returns
   * how many. {@link #tryAt} returns at once, having added nothing, at any other token: it needs a house number
   * of at most 6 chars at the token, or a word that is one of {@link #LOWER_STARTS} or {@link #PREFIXES}, or that
   * has a number within 5 tokens after it (a compound street name before its number, {@link #numberAfter}) or a
   * {@link #FULL_SUFFIXES} word within 3 ("Vizirov Street"). One backward loop without data-dependent branches
   * instead of several unpredictable tests per token in {@link #tryAt}.
   */
  private int mayStart(int[] starts) {
    byte[] kind = tk.kind;
    int[] closed = tk.closed;
    int nextNumber = Integer.MAX_VALUE / 2;
    int nextSuffix = Integer.MAX_VALUE / 2;
    int count = 0;
    for (int t = tk.size - 1; t >= 0; t--) {
      byte k = kind[t];
      int c = closed[t];
      boolean number = k == Tokens.NUM;
      boolean word = k == Tokens.WORD & ((c & (Closed.LOWER_STARTS | Closed.PREFIXES)) != 0
          | nextNumber - t <= 5 | nextSuffix - t <= 3);
      starts[count] = t;
      count += number & tk.end[t] - tk.start[t] <= 6 | word ? 1 : 0;
      nextNumber = number ? t : nextNumber;
      nextSuffix = (c & Closed.FULL_SUFFIXES) != 0 ? t : nextSuffix;
    }
    return count;
  }

  /** Tries an address starting at token {@code i}; returns the end token if one was added. */
  /** Lower-case words that may open an address; any other lower-case word is skipped at once. */
  static final Set<String> LOWER_STARTS = Words.set(
      "corner", "zip", "postal", "postcode", "zipcode", "apt", "suite", "apartment", "ste", "p", "po", "post",
      "postfach", "apartado", "bp", "unit", "psc", "apo", "fpo", "dpo");

  private int tryAt(int i, List<Span> out, boolean[] taken) {
    byte kind = tk.kind[i];
    if (kind == Tokens.PUNCT || kind == Tokens.MIXED) {
      return i;
    }
    if (kind == Tokens.WORD && !tk.isCap(i) && !tk.caseless) {
      if (!tk.in(i, Closed.LOWER_STARTS | Closed.PREFIXES) && !(numberAfter(i) && endsWithMorpheme(i))) {
        return i;
      }
    }
    // every word the checks below compare with is one of LOWER_STARTS: one bit test rules them all out
    boolean starter = tk.in(i, Closed.LOWER_STARTS);
    if (starter && tk.isWord(i) && (tk.is(i, "apo") || tk.is(i, "fpo") || tk.is(i, "dpo")) && tk.isAllCaps(i)
        && tk.isWord(i + 1) && tk.length(i + 1) == 2 && tk.isNum(i + 2) && tk.length(i + 2) == 5) {
      int s = militaryStart(i);
      return emit(out, taken, s, i + 3, 0.85);
    }
    if (starter && tk.is(i, "corner") && tk.is(i + 1, "of")) {
      int e = corner(i + 2);
      if (e > 0) {
        return emit(out, taken, tk.is(i - 1, "the") ? i - 1 : i, e, 0.8);
      }
    }
    int core = -1;
    double score = 0;
    int start = i;
    if (tk.isNum(i) && tk.length(i) <= 6) {
      // house number(s), street name words, suffix
      int p = i + 1;
      if (tk.isNum(p) && !tk.nlBefore(p) && tk.length(p) <= 5) {
        p++;
      }
      int e = poBox(p);
      if (e < 0) {
        e = streetAfterNumber(p);
      }
      if (e > 0) {
        core = e;
        score = 0.8;
      } else if (tk.isWord(p) && !tk.nlBefore(p) && tk.in(p, Closed.PREFIXES) && !tk.is(p, "the")) {
        e = prefixed(p, true);
        if (e > 0) {
          core = e;
          score = 0.8;
        }
      } else if (isCapOrLowerWord(p) && !tk.nlBefore(p)) {
        // "9721 Dalmatinova 43": number, name, number
        int q = p;
        while (q < p + 3 && isCapOrLowerWord(q) && !tk.nlBefore(q)) {
          q++;
        }
        if (q > p && tk.isNum(q) && tk.length(q) <= 4 && !tk.nlBefore(q) && morphemeOrUnknown(p, q)) {
          core = q + 1;
          score = 0.45;
        }
      }
    } else if (poBox(i) > 0) {
      core = poBox(i);
      score = 0.8;
    } else if (tk.isWord(i) && tk.in(i, Closed.PREFIXES) && !tk.is(i, "the") && !tk.is(i, "corner")) {
      int e = prefixed(i, false);
      if (e > 0) {
        core = e;
        score = 0.8;
      }
    } else if (tk.isWord(i) && (tk.isCap(i) || tk.isLower(i))) {
      int q = i;
      // the words before the street word are capitalised name parts ("Neuendorfer Straße 90", "Hegedűs Gyula utca 7")
      int street = -1;
      while (q < i + 4 && tk.isWord(q) && (q == i || !tk.nlBefore(q))) {
        if (numberAfter(q) && endsWithMorpheme(q)) {
          street = q;
          break;
        }
        if (!(tk.isCap(q) || tk.caseless) || tk.in(q, Closed.FUNCTION)) {
          break;
        }
        q++;
      }
      if (street >= 0 && (street == i || tk.isCap(i) || tk.caseless)) {
        int e = q + 1;
        if (tk.isPunct(e, '.')) {
          e++;
        }
        if (isHouseNumber(e) && !tk.nlBefore(e)) {
          core = e + 1;
          score = 0.8;
        }
      } else if (tk.isCap(i) && !tk.sentenceStart(i) && !tk.titleLine(i) && !conservative) {
        // "Vizirov Street": capitalised name + full suffix, no number
        int e = i;
        while (e < i + 3 && tk.isCap(e) && !tk.nlBefore(e) && !tk.in(e, Closed.FULL_SUFFIXES)) {
          e++;
        }
        if (e > i && e < tk.size && tk.isCap(e) && tk.in(e, Closed.FULL_SUFFIXES) && !tk.nlBefore(e)) {
          core = e + 1;
          score = 0.55;
        }
      }
      if (core < 0 && starter && (tk.is(i, "apt") || tk.is(i, "suite") || tk.is(i, "apartment") || tk.is(i, "ste")
          || tk.is(i, "unit") && tk.isCap(i))) {
        int e = unit(i);
        if (e > 0) {
          return emit(out, taken, i, continuation(e, true), 0.6);
        }
      }
      if (core < 0 && starter && (tk.is(i, "zip") || tk.is(i, "postal") || tk.is(i, "postcode") || tk.is(i, "zipcode"))) {
        for (int z = i + 1; z < Math.min(tk.size, i + 5); z++) {
          if (tk.isNum(z) && (tk.length(z) == 5 || tk.length(z) == 4)) {
            return emit(out, taken, z, z + 1, 0.7) > 0 ? z + 1 : i + 1;
          }
        }
      }
    }
    if (core < 0) {
      return i;
    }
    int end = continuation(core, tk.isNum(core - 1));
    if (end > core) {
      score += 0.1;
    }
    if (score < 0.7 && addressCue(start)) {
      score += 0.2;
    }
    return emit(out, taken, start, end, score);
  }

  /** After the house number(s) at {@code p}: 1–4 name words then a suffix; returns the end or -1. */
  private int streetAfterNumber(int p) {
    int q = p;
    while (q < p + 5 && q < tk.size && !tk.nlBefore(q) && (tk.isWord(q) || tk.isNum(q) && isOrdinal(q))) {
      if (q > p && tk.isWord(q) && tk.in(q, Closed.SUFFIXES) && (tk.isCap(q) || tk.caseless)) {
        int e = q + 1;
        if (tk.isPunct(e, '.')) {
          e++;
        }
        return e;
      }
      if (tk.isWord(q) && (!tk.isCap(q) && !tk.caseless && !tk.in(q, Closed.PARTICLES)
          || tk.in(q, Closed.FUNCTION))) {
        return -1;
      }
      q++;
    }
    return -1;
  }

  /** "the corner of A Street and B Avenue": the end of the second street, or -1. */
  private int corner(int p) {
    int and = -1;
    for (int q = p; q < Math.min(tk.size, p + 10) && !tk.nlBefore(q); q++) {
      if (tk.is(q, "and") || tk.isPunct(q, '&')) {
        and = q;
        break;
      }
    }
    if (and <= p) {
      return -1;
    }
    int e = and + 1;
    while (e < Math.min(tk.size, and + 7) && !tk.nlBefore(e)
        && (tk.isCap(e) || tk.isNum(e) || tk.isPunct(e, '.') && e > and + 1 || tk.isWord(e) && tk.caseless)) {
      e++;
    }
    while (e > and + 1 && tk.isPunct(e - 1, '.')) {
      e--;
    }
    return e > and + 1 ? e : -1;
  }

  /** "P.O. Box 41", "PO Box 41", "Postfach 12": the end, or -1. */
  private int poBox(int p) {
    if (!tk.in(p, Closed.LOWER_STARTS)) {
      return -1; // "p", "po", "post", "postfach", "apartado" and "bp" are all LOWER_STARTS
    }
    int q = p;
    if (tk.is(q, "p") && tk.isPunct(q + 1, '.') && tk.is(q + 2, "o")) {
      q += 3;
      if (tk.isPunct(q, '.')) {
        q++;
      }
    } else if (tk.is(q, "po") || tk.is(q, "post") && tk.is(q + 1, "office") && q++ >= 0) {
      q++;
    } else if (tk.is(q, "postfach") || tk.is(q, "apartado") || tk.is(q, "bp")) {
      return tk.isNum(q + 1) ? q + 2 : -1;
    } else {
      return -1;
    }
    if (tk.is(q, "box") && tk.isNum(q + 1)) {
      return q + 2;
    }
    return -1;
  }

  /** A house number follows token {@code t}, maybe after a period ("Michaelkirchstr. 15"). */
  private boolean numberAfter(int t) {
    int n = tk.isPunct(t + 1, '.') ? t + 2 : t + 1;
    return isHouseNumber(n);
  }

  /** "12", "12B", "90c": digits, maybe one letter; not "19th". */
  private boolean isHouseNumber(int t) {
    if (!tk.isNum(t) || tk.length(t) > 5) {
      return false;
    }
    int letters = 0;
    for (int i = tk.start[t]; i < tk.end[t]; i++) {
      if (CharClass.isLetter(tk.text.charAt(i))) {
        letters++;
      }
    }
    return letters <= 1;
  }

  private boolean isOrdinal(int t) {
    String s = tk.lower(t);
    return s.endsWith("th") || s.endsWith("st") || s.endsWith("nd") || s.endsWith("rd");
  }

  /** "rue du Centre 32", "Calle Mayor, 5", "via Roma 3": returns the end or -1. */
  private int prefixed(int p, boolean numbered) {
    int q = p + 1;
    // a bare abbreviation ("C", "R", "Al" with no "." or "/") may be a person's initial ("C Capon lives at")
    boolean bare = tk.length(p) <= 2;
    if (tk.isPunct(q, '.') || tk.isPunct(q, '/')) {
      q++;
      bare = false;
    }
    int words = 0;
    while (q < tk.size && words < 6 && !tk.nlBefore(q) && tk.isWord(q) && !tk.in(q, Closed.UNITS)
        && (!bare || streetNameWord(q))) {
      q++;
      words++;
    }
    if (words == 0) {
      return -1;
    }
    int wordsEnd = q;
    if (tk.isPunct(q, ',') && tk.isNum(q + 1)) {
      q++;
    }
    if (isHouseNumber(q) && !tk.nlBefore(q)) {
      return q + 1;
    }
    return numbered && words <= 4 ? wordsEnd : -1;
  }

  /**
   * A word of a street name after its prefix word: capitalised ("rue Saint-Jacques"), a particle ("rue
   * du Centre", "calle de la Paz") or a lower-case word that is no everyday word; in a cased text an
   * everyday or function word ("C Capon lives at 92597") ends the name.
   */
  private boolean streetNameWord(int t) {
    return tk.isCap(t) || tk.caseless || tk.in(t, Closed.PARTICLES)
        || (tk.flags[t] & Lexicon.COMMON) == 0 && !tk.in(t, Closed.FUNCTION);
  }

  private boolean isCapOrLowerWord(int t) {
    return tk.isWord(t) && !tk.in(t, Closed.NOT_NAMES);
  }

  private boolean morphemeOrUnknown(int p, int q) {
    for (int t = p; t < q; t++) {
      if (endsWithMorpheme(t)) {
        return true;
      }
    }
    for (int t = p; t < q; t++) {
      int f = tk.flags[t];
      if ((f & Lexicon.COMMON) != 0 || tk.length(t) < 3 || tk.in(t, Closed.FUNCTION)
          || t == p && !tk.isCap(t) && !tk.caseless) {
        return false;
      }
    }
    return true;
  }

  private boolean endsWithMorpheme(int t) {
    return morpheme(t) != null;
  }

  private String[] morphemeCache;
  private static final String NONE = "";

  private String morpheme(int t) {
    if (!tk.isWord(t)) {
      return null;
    }
    if (morphemeCache == null) {
      morphemeCache = new String[tk.size];
    }
    String m = morphemeCache[t];
    if (m == null) {
      m = findMorpheme(t);
      morphemeCache[t] = m == null ? NONE : m;
    }
    return m == NONE ? null : m;
  }

  private static final boolean[] MORPHEME_LAST = new boolean[128];

  static {
    for (String m : MORPHEMES) {
      char c = m.charAt(m.length() - 1);
      if (c < 128) {
        MORPHEME_LAST[c] = true;
      }
    }
  }

  /**
   * {@link Lexicon#plainCode}s of the {@link #STANDALONE} words that have one: an ASCII word is one of
   * them exactly when its code is here (its lower-case form is its normalised chars).
   */
  private static final long[] STANDALONE_CODES = STANDALONE.stream()
      .mapToLong(w -> Lexicon.plainCode(w, 0, w.length())).filter(c -> c != 0).sorted().toArray();

  private String findMorpheme(int t) {
    int len = tk.length(t);
    String text = tk.text;
    boolean ascii = tk.ascii(t);
    if (len <= 7 && (ascii ? java.util.Arrays.binarySearch(STANDALONE_CODES, tk.plainCode[t]) >= 0
        : STANDALONE.contains(tk.lower(t)))) {
      return tk.lower(t);
    }
    char lastChar = CharClass.toLowerCase(text.charAt(tk.end[t] - 1));
    if (lastChar < 128 && !MORPHEME_LAST[lastChar] && !tk.in(t, Closed.FULL_SUFFIXES)) {
      return null;
    }
    for (String m : MORPHEMES) {
      int ml = m.length();
      if (len >= ml && (len > ml + 1 || len == ml && ml >= 6)
          && text.regionMatches(true, tk.end[t] - ml, m, 0, ml)) {
        return m;
      }
    }
    if (ascii) {
      // the lower-case form of an ASCII word is its normalised chars: the closed list answers for the set
      return tk.in(t, Closed.FULL_SUFFIXES) ? tk.lower(t) : null;
    }
    String low = tk.lower(t);
    return FULL_SUFFIXES.contains(low) ? low : null;
  }

  /** A unit designator at {@code i} ("Apt. 4", "Suite 12B", "# 5"): its end, or -1. */
  private int unit(int i) {
    int q = i + 1;
    if (tk.isPunct(q, '.')) {
      q++;
    }
    if (tk.isPunct(q, '#')) {
      q++;
    }
    if (q < tk.size && !tk.nlBefore(q) && (tk.isNum(q) || tk.isWord(q) && tk.length(q) <= 2 && tk.isAllCaps(q))) {
      return q + 1;
    }
    return -1;
  }

  /**
   * Extends an address over unit, city, state, postal code and country parts; returns the new end.
   * {@code numberLast}: the core ends with its house number ("rue du Centre 32", "Hauptstraße 5", "Apt 4").
   *
   * <p>Where it stops: a capitalised run straight after the street (no comma, no line break between)
   * that the lexicon does not know as a place and no postal code follows is no city when it reads as
   * first name + surname ("12 Main St Mary Smith, …"), or, after a number-last house number, when a
   * comma closes it ("rue X, 85 Jean Dupont, négociant", "Calle Mayor 5 María García, propietaria"): in
   * number-last countries the city follows a comma, a line break or the postal code, so such a run is
   * the next entry's name. At a line end it still counts as the city ("Kerkstraat 12 Ede"), where a name
   * and a town cannot be told apart without a list.
   */
  private int continuation(int e, boolean numberLast) {
    int end = e;
    boolean afterHouseNumber = numberLast;
    int lines = 0;
    int parts = 0;
    int q = e;
    while (q < tk.size && parts < 8) {
      boolean separated = false;
      int r = q;
      if (tk.isPunct(r, ',')) {
        separated = true;
        r++;
      }
      if (r < tk.size && tk.nlBefore(r)) {
        if (++lines > 4) {
          break;
        }
        separated = true;
      }
      if (r >= tk.size) {
        break;
      }
      if (tk.isPunct(r, ',') && !separated) {
        r++;
        separated = true;
      }
      // quoted or bulleted lines: "> Suite 12", "??? Rotterdam"
      while (separated && r < tk.size && tk.kind[r] == Tokens.PUNCT && !tk.isPunct(r, '#') && !tk.isPunct(r, ',')
          && (tk.nlBefore(r) || r > 0 && tk.kind[r - 1] == Tokens.PUNCT && !tk.spaceBefore(r))) {
        r++;
      }
      if (r >= tk.size) {
        break;
      }
      int next = -1;
      boolean houseNumber = false;
      if (tk.isWord(r) && tk.in(r, Closed.UNITS)) {
        next = unit(r);
        houseNumber = true;
      } else if (tk.isPunct(r, '#') && tk.isNum(r + 1)) {
        next = r + 2;
        houseNumber = true;
      } else if (tk.isNum(r) && tk.length(r) >= 4 && tk.length(r) <= 6) {
        if (tk.isNum(r + 1) && !tk.nlBefore(r + 1) && tk.length(r + 1) >= 4) {
          // "0319 3649187": a phone number on the next line, no postal code; taking its first group would
          // make the address overlap the PHONE finding, and the analyzer would then drop the whole address
          break;
        }
        next = r + 1;
        if (tk.isPunct(next, '-') && tk.isNum(next + 1) && tk.length(next + 1) == 4) {
          next += 2;
        }
      } else if (tk.isWord(r) && tk.isAllCaps(r) && tk.length(r) == 2) {
        next = r + 1;
      } else if (tk.isWord(r) && (tk.isCap(r) || tk.isLower(r) && separated)) {
        int w = r;
        while (w < r + 5 && w < tk.size && (tk.isWord(w) && (tk.isCap(w) || tk.isLower(w) && separated)
            || tk.isPunct(w, '.') && w > r) && (w == r || !tk.nlBefore(w))) {
          if (tk.isLower(w) && (tk.flags[w] & Lexicon.COMMON) != 0 && !tk.in(w, Closed.PARTICLES)
              && (tk.flags[w] & Lexicon.PLACE) == 0) {
            break;
          }
          w++;
        }
        while (w > r && tk.isPunct(w - 1, '.')) {
          w--;
        }
        if (w > r) {
          int run = tk.lexiconLookup(r, w);
          boolean known = (run & Lexicon.PLACE) != 0;
          boolean lineEnds = w >= tk.size || tk.nlBefore(w);
          // straight after the street: a first name + surname is the next person ("12 Main St Mary Smith");
          // straight after a number-last house number, any run a comma closes is the next entry's name
          // ("rue X, 85 Jean Dupont, négociant"); at a line end it is read as the city ("Kerkstraat 12 Ede")
          boolean postal = tk.isNum(w) && tk.length(w) >= 4;
          boolean person = !known && !separated && (afterHouseNumber && !lineEnds && !postal || personName(r, w));
          boolean place = known || (tk.flags[r] & Lexicon.PLACE) != 0 && !person;
          boolean closes = lineEnds || tk.isPunct(w, ',');
          if (place || !person && (postal || closes)) {
            next = w;
          }
        }
      }
      if (next <= r) {
        break;
      }
      end = next;
      q = next;
      parts++;
      afterHouseNumber = houseNumber;
    }
    return end;
  }

  /**
   * Tokens {@code [r, w)} read as a person's name: two or more words, the first a known first name that
   * is no everyday word ("Lake", "Port" open town names), the last a known surname.
   */
  private boolean personName(int r, int w) {
    int last = w - 1;
    while (last > r && !tk.isWord(last)) {
      last--;
    }
    return last > r && Lexicon.first(tk.flags[r]) > 0 && (tk.flags[r] & Lexicon.COMMON) == 0
        && Lexicon.last(tk.flags[last]) > 0;
  }

  private int militaryStart(int i) {
    // the line before: "PSC 2721, Box 8637", "Unit 8464 Box 4410", "USNS Name", "USCGC Name"
    if (!tk.nlBefore(i)) {
      return i;
    }
    for (int s = i - 1; s >= Math.max(0, i - 6); s--) {
      if (tk.is(s, "psc") || tk.is(s, "unit") || tk.is(s, "cmr") || tk.is(s, "usns") || tk.is(s, "uss")
          || tk.is(s, "uscgc") || tk.is(s, "usnv")) {
        return s;
      }
      if (tk.nlBefore(s)) {
        break;
      }
    }
    return i;
  }

  private boolean addressCue(int start) {
    for (int q = start - 1; q >= Math.max(0, start - 6); q--) {
      if (tk.is(q, "address") || tk.is(q, "live") || tk.is(q, "lives") || tk.is(q, "located") || tk.is(q, "ship")
          || tk.is(q, "deliver") || tk.is(q, "sent") || tk.is(q, "send") || tk.is(q, "mail") || tk.is(q, "at")
          || tk.is(q, "moved") || tk.is(q, "residence") || tk.is(q, "adresse") || tk.is(q, "dirección")) {
        return true;
      }
    }
    return false;
  }

  private int emit(List<Span> out, boolean[] taken, int from, int to, double score) {
    while (to > from && tk.kind[to - 1] == Tokens.PUNCT) {
      to--;
    }
    if (to <= from) {
      return -1;
    }
    for (int t = from; t < to; t++) {
      if (taken[t]) {
        return -1;
      }
    }
    for (int t = from; t < to; t++) {
      taken[t] = true;
    }
    out.add(new Span(tk.start[from], tk.end[to - 1], EntityType.ADDRESS, Math.min(1.0, score)));
    return to;
  }
}
