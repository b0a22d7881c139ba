package io.veil.core.recognizers;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.Finding;
import io.veil.core.Recognizer;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * {@link Recognizer#findingsContainDigit()} lets the analyzer skip a recognizer on digit-free texts, so a
 * recognizer that claims it must never report a finding without an ASCII digit.
 */
class DigitTriggerTest {

  @Test
  void theDigitRecognizersAreFlagged() {
    assertThat(BuiltInRecognizers.all().stream().filter(Recognizer::findingsContainDigit).map(Recognizer::name))
        .containsExactlyInAnyOrder("phone", "credit-card", "iban", "us-ssn", "national-id", "date", "age", "keyword-id");
  }

  @Property(tries = 3000)
  void flaggedRecognizersOnlyReportValuesWithDigits(@ForAll("prompts") String text) {
    for (Recognizer r : BuiltInRecognizers.all()) {
      if (!r.findingsContainDigit()) {
        continue;
      }
      for (Finding f : r.analyze(text, null)) {
        assertThat(f.value(text).chars().anyMatch(c -> c >= '0' && c <= '9'))
            .as("%s reported a value without a digit", r.name()).isTrue();
      }
    }
  }

  @Provide
  Arbitrary<String> prompts() {
    Arbitrary<String> fragment = Arbitraries.oneOf(
        Arbitraries.of("passport", "Passport number", "driver's license", "account number", "MRN", "IBAN", "DE",
            "GB", "NL", "born on", "DOB", "May", "enero de", "aged", "age:", "years old", "phone", "tel", "call",
            "+", "(", ")", "-", ".", " ", ", ", ":", "SSN", "NINO", "AB", "QQ", "card", "Visa", "x", "ext",
            "one", "two", "XVII", "MCMLXXX", "\n"),
        Arbitraries.strings().withCharRange('0', '9').ofMinLength(1).ofMaxLength(12),
        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12),
        Arbitraries.strings().withChars("0123456789 -./()+").ofMinLength(1).ofMaxLength(20));
    return fragment.list().ofMinSize(1).ofMaxSize(12).map(l -> String.join(" ", l));
  }
}
