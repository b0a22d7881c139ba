package io.veil.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonEscapesTest {

  @ParameterizedTest(name = "[{index}] {0} at {1}")
  @CsvSource(delimiter = '|', value = {
      "\\u00eb|0|235",
      "\\u00EB|0|235",
      "Zo\\u00eb|2|235",
      "\\u0041|0|65",          // ASCII: read; whether it matters is the caller's
      "\\uD835\\uDC00|0|55349", // a high surrogate alone, as it is
      "\\uD835\\uDC00|6|56320",
      "\\uffff|0|65535",
      "\\u0000|0|0",
      "\\u00e|0|-1",           // three digits, end of text
      "\\u00eg|0|-1",
      "\\U00eb|0|-1",
      "/u00eb|0|-1",
      "\\\\u00eb|0|-1",        // at the first backslash: an escaped backslash, then 'u'
      "\\\\u00eb|1|235",       // at the second: an escape; whether it is one is the caller's (DetectionText)
      "\\u00eb|1|-1",
      "\\u00eb|6|-1",
      "\\u\uff10\uff10eb|0|-1", // full-width digits are digits to Character.digit, not to JSON
      "\\u\u0660\u0660eb|0|-1", // Arabic-Indic digits likewise
  })
  void readsOneEscape(String text, int at, int expected) {
    assertThat(JsonEscapes.codeUnitAt(text, at)).isEqualTo(expected);
  }

  @Property
  void everyCodeUnitReadsBackInEitherCase(@ForAll @IntRange(min = 0, max = 0xFFFF) int unit) {
    assertThat(JsonEscapes.codeUnitAt(String.format("x\\u%04x", unit), 1)).isEqualTo(unit);
    assertThat(JsonEscapes.codeUnitAt(String.format("\\u%04Xy", unit), 0)).isEqualTo(unit);
  }

  private static final Pattern ESCAPE = Pattern.compile("\\\\u([0-9a-fA-F]{4})");

  @Property
  void agreesWithTheJsonGrammarAtEveryOffset(@ForAll("escapey") String text) {
    Matcher m = ESCAPE.matcher(text);
    for (int i = 0; i <= text.length(); i++) {
      int expected = m.region(i, text.length()).lookingAt() ? Integer.parseInt(m.group(1), 16) : -1;
      assertThat(JsonEscapes.codeUnitAt(text, i)).as("offset %d of %s", i, text).isEqualTo(expected);
    }
  }

  @Provide
  Arbitrary<String> escapey() {
    return Arbitraries.strings().withChars("\\u0123456789abcdefABCDEFgG\uff10\u0660 ").ofMaxLength(24);
  }
}
