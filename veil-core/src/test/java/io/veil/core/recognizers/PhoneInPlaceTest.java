package io.veil.core.recognizers;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The phone scanner reads a candidate in place (no substring): the other-value shapes, the national
 * number and the address words are read from a range of the text. Rows pin the answers at the edges
 * of that range (a candidate that does not start at the text's start, characters right after it) and
 * the one letter whose string lower case differs from its char lower case (U+0130).
 */
class PhoneInPlaceTest {
  private final PhoneRecognizer phone = new PhoneRecognizer();

  static Stream<Arguments> otherValues() {
    return Stream.of(
        // text, candidate start, candidate end, looks like another value
        Arguments.of("on 2024-05-17 at", 3, 13, true),
        Arguments.of("on 17.05.2024 at", 3, 13, true),
        Arguments.of("x 123-45-6789 y", 2, 13, true),
        Arguments.of("x 123-45-6789-1", 2, 13, true), // what follows the range is not read
        Arguments.of("cep 01310-100.", 4, 14, true),
        Arguments.of("1999-2004", 0, 9, true),
        Arguments.of("tel 555-0100 ok", 4, 12, false),
        Arguments.of("tel 5.237 174.465", 4, 17, true),
        Arguments.of("+5.237 174.465", 0, 14, false),
        Arguments.of("1 36 1 48 1", 0, 11, true),
        Arguments.of("(17).05.2024", 0, 12, false),
        Arguments.of("a 1 2 3 4 5 6 7 8 99 1", 2, 22, true));
  }

  @ParameterizedTest
  @MethodSource("otherValues")
  void otherValueShapesAreReadFromTheRange(String text, int from, int to, boolean expected) {
    assertThat(PhoneRecognizer.looksLikeOtherValue(text, from, to)).isEqualTo(expected);
  }

  static Stream<Arguments> houseNumbers() {
    return Stream.of(
        Arguments.of("Apt. 675 62314 Mellemvej", "675 62314", true),
        Arguments.of("370 3911 Fourth Avenue", "3911", true),
        Arguments.of("at 3911 FOURTH AVENUE", "3911", true),
        Arguments.of("9816 214 Pavlou Drandaki St.", "214", true),
        Arguments.of("Hauptstraße 12, 10115 Berlin", "10115", false),
        Arguments.of("in 12345678 Hauptstraße", "12345678", false),
        Arguments.of("in 12345678 STRASSE", "12345678", true),
        Arguments.of("in 12345678 Straße", "12345678", true),
        Arguments.of("in 12345678 Vägen", "12345678", true),
        Arguments.of("suite 12345678", "12345678", true),
        Arguments.of("call 12345678 now please", "12345678", false),
        Arguments.of("12345678 Boulevards", "12345678", false),
        // U+0130 lower-cases to two characters as a string: "VİA" is not "via"
        Arguments.of("tel 12345678 V\u0130A Roma", "12345678", false),
        Arguments.of("tel 12345678 VIA Roma", "12345678", true));
  }

  @ParameterizedTest
  @MethodSource("houseNumbers")
  void addressWordsAreReadInPlace(String text, String number, boolean expected) {
    int start = text.indexOf(number);
    assertThat(PhoneRecognizer.houseNumber(text, start, start + number.length())).isEqualTo(expected);
  }

  static Stream<Arguments> nationalNumbers() {
    return Stream.of(
        // text, expected score of its one finding (national numbers: valid grouped 0.75, ungrouped 0.6)
        Arguments.of("call 020 7946 0958 today", 0.75),   // GB, trunk zero
        Arguments.of("call 02079460958 today", 0.6),
        Arguments.of("call (212) 555-0187 today", 0.75),  // US
        Arguments.of("call 1 212 555 0187 today", 0.75),  // US with a leading 1
        Arguments.of("call 06 12 34 56 78 today", 0.75),  // FR mobile
        Arguments.of("call 0000 000 0000 today", 0.35),   // zeros only: not valid anywhere
        Arguments.of("call 0612345678x12 today", 0.6));   // an extension is not part of the number
  }

  @ParameterizedTest
  @MethodSource("nationalNumbers")
  void nationalNumbersAreReadFromTheRange(String text, double score) {
    List<Finding> found = phone.analyze(text, "en");
    assertThat(found).hasSize(1);
    assertThat(found.get(0).type()).isEqualTo(EntityType.PHONE);
    assertThat(found.get(0).score()).isEqualTo(score);
  }
}
