package io.veil.core.ner;

/**
 * Name evidence for a word the name lists know only without its accents: "José", "Zoë", "Bjørn",
 * "Søren", "Łukasz", "Müller". The lexicon's name keys are ASCII (US census and SSA lists), so an accented
 * spelling finds no first-name or surname strength of its own; this look-up adds the strengths of its
 * ASCII spellings: accents removed ({@link AccentFolding}), the letters NFD does not decompose spelled
 * out (ø→o, ł→l, ß→ss, æ→ae, œ→oe, đ/ð→d, þ→th, ı→i, ħ→h), and for a word with ä/ö/ü also the German
 * spelling with ae/oe/ue ("Müller" → "Mueller"), each strength the stronger of the two.
 *
 * <p>Only name strengths are added: a folded spelling is no evidence of a common English word or a place.
 * A word whose own spelling already has a name strength keeps its flags unchanged. In French, Spanish or
 * German text many accented common words fold to a rare census surname ("médico" → "medico"); the model
 * weighs that evidence with the word's case and context (a variant that skipped lower-case words in cased
 * text scored lower on the selection part, docs/notes/ner9.md).
 *
 * <p>Thread-safe (immutable tables). Allocation-free for a word whose chars are all below U+0250 and whose
 * spelling is a plain lexicon key ({@link Lexicon#plainCode}): its code is packed from per-char spellings
 * computed once at class load; other words build the spelling as a string.
 */
final class NameSpellings {
  /** The first-name and surname strength bits of a lexicon value. */
  static final int NAME_MASK = Lexicon.FIRST_MASK | (0xF << Lexicon.LAST_SHIFT);

  /** Chars below this one are spelled one at a time from {@link #PLAIN} and {@link #GERMAN}. */
  private static final char LIMIT = '\u0250';
  /** {@link #spelling} of each char below {@link #LIMIT}, alone. */
  private static final String[] PLAIN = new String[LIMIT];
  /** {@link #spelling} with ä/ö/ü as ae/oe/ue of each char below {@link #LIMIT}, alone. */
  private static final String[] GERMAN = new String[LIMIT];

  static {
    for (char c = 0; c < LIMIT; c++) {
      String one = String.valueOf(c);
      PLAIN[c] = spelling(one, 0, 1, false);
      GERMAN[c] = spelling(one, 0, 1, true);
    }
  }

  private NameSpellings() {}

  /**
   * {@code flags} (the lexicon's value of {@code text[start, end)}) with the name strengths of the word's
   * ASCII spellings added, when {@code flags} has none and the word has an accented or stroked Latin letter.
   */
  static int withFolded(Lexicon lexicon, String text, int start, int end, int flags) {
    if ((flags & NAME_MASK) != 0) {
      return flags;
    }
    boolean accented = false;
    boolean umlaut = false;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (c >= '\u00c0' && c <= '\u024f') {
        accented = true;
        umlaut |= c == '\u00e4' || c == '\u00f6' || c == '\u00fc' || c == '\u00c4' || c == '\u00d6' || c == '\u00dc';
      }
    }
    if (!accented) {
      return flags;
    }
    int names = lookUp(lexicon, text, start, end, false) & NAME_MASK;
    if (umlaut) {
      int other = lookUp(lexicon, text, start, end, true);
      names = Math.max(Lexicon.first(names), Lexicon.first(other))
          | Math.max(Lexicon.last(names), Lexicon.last(other)) << Lexicon.LAST_SHIFT;
    }
    return flags | names;
  }

  /**
   * The lexicon's flags of {@link #spelling}{@code (text, start, end, german)}. The spelling of chars below
   * {@link #LIMIT} is the concatenation of their own spellings (each decomposes independently, see
   * {@link AccentFolding}), so its {@link Lexicon#plainCode} is packed char by char without building it.
   */
  private static int lookUp(Lexicon lexicon, String text, int start, int end, boolean german) {
    String[] table = german ? GERMAN : PLAIN;
    long code = 0;
    int length = 0;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (c >= LIMIT) {
        return lookUpString(lexicon, text, start, end, german);
      }
      String one = table[c];
      for (int k = 0; k < one.length(); k++) {
        int symbol = Lexicon.symbol(Lexicon.norm(one.charAt(k)));
        if (symbol == 0 || ++length > Lexicon.PLAIN_MAX) {
          return lookUpString(lexicon, text, start, end, german); // not a plain key: the pooled table
        }
        code = code << 5 | symbol;
      }
    }
    return length == 0 ? lookUpString(lexicon, text, start, end, german) : lexicon.lookupPlain(code);
  }

  private static int lookUpString(Lexicon lexicon, String text, int start, int end, boolean german) {
    String s = spelling(text, start, end, german);
    return lexicon.lookup(s, 0, s.length());
  }

  /**
   * The ASCII spelling of {@code text[start, end)}; with {@code german}, ä/ö/ü as ae/oe/ue. The umlauts are
   * spelled out first, then the accents removed, then the letters that decomposition leaves (so "Ǣ", Æ with
   * a macron, becomes "Ae" as "Æ" does).
   */
  static String spelling(String text, int start, int end, boolean german) {
    String word = text.substring(start, end);
    if (german) {
      StringBuilder b = new StringBuilder(word.length() + 2);
      for (int i = 0; i < word.length(); i++) {
        char c = word.charAt(i);
        switch (c) {
          case '\u00e4', '\u00c4' -> b.append(c == '\u00e4' ? "ae" : "Ae");
          case '\u00f6', '\u00d6' -> b.append(c == '\u00f6' ? "oe" : "Oe");
          case '\u00fc', '\u00dc' -> b.append(c == '\u00fc' ? "ue" : "Ue");
          default -> b.append(c);
        }
      }
      word = b.toString();
    }
    String folded = AccentFolding.fold(word, 0, word.length());
    StringBuilder b = new StringBuilder(folded.length() + 2);
    for (int i = 0; i < folded.length(); i++) {
      char c = folded.charAt(i);
      String s = switch (c) {
        case '\u00f8', '\u00d8' -> "o";
        case '\u0142', '\u0141' -> "l";
        case '\u00df' -> "ss";
        case '\u00e6', '\u00c6' -> "ae";
        case '\u0153', '\u0152' -> "oe";
        case '\u0111', '\u0110', '\u00f0', '\u00d0' -> "d";
        case '\u00fe', '\u00de' -> "th";
        case '\u0131' -> "i";
        case '\u0127', '\u0126' -> "h";
        default -> null;
      };
      if (s != null) {
        b.append(s);
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
