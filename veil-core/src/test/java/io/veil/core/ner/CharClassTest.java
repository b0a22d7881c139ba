package io.veil.core.ner;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The ASCII fast paths must answer exactly like {@link Character} for every char. */
class CharClassTest {

  @Test
  void agreesWithCharacterForEveryChar() {
    for (int i = 0; i <= Character.MAX_VALUE; i++) {
      char c = (char) i;
      assertThat(CharClass.isSpace(c)).as("isSpace %04x", i).isEqualTo(Character.isWhitespace(c) || Character.isSpaceChar(c));
      assertThat(CharClass.isLetterOrDigit(c)).as("isLetterOrDigit %04x", i).isEqualTo(Character.isLetterOrDigit(c));
      assertThat(CharClass.isLetter(c)).as("isLetter %04x", i).isEqualTo(Character.isLetter(c));
      int type = Character.getType(c);
      assertThat(CharClass.isLetterDigitOrMark(c)).as("isLetterDigitOrMark %04x", i).isEqualTo(Character.isLetterOrDigit(c)
          || type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK);
      assertThat(CharClass.isDigit(c)).as("isDigit %04x", i).isEqualTo(Character.isDigit(c));
      assertThat(CharClass.isUpperCase(c)).as("isUpperCase %04x", i).isEqualTo(Character.isUpperCase(c));
      assertThat(CharClass.isLowerCase(c)).as("isLowerCase %04x", i).isEqualTo(Character.isLowerCase(c));
      assertThat(CharClass.toLowerCase(c)).as("toLowerCase %04x", i).isEqualTo(Character.toLowerCase(c));
    }
  }
}
