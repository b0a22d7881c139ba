package io.veil.core.recognizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.core.Analyzer;
import io.veil.core.Recognizer;
import io.veil.core.TextTraits;
import org.junit.jupiter.api.Test;

/** Built-ins that read the analyzer's shared {@link TextTraits} refuse traits of another text. */
class SharedTraitsTest {

  @Test
  void traitsOfAnotherTextAreRejectedWithoutText() {
    String text = "my password is Hunter2! call +44 20 7946 0958 on 17 May 2024, age 42";
    TextTraits other = TextTraits.of(text + " more");
    for (Recognizer r : BuiltInRecognizers.all()) {
      if (r instanceof EmailRecognizer || r instanceof MentionRecognizer || r instanceof UrlRecognizer || r instanceof IpAddressRecognizer
          || r instanceof MacAddressRecognizer || r instanceof SecretRecognizer) {
        continue; // these scan with String.indexOf and do not read the traits
      }
      assertThatThrownBy(() -> r.analyze(text, null, other)).as(r.name())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageNotContaining("Hunter2").hasMessageNotContaining("7946");
    }
  }

  @Test
  void theAnalyzerPassesEachTextsOwnTraits() {
    Analyzer analyzer = Analyzer.builder().addRecognizers(BuiltInRecognizers.all()).build();
    String text = "my password is Hunter2! call +44 20 7946 0958 on 17 May 2024, age 42";
    assertThat(analyzer.analyze(text, null)).isNotEmpty();
    for (Recognizer r : BuiltInRecognizers.all()) {
      assertThat(r.analyze(text, null, TextTraits.of(text))).as(r.name()).isEqualTo(r.analyze(text, null));
    }
  }
}
