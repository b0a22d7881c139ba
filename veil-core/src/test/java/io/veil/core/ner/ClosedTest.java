package io.veil.core.ner;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClosedTest {
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
