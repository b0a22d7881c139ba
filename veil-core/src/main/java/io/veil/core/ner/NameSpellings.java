package io.veil.core.ner;

/**
 * Name evidence for a word the name lists know only without its accents: "José", "Zoë", "Krisztián",
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
 * <p>Stateless and thread-safe. Allocates only for a word with a Latin letter in U+00C0..U+024F that has
 * no name strength of its own.
 */
final class NameSpellings {
  /** The first-name and surname strength bits of a lexicon value. */
  static final int NAME_MASK = Lexicon.FIRST_MASK | (0xF << Lexicon.LAST_SHIFT);

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
    String plain = spelling(text, start, end, false);
    int names = lexicon.lookup(plain, 0, plain.length()) & NAME_MASK;
    if (umlaut) {
      String german = spelling(text, start, end, true);
      int other = lexicon.lookup(german, 0, german.length());
      names = Math.max(Lexicon.first(names), Lexicon.first(other))
          | Math.max(Lexicon.last(names), Lexicon.last(other)) << Lexicon.LAST_SHIFT;
    }
    return flags | names;
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
