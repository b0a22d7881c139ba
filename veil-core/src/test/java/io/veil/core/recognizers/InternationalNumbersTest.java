package io.veil.core.recognizers;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link InternationalNumbers} answers exactly what libphonenumber's own parse answers, or not at all. */
class InternationalNumbersTest {
  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
  private static final InternationalNumbers NUMBERS = new InternationalNumbers(UTIL);

  /** The library's answer for the candidate {@code "+" + rest}, or null where it throws. */
  private static PhoneNumber library(String rest) {
    try {
      return UTIL.parse("+" + rest, "ZZ");
    } catch (NumberParseException e) {
      return null;
    }
  }

  private static void sameAsTheLibrary(String rest) {
    String candidate = "+" + rest;
    PhoneNumber fast = NUMBERS.parse(candidate, 1, candidate.length());
    if (fast != null) {
      PhoneNumber expected = library(rest);
      assertThat(expected).as("the library parses %s", candidate).isNotNull();
      assertThat(fast.exactlySameAs(expected)).as("%s: %s vs the library's %s", candidate, fast, expected).isTrue();
    }
  }

  /** Any calling code, any national digits (leading zeros, national prefixes), any separators. */
  @Property(tries = 20000)
  void answersWhatTheLibraryAnswers(@ForAll("candidates") String rest) {
    sameAsTheLibrary(rest);
  }

  @Provide
  Arbitrary<String> candidates() {
    Arbitrary<String> code = Arbitraries.oneOf(
        Arbitraries.of(UTIL.getSupportedCallingCodes()).map(String::valueOf),
        Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(3));
    Arbitrary<String> national = Arbitraries.oneOf(
        Arbitraries.strings().numeric().ofMinLength(0).ofMaxLength(18),
        Arbitraries.strings().withChars("0123456789 -.()").ofMinLength(0).ofMaxLength(22),
        Arbitraries.strings().withChars("01").ofMinLength(1).ofMaxLength(12),
        Arbitraries.strings().withChars("0123456789 x#;e").ofMinLength(1).ofMaxLength(16));
    Arbitrary<String> gap = Arbitraries.of("", " ", "-", ".", "(", ") ", " (0)", " (0) ", "0", " 1", "8");
    return Combinators.combine(code, gap, national).as((c, g, n) -> c + g + n);
  }

  /** Numbers as they are written; most are answered here, without the library's regular expressions. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "44 20 7946 0958|true", "1 415-555-0100|true", "49 30 1234567|true", "33 1 42 68 53 00|true",
      "39 06 6982 0000|true", "91 98765 43210|true", "61 2 9374 4000|true", "800 1234 5678|true",
      "44 (0) 20 7946 0958|true", "49 (0)30 1234567|true", "41 (0)44 668 18 00|true",
      "44 20 7946 0958 x12|false", "0 123 456 789|false", "99|false"})
  void commonNumbersAreAnsweredHere(String rest, boolean answered) {
    String candidate = "+" + rest;
    assertThat(NUMBERS.parse(candidate, 1, candidate.length()) != null).isEqualTo(answered);
    sameAsTheLibrary(rest);
  }

  /** The candidate is read in place: offsets inside a longer text. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"call +44 20 7946 0958 now|6|21", "tel. 0049 30 1234567.|7|20"})
  void readsTheCandidateInPlace(String text, int from, int end) {
    PhoneNumber fast = NUMBERS.parse(text, from, end);
    assertThat(fast).isNotNull();
    assertThat(fast.exactlySameAs(library(text.substring(from, end)))).isTrue();
  }
}
