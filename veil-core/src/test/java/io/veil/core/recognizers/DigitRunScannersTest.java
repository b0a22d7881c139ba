package io.veil.core.recognizers;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.Finding;
import io.veil.core.Recognizer;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Digit-led scanners at the edges of digit runs and their joints (a fourth run joined by the same
 * separator, mixed separators, a run that does not close its word, too many digits): credit card and US
 * SSN, which read their candidates from the shared {@link io.veil.core.DigitRuns}, and date's numeric
 * form (which still counts digits itself: reading it from the runs measured no faster). Expected values
 * are main's findings before the runs were introduced.
 */
class DigitRunScannersTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      date | on 2024-05-17-3 ok                   |
      date | on 17.05.2024x ok                    |
      date | due 5/17/2024.                       | 4-13 DATE 0.75
      date | due 1/2/24 now                       | 4-10 DATE 0.45
      date | due 17-05-24 now                     | 4-12 DATE 0.45
      date | at 2024-5-17T10:15:30Z done          |
      date | 12345-05-17 and 123-05-17            |
      date | born 1.1.99 and 1.1.1999             | 16-24 DATE_OF_BIRTH 1.0
      date | 2024-05-17/2024-06-01                | 0-10 DATE 0.85;11-21 DATE 0.85
      date | v1.2.3 and 10.20.30                  | 11-19 DATE 0.45
      date | 17.05.2024.5 or 17.05.2024           | 16-26 DATE 0.75
      credit-card | card 4111 1111 1111 1111 ok   | 5-24 CREDIT_CARD 1.0
      credit-card | card 4111-1111-1111-1111.     | 5-24 CREDIT_CARD 1.0
      credit-card | card 4111 1111-1111 1111 ok   |
      credit-card | card 4111111111111111         | 5-21 CREDIT_CARD 1.0
      credit-card | card 4111 1111 1111 1111 1 ok | 5-24 CREDIT_CARD 1.0
      credit-card | card x4111111111111111        |
      credit-card | card 4111111111111111x        |
      credit-card | pay 378282246310005 now       | 4-19 CREDIT_CARD 1.0
      credit-card | num 41111111111111111111 long |
      us-ssn | ssn 123-45-6789 ok                 | 4-15 US_SSN 0.85
      us-ssn | ssn 123 45 6789 ok                 | 4-15 US_SSN 0.45
      us-ssn | ssn 123.45.6789 ok                 | 4-15 US_SSN 0.45
      us-ssn | ssn 123-45 6789 ok                 |
      us-ssn | ssn 123456789 ok                   | 4-13 US_SSN 0.3
      us-ssn | ssn 123-45-67890 ok                |
      us-ssn | ssn 1-123-45-6789 ok               |
      us-ssn | ssn 123-45-6789-1 ok               |
      us-ssn | ssn 912-70-1234 itin               | 4-15 NATIONAL_ID 0.85
      us-ssn | ssn 1234567890 ok                  |
      us-ssn | id x123-45-6789                    |
      """)
  void findingsAtTheRunsEdges(String recognizer, String text, String expected) {
    Recognizer r = BuiltInRecognizers.all().stream().filter(x -> x.name().equals(recognizer)).findFirst().orElseThrow();
    String found = r.analyze(text, "en").stream()
        .map(DigitRunScannersTest::describe)
        .collect(Collectors.joining(";"));
    assertThat(found).isEqualTo(expected == null ? "" : expected);
  }

  private static String describe(Finding f) {
    return f.start() + "-" + f.end() + " " + f.type() + " " + f.score();
  }
}
