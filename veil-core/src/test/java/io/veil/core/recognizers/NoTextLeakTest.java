package io.veil.core.recognizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.veil.core.Analyzer;
import io.veil.core.DetectionException;
import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.Recognizer;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Exception messages and toString() of the detection path never contain the analysed text. */
class NoTextLeakTest {
  private static final String SECRET_TEXT = "Jane Secret-Person, SSN 123-45-6789, card 4111 1111 1111 1111, "
      + "password: hunter2!, mail jane@example.com";

  @Test
  void findingsAndRecognizersPrintNoValues() {
    Analyzer analyzer = Analyzer.builder().addRecognizers(BuiltInRecognizers.all()).build();
    List<Finding> found = analyzer.analyze(SECRET_TEXT);
    assertThat(found).isNotEmpty();
    for (Finding f : found) {
      assertThat(f.toString()).doesNotContain(f.value(SECRET_TEXT));
    }
    for (Recognizer r : BuiltInRecognizers.all()) {
      assertThat(r.toString()).doesNotContain("123-45-6789", "hunter2", "jane@example.com");
    }
  }

  @Test
  void aFailingRecognizerFailsClosedWithoutText() {
    Recognizer broken = new Recognizer() {
      @Override
      public String name() {
        return "broken";
      }

      @Override
      public Set<EntityType> entityTypes() {
        return Set.of(EntityType.EMAIL);
      }

      @Override
      public List<Finding> analyze(String text, String language) {
        throw new IllegalStateException("cannot handle " + text);
      }
    };
    Analyzer analyzer = Analyzer.builder().addRecognizers(BuiltInRecognizers.all()).addRecognizer(broken).build();
    Throwable t = catchThrowable(() -> analyzer.analyze(SECRET_TEXT));
    assertThat(t).isInstanceOf(DetectionException.class);
    assertThat(t.getMessage()).doesNotContain("123-45-6789", "hunter2", "Jane");
    assertThat(t.getCause()).isNull();
  }

  @Test
  void invalidCustomPatternMessageNamesThePatternNotText() {
    Throwable t = catchThrowable(() -> new CustomPatternRecognizer("ids", EntityType.of("X_ID"), "[", 0.5, Set.of()));
    assertThat(t).hasMessageContaining("ids");
    CustomPatternRecognizer ok = new CustomPatternRecognizer("ids", EntityType.of("X_ID"), "X-[0-9]+", 0.5, Set.of());
    assertThat(ok.toString()).isEqualTo("CustomPatternRecognizer[ids, X_ID]");
  }
}
