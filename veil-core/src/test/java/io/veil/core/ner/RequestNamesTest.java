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

  @Test
  void theListsMustMatch() {
    assertThatThrownBy(() -> RequestNames.of(List.of("a"), List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThat(RequestNames.of(List.of(), List.of()).isEmpty()).isTrue();
  }
}
