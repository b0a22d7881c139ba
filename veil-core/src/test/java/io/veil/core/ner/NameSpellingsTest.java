package io.veil.core.ner;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Accented and stroked spellings of names get the name strengths of their ASCII spellings in the bundled
 * lexicon, and only name strengths: never a common-word or place flag.
 */
class NameSpellingsTest {
  private static final Lexicon LEXICON = GazetteerNerEngine.lexicon();

  private static int flags(String word) {
    return NameSpellings.withFolded(LEXICON, word, 0, word.length(), LEXICON.lookup(word, 0, word.length()));
  }

  @ParameterizedTest
  @CsvSource(textBlock = """
      José,        jose
      Zoë,         zoe
      Søren,       soren
      Bjørn,       bjorn
      Łukasz,      lukasz
      Strauß,      strauss
      Weiß,        weiss
      François,    francois
      Dvořák,      dvorak
      Schröder,    schroeder
      """)
  void anAccentedNameHasTheNameStrengthsOfItsAsciiSpelling(String accented, String ascii) {
    int expected = LEXICON.lookup(ascii, 0, ascii.length()) & NameSpellings.NAME_MASK;
    assertThat(expected).as("the lexicon knows %s as a name", ascii).isNotZero();
    assertThat(flags(accented) & NameSpellings.NAME_MASK).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(textBlock = """
      Müller,   muller,   mueller
      Jürgen,   jurgen,   juergen
      Schröder, schroder, schroeder
      """)
  void anUmlautTakesTheStrongerOfItsTwoSpellings(String word, String plain, String german) {
    int a = LEXICON.lookup(plain, 0, plain.length());
    int b = LEXICON.lookup(german, 0, german.length());
    int f = flags(word);
    assertThat(Lexicon.first(f)).isEqualTo(Math.max(Lexicon.first(a), Lexicon.first(b)));
    assertThat(Lexicon.last(f)).isEqualTo(Math.max(Lexicon.last(a), Lexicon.last(b)));
  }

  @ParameterizedTest
  @CsvSource(textBlock = """
      Smith
      John
      Paris
      the
      """)
  void aWordWithoutAccentsKeepsItsFlags(String word) {
    assertThat(flags(word)).isEqualTo(LEXICON.lookup(word, 0, word.length()));
  }

  @Property(tries = 1000)
  void onlyNameStrengthsAreAddedAndOwnNameStrengthsAreKept(
      @ForAll @CharRange(from = 'a', to = 'z') @CharRange(from = '\u00c0', to = '\u024f') @StringLength(min = 1, max = 10) String w) {
    int own = LEXICON.lookup(w, 0, w.length());
    int f = flags(w);
    assertThat(f & ~NameSpellings.NAME_MASK).isEqualTo(own & ~NameSpellings.NAME_MASK);
    if ((own & NameSpellings.NAME_MASK) != 0) {
      assertThat(f).isEqualTo(own);
    }
  }

  /** The look-up through the built spelling strings, which the packed per-char path must equal. */
  private static int reference(String w) {
    int own = LEXICON.lookup(w, 0, w.length());
    if ((own & NameSpellings.NAME_MASK) != 0 || !w.matches(".*[\u00c0-\u024f].*")) {
      return own;
    }
    String plain = NameSpellings.spelling(w, 0, w.length(), false);
    int names = LEXICON.lookup(plain, 0, plain.length()) & NameSpellings.NAME_MASK;
    if (w.matches(".*[\u00e4\u00f6\u00fc\u00c4\u00d6\u00dc].*")) {
      String german = NameSpellings.spelling(w, 0, w.length(), true);
      int other = LEXICON.lookup(german, 0, german.length());
      names = Math.max(Lexicon.first(names), Lexicon.first(other))
          | Math.max(Lexicon.last(names), Lexicon.last(other)) << Lexicon.LAST_SHIFT;
    }
    return own | names;
  }

  @Property(tries = 3000)
  void thePackedLookUpEqualsTheLookUpOfTheSpelling(@ForAll("names") String w) {
    assertThat(flags(w)).as(w).isEqualTo(reference(w));
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> names() {
    // accented spellings of listed names ("Jösé", "Müller", "Bjørn"), long words, other scripts and marks
    net.jqwik.api.Arbitrary<String> accented = net.jqwik.api.Arbitraries.of("jose", "zoe", "muller", "soren",
        "lukasz", "strauss", "francois", "schroeder", "maria", "bjorn", "alexanderson", "o'brien", "jean-luc")
        .flatMap(n -> net.jqwik.api.Arbitraries.of("\u0301", "\u0308", "\u0300", "")
            .map(mark -> java.text.Normalizer.normalize(n.charAt(0) + mark + n.substring(1), java.text.Normalizer.Form.NFC)));
    net.jqwik.api.Arbitrary<String> stroked = net.jqwik.api.Arbitraries.of("Søren", "Łukasz", "Strauß", "Bjørn",
        "Ærø", "Þór", "Đorđe", "Ǣlfric", "Müller", "Jürgen", "Schröder", "Mueller-Lüdenscheidt", "e\u0301mile",
        "Ĳssel", "Москва", "İlkay", "ışık");
    net.jqwik.api.Arbitrary<String> random = net.jqwik.api.Arbitraries.strings().withCharRange('a', 'z')
        .withCharRange('\u00c0', '\u0260').ofMinLength(1).ofMaxLength(14);
    return net.jqwik.api.Arbitraries.oneOf(accented, stroked, random);
  }

  @Property(tries = 3000)
  void theSpellingLeavesNoLetterItCouldStillSpellOut(
      @ForAll @CharRange(from = 'A', to = 'z') @CharRange(from = '\u00c0', to = '\u024f') @StringLength(min = 1, max = 10) String w) {
    for (boolean german : new boolean[] {false, true}) {
      String s = NameSpellings.spelling(w, 0, w.length(), german);
      // no accent, umlaut or stroked letter is left ("Ǣ" decomposes to "Æ", which must be spelled out too)
      assertThat(NameSpellings.spelling(s, 0, s.length(), german)).as("%s -> %s", w, s).isEqualTo(s);
      assertThat(s).as(w).doesNotContainPattern("[\\p{M}\u00e4\u00f6\u00fc\u00c4\u00d6\u00dc\u00f8\u00d8\u0142\u0141"
          + "\u00df\u00e6\u00c6\u0153\u0152\u0111\u0110\u00f0\u00d0\u00fe\u00de\u0131\u0127\u0126]");
    }
  }
}
