package io.veil.core.ner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClosedTest {
  /** Each list's words and bit, straight from the lists (not from the table): the reference for every probe. */
  private static final Map<String, Integer> REFERENCE = reference();

  private static Map<String, Integer> reference() {
    Map<String, Integer> m = new HashMap<>();
    List<Map.Entry<Set<String>, Integer>> lists = List.of(Map.entry(Words.TITLES, Closed.TITLES),
        Map.entry(Words.NOT_NAMES, Closed.NOT_NAMES), Map.entry(Words.FUNCTION, Closed.FUNCTION),
        Map.entry(Words.PARTICLES, Closed.PARTICLES), Map.entry(Words.NAME_SUFFIXES, Closed.NAME_SUFFIXES),
        Map.entry(Words.LEGAL_SUFFIXES, Closed.LEGAL_SUFFIXES), Map.entry(Words.ORG_HEADS, Closed.ORG_HEADS),
        Map.entry(Words.ORG_OPENERS, Closed.ORG_OPENERS), Map.entry(Words.PERSON_AFTER, Closed.PERSON_AFTER),
        Map.entry(Words.SPEECH, Closed.SPEECH), Map.entry(Words.PLACE_CUES, Closed.PLACE_CUES),
        Map.entry(AddressScanner.SUFFIXES, Closed.SUFFIXES), Map.entry(AddressScanner.FULL_SUFFIXES, Closed.FULL_SUFFIXES),
        Map.entry(AddressScanner.PREFIXES, Closed.PREFIXES), Map.entry(AddressScanner.UNITS, Closed.UNITS),
        Map.entry(AddressScanner.LOWER_STARTS, Closed.LOWER_STARTS),
        Map.entry(Words.GERMAN_FUNCTION, Closed.GERMAN_FUNCTION),
        Map.entry(Words.ENGLISH_FUNCTION, Closed.ENGLISH_FUNCTION), Map.entry(Words.IMPERATIVES, Closed.IMPERATIVES));
    for (Map.Entry<Set<String>, Integer> e : lists) {
      for (String w : e.getKey()) {
        m.merge(w, e.getValue(), (a, b) -> a | b);
      }
    }
    for (String[][] cues : new String[][][] {Words.PERSON_CUES, Words.ORG_CUES, Words.PLACE_PHRASES}) {
      for (String[] cue : cues) {
        String last = cue[cue.length - 1];
        if (Closed.plain(last)) {
          m.merge(last, Closed.CUE_LAST, (a, b) -> a | b);
        }
      }
    }
    return m;
  }

  /** What the table must answer for {@code word}: the lists of its normalised chars. */
  private static int expected(String word) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < word.length(); i++) {
      b.append(Lexicon.norm(word.charAt(i)));
    }
    return word.length() > 16 ? 0 : REFERENCE.getOrDefault(b.toString(), 0);
  }

  /**
   * Every key of every list, as it is and upper-cased, through each entry point: by chars
   * ({@link Closed#mask(String, int, int)}), by plain code ({@link Closed#slot(long)}) for a plain word and by
   * {@link Closed#slotNotPlain} for the others, with the lists' bits. Keys are placed by code or by hash:
   * this finds a key placed where its probe does not look.
   */
  @Test
  void everyKeyOfEveryListIsFoundThroughEveryEntryPoint() {
    assertThat(REFERENCE).hasSizeGreaterThan(300);
    for (String key : REFERENCE.keySet()) {
      for (String w : List.of(key, key.toUpperCase(Locale.ROOT), "x" + key, key + "s")) {
        int want = expected(w);
        assertThat(Closed.mask(w, 0, w.length())).as(w).isEqualTo(want);
        long code = Lexicon.plainCode(w, 0, w.length());
        int slot = code != 0 ? Closed.slot(code)
            : Closed.slotNotPlain(w.toCharArray(), 0, w.length(), Lexicon.rawHash(w, 0, w.length()));
        assertThat(slot < 0 ? 0 : Closed.maskAt(slot)).as(w).isEqualTo(want);
      }
    }
  }

  @Provide
  Arbitrary<String> words() {
    Arbitrary<String> keys = Arbitraries.of(List.copyOf(REFERENCE.keySet()));
    Arbitrary<String> mutated = keys.flatMap(k -> Arbitraries.integers().between(0, k.length()).flatMap(
        at -> Arbitraries.of('a', 'E', 'ß', 'é', '\u2019', '\'', '-', '1', 'İ', '\u212a').map(
            c -> k.substring(0, at) + c + k.substring(Math.min(k.length(), at + 1)))));
    Arbitrary<String> alphabet = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz'-").ofMinLength(1).ofMaxLength(18);
    return Arbitraries.oneOf(keys, mutated, alphabet, Arbitraries.strings().ofMinLength(1).ofMaxLength(20));
  }

  /** Any word, found or not: the table answers exactly what the lists say of its normalised chars. */
  @Property(tries = 3000)
  void anyWordGetsTheBitsOfTheListsItsNormalisedCharsAreIn(@ForAll("words") String w) {
    assertThat(Closed.mask(w, 0, w.length())).as(w).isEqualTo(expected(w));
    long code = Lexicon.plainCode(w, 0, w.length());
    int raw = Lexicon.rawHash(w, 0, w.length());
    if (w.length() <= 16) {
      // the caller's code (the model features compute it), and a code of 0 that makes the table compute it
      assertThat(Closed.mask(w, 0, w.length(), raw, code)).as(w).isEqualTo(expected(w));
      assertThat(Closed.mask(w, 0, w.length(), raw, 0)).as(w).isEqualTo(expected(w));
    }
    if (code != 0) {
      int slot = Closed.slot(code);
      assertThat(slot < 0 ? 0 : Closed.maskAt(slot)).as(w).isEqualTo(expected(w));
    }
  }
  @Test
  void everyCuePhraseEndsWithPunctuationOrAPlainWordSoTheCueFastPathIsOn() {
    assertThat(Closed.CUE_LASTS_ALL_PLAIN).isTrue();
  }

  @Test
  void everyWordThatEndsACueCarriesTheCueLastBit() {
    for (String[][] cues : new String[][][] {Words.PERSON_CUES, Words.ORG_CUES, Words.PLACE_PHRASES}) {
      for (String[] cue : cues) {
        String last = cue[cue.length - 1];
        if (Character.isLetterOrDigit(last.charAt(0))) {
          assertThat(Closed.mask(last, 0, last.length()) & Closed.CUE_LAST).as(last).isNotZero();
        }
      }
    }
  }

  @ParameterizedTest
  @CsvSource(delimiterString = "|", textBlock = """
      The    | true
      THE    | true
      the    | true
      thee   | false
      th     | false
      """)
  void masksCompareLowerCaseAndReadKeysOnlyOnAHashMatch(String word, boolean english) {
    assertThat((Closed.mask(word, 0, word.length()) & Closed.ENGLISH_FUNCTION) != 0).isEqualTo(english);
  }

  @ParameterizedTest
  @CsvSource(delimiterString = "|", quoteCharacter = '"', textBlock = """
      in      | true
      i'm     | true
      ""      | false
      In      | false
      café    | false
      abcdefghijklmnopq | false
      """)
  void plainKeysAreShortLowerCaseAscii(String word, boolean plain) {
    assertThat(Closed.plain(word)).isEqualTo(plain);
  }

  /** German pronouns and pronominal adverbs at a sentence start are function words; names that look alike are not. */
  @ParameterizedTest
  @CsvSource(delimiterString = "|", textBlock = """
      Darin    | true
      Mich     | true
      Dabei    | true
      Darüber  | true
      DAFÜR    | true
      Trotzdem | true
      Ja       | true
      Weil     | false
      Nur      | false
      Mann     | false
      Hill     | false
      """)
  void germanFunctionWordsAtASentenceStartAreFunctionWords(String word, boolean function) {
    assertThat((Closed.mask(word, 0, word.length()) & Closed.FUNCTION) != 0).isEqualTo(function);
  }
}
