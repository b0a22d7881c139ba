package io.veil.core.recognizers;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.TextTraits;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The ASCII/Latin fast paths of {@link Chars} answer exactly like {@link Character}, for every char. */
class CharsTest {

  @Test
  void fastPathsAgreeWithCharacterForEveryChar() {
    for (int i = 0; i <= Character.MAX_VALUE; i++) {
      char c = (char) i;
      assertThat(Chars.isLetter(c)).as("isLetter U+%04X", i).isEqualTo(Character.isLetter(c));
      assertThat(Chars.isLetterOrDigit(c)).as("isLetterOrDigit U+%04X", i).isEqualTo(Character.isLetterOrDigit(c));
      assertThat(Chars.isWordChar(c)).as("isWordChar U+%04X", i).isEqualTo(Character.isLetterOrDigit(c) || c == '_');
      assertThat(Chars.toLowerCase(c)).as("toLowerCase U+%04X", i).isEqualTo(Character.toLowerCase(c));
    }
  }

  /** The scanners rely on TextTraits' words being exactly the runs of {@link Chars#isWordChar}. */
  @Test
  void textTraitsWordsAreRunsOfWordChars() {
    for (int i = 0; i <= Character.MAX_VALUE; i++) {
      char c = (char) i;
      TextTraits t = TextTraits.of(" " + c + " ");
      assertThat(t.wordCount()).as("U+%04X", i).isEqualTo(Chars.isWordChar(c) ? 1 : 0);
    }
  }

  @Property(tries = 2000)
  void asciiDigitsValueIsParseInt(@ForAll @IntRange(min = 0, max = 999_999_999) int value,
                                  @ForAll @IntRange(min = 0, max = 3) int zeros) {
    String digits = "0".repeat(zeros) + value;
    digits = digits.substring(Math.max(0, digits.length() - 9)); // one to nine digits
    String text = "x " + digits + "/";
    assertThat(Chars.asciiDigitsValue(text, 2, 2 + digits.length())).isEqualTo(Integer.parseInt(digits));
  }
}
