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
