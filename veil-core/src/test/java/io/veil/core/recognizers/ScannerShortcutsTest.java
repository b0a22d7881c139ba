package io.veil.core.recognizers;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.Analyzer;
import io.veil.core.Finding;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shortcuts that spare the scanners work (speed round 8) at their edges, pinned to what the
 * scanners reported before them: national-id reads a candidate's groups from the words (a group is a
 * whole word of ASCII letters and digits, so a run that a non-ASCII letter or {@code '_'} continues is
 * none), url passes over a dot without a host character after it, and date sends a word without a
 * digit straight to the month-name test; and (speed round 10) national-id visits only the words with a digit and the seven
 * before each (a run of at most eight groups must hold a digit) and passes over a word of ASCII letters
 * without a digit unless it is two letters long (only two capitals open an id there). Each row: text, then the findings as
 * {@code recognizer start-end TYPE}, joined by {@code ;} (empty: none).
 */
class ScannerShortcutsTest {
  private static final Analyzer STRUCTURED = Analyzer.builder().addRecognizers(BuiltInRecognizers.all()).build();

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      NINO: AB 12 34 56 C.                | uk-nino 6-19 NATIONAL_ID
      NINO AB123456C                      | uk-nino 5-14 NATIONAL_ID
      ref AB 12 34 56é                    |
      AB 12 34 56_C                       |
      ref AB 12 34 56 Cé                  |
      Aadhaar 2341 2341 2346.             | in-aadhaar 8-22 NATIONAL_ID
      Aadhaar 2341 2341 2346é             |
      DNI 12345678Z                       | es-dni-nie 4-13 NATIONAL_ID
      x12345678Z                          |
      Codice fiscale RSSMRA85T10A562S.    | it-codice-fiscale 15-31 NATIONAL_ID
      NIE X1234567L                       | es-dni-nie 4-13 NATIONAL_ID
      NRIC S1234567D                      | sg-nric 5-14 NATIONAL_ID
      12 34 56 78 90 12 34 56 78          |
      NINO: ab 12 34 56 C                 |
      ABC 12 34 56 C                      |
      NINO AB 12 34 56 C                  | uk-nino 5-18 NATIONAL_ID
      my NINO is AB 12 34 56 C ok         | uk-nino 11-24 NATIONAL_ID
      Éa 12 34 56 C                       |
      AB_ 12 34 56 C                      |
      ABé 12 34 56 C                      |
      AB 12 34 56 C D                     | uk-nino 0-13 NATIONAL_ID
      A 12 34 56 78 C                     |
      Ab 12 34 56 C                       |
      a AB AB 12 34 56 C                  | uk-nino 5-18 NATIONAL_ID
      AB-12-34-56-C                       | uk-nino 0-13 NATIONAL_ID
      AB.12.34.56.C                       | uk-nino 0-13 NATIONAL_ID
      AB 123456 C                         | uk-nino 0-11 NATIONAL_ID
      X AB 1234567 L                      |
      aB 12 34 56 C                       |
      x AB CD 12 34 56 C                  |
      AB 12 34 56 C and 123456789         | uk-nino 0-13 NATIONAL_ID
      12345678 1234 AB 12 34 56 C         | uk-nino 14-27 NATIONAL_ID
      the quick brown fox jumps over my dog NINO AB 12 34 56 C | uk-nino 43-56 NATIONAL_ID
      AB A B C D E F 12 34 56 C           |
      AB CD EF GH 12 34 56 C              | uk-nino 9-22 NATIONAL_ID
      QQ 12 34 56 C 2341 2341 2346        |
      a b c d e f g h i j k l 2341 2341 2346 m n o |
      2341 2341 2346 AB 12 34 56 C AB 12 34 56 C | uk-nino 15-28 NATIONAL_ID;uk-nino 29-42 NATIONAL_ID
      Visit example.com. Then stop.       | url 6-17 URL
      See www.example.org/path.           | url 4-24 URL
      End of a sentence. Next one.        |
      v1.2.3 and 3.5                      |
      mail me at a.b@example.com.         | email 11-26 EMAIL
      site.                               |
      go to my-site..com now              |
      see example.-x.com now              |
      x.y                                 |
      Born 12.05.1990 in May 3, 2021.     | date 5-15 DATE_OF_BIRTH;date 19-30 DATE_OF_BIRTH
      """)
  void findingsAtTheShortcutsEdges(String text, String expected) {
    String found = STRUCTURED.analyze(text, null).stream()
        .map(ScannerShortcutsTest::describe)
        .collect(Collectors.joining(";"));
    assertThat(found).isEqualTo(expected == null ? "" : expected);
  }

  private static String describe(Finding f) {
    return f.recognizer() + " " + f.start() + "-" + f.end() + " " + f.type();
  }
}
