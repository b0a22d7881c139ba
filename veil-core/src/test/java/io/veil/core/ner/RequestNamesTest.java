package io.veil.core.ner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.core.Analyzer;
import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.Policy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link RequestNames}: the names of one text of a request are found in its other texts. */
class RequestNamesTest {
  private static final Analyzer ANALYZER = Policy.defaults().newAnalyzer();

  /** The values {@link RequestNames#extend} adds to {@code later}, with the names of all {@code texts}. */
  private static List<String> added(List<String> texts, String later) {
    List<List<Finding>> findings = new ArrayList<>();
    for (String t : texts) {
      findings.add(ANALYZER.analyze(t));
    }
    RequestNames names = RequestNames.of(texts, findings);
    List<Finding> own = ANALYZER.analyze(later);
    List<Finding> out = names.extend(later, own);
    assertThat(out).containsAll(own);
    List<String> values = new ArrayList<>();
    for (Finding f : out) {
      if (!own.contains(f)) {
        assertThat(f.type()).isEqualTo(EntityType.PERSON);
        assertThat(f.recognizer()).isEqualTo(RequestNames.RECOGNIZER);
        values.add(f.value(later));
      }
    }
    return values;
  }

  @ParameterizedTest(name = "{0} / {1}")
  @CsvSource(delimiter = ';', textBlock = """
      Please add Wiremu Tapsell to the audit team.; What did Tapsell say?; Tapsell
      I spoke with John Smith yesterday.; What did Smith say?; Smith
      # a part the other text writes as a place does not propagate
      I spoke with Michael Jordan about Jordan.; What did Jordan say?;
      # nothing from a text without a sure name
      The weather is fine.; What did Tapsell say?;
      """)
  void aNameOfOneTextIsFoundInAnother(String first, String later, String expected) {
    assertThat(added(List.of(first, later), later))
        .containsExactlyElementsOf(expected == null ? List.of() : List.of(expected));
  }

  /** A sure PERSON finding (0.95) on every whole occurrence of each of {@code names} in {@code text}, sorted. */
  private static List<Finding> sure(String text, EntityType type, String... names) {
    List<Finding> out = new ArrayList<>();
    for (String name : names) {
      for (int at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
        out.add(new Finding(at, at + name.length(), type, 0.95, "test"));
      }
    }
    out.sort(java.util.Comparator.comparingInt(Finding::start));
    return out;
  }

  /** The values {@code names} adds to {@code later} (which has no finding of its own). */
  private static List<String> mentions(RequestNames names, String later) {
    return names.extend(later, List.of()).stream().map(f -> f.value(later)).toList();
  }

  /**
   * The language of the later text is guessed only when one of its candidate mentions needs it, and then decides as
   * in the engines' own pass: a German genitive belongs to the name, a sentence's first word outside English and
   * German must be a well-known name, and a text with no capitals is searched in any case.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', textBlock = """
      Wir lesen heute Tapsells Bericht und die Notizen.; Tapsells
      We read Tapsells today and the notes.;
      Tapsell no vino a la reunión con el paciente.;
      Tapsell did not come to the meeting.; Tapsell
      what did tapsell say about the audit?; tapsell
      """)
  void theLaterTextsLanguageDecidesWhereAMentionNeedsIt(String later, String expected) {
    String first = "Please add Wiremu Tapsell to the audit team.";
    RequestNames names = RequestNames.of(List.of(first, later),
        List.of(sure(first, EntityType.PERSON, "Wiremu Tapsell"), List.of()));

    assertThat(mentions(names, later)).containsExactlyElementsOf(expected == null ? List.of() : List.of(expected));
  }

  /**
   * Several parts in conflict with sure places of one text are all dropped, whatever their order among the parts,
   * and the parts left (two of them with the same first letter) are all found.
   */
  @Test
  void everyPartInConflictIsDroppedAndEveryOtherFound() {
    String first = "Michael Jordan met Paris Hilton and Maria Hale in Jordan, then flew to Paris.";
    List<Finding> findings = new ArrayList<>(sure(first, EntityType.PERSON, "Michael Jordan", "Paris Hilton",
        "Maria Hale"));
    findings.add(new Finding(first.lastIndexOf("Jordan"), first.lastIndexOf("Jordan") + 6, EntityType.LOCATION, 0.9,
        "test"));
    findings.add(new Finding(first.lastIndexOf("Paris"), first.lastIndexOf("Paris") + 5, EntityType.LOCATION, 0.9,
        "test"));
    findings.sort(java.util.Comparator.comparingInt(Finding::start));
    String later = "Then Jordan, Paris, Hilton, Hale, Maria and Michael met.";
    RequestNames names = RequestNames.of(List.of(first, later), List.of(findings, List.of()));

    assertThat(mentions(names, later)).containsExactly("Hilton", "Hale", "Maria", "Michael");
  }

  /**
   * The pass reads each text where detection read it (DetectionText): a mention written with a zero-width space, a
   * soft hyphen or full-width letters is a mention, and a name written that way is a name. Detection found such a
   * mention when the name was in the same text, so the request-level pass missed it only in another turn, and the
   * model reads it as the name. The value is the original span, hidden characters included. Fails without the view.
   */
  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', textBlock = """
      Please add Wiremu Tapsell to the audit team.        | What did Tap\u200Bsell say?     | Tap\u200Bsell
      Please add Wiremu Tapsell to the audit team.        | What did Tap\u00ADsell say?     | Tap\u00ADsell
      Please add Wiremu Tapsell to the audit team.        | What did \uFF34\uFF41\uFF50\uFF53\uFF45\uFF4C\uFF4C say? | \uFF34\uFF41\uFF50\uFF53\uFF45\uFF4C\uFF4C
      Please add Wiremu \uFF34\uFF41\uFF50\uFF53\uFF45\uFF4C\uFF4C to the audit team. | What did Tapsell say? | Tapsell
      Please add Wiremu Tap\u200Bsell to the audit team.  | What did Tapsell say?           | Tapsell
      """)
  void aMentionIsReadAsDetectionReadsIt(String first, String later, String expected) {
    assertThat(added(List.of(first, later), later)).containsExactly(expected);
  }

  @Test
  void theListsMustMatch() {
    assertThatThrownBy(() -> RequestNames.of(List.of("a"), List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThat(RequestNames.of(List.of(), List.of()).isEmpty()).isTrue();
  }
}
