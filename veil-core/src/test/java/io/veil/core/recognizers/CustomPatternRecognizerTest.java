package io.veil.core.recognizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.core.Analyzer;
import io.veil.core.EntityType;
import io.veil.core.Finding;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CustomPatternRecognizerTest {
  private static final EntityType EMPLOYEE = EntityType.of("EMPLOYEE_ID");

  @Test
  void reportsEveryMatchWithItsScore() {
    var r = new CustomPatternRecognizer("employee", EMPLOYEE, "\\bEMP-[0-9]{6}\\b", 0.7, Set.of("Staff"));
    String text = "EMP-123456 and EMP-654321, not EMP-12345";
    List<Finding> found = r.analyze(text, null);
    assertThat(found).extracting(f -> f.value(text)).containsExactly("EMP-123456", "EMP-654321");
    assertThat(found).allSatisfy(f -> assertThat(f.score()).isEqualTo(0.7));
    assertThat(r.contextWords()).containsExactly("staff");
  }

  @Test
  void contextWordsRaiseALowScoreOverTheThreshold() {
    var r = new CustomPatternRecognizer("employee", EMPLOYEE, "[0-9]{6}", 0.3, Set.of("staff"));
    Analyzer a = Analyzer.builder().addRecognizer(r).build();
    assertThat(a.analyze("ticket 123456")).isEmpty();
    assertThat(a.analyze("staff number 123456")).hasSize(1);
  }

  @Test
  void rejectsInvalidAndUnsupportedPatternsClearly() {
    assertThatThrownBy(() -> new CustomPatternRecognizer("bad", EMPLOYEE, "(unclosed", 0.5, Set.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bad'").hasMessageContaining("RE2");
    assertThatThrownBy(() -> new CustomPatternRecognizer("backref", EMPLOYEE, "(a)\\1", 0.5, Set.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CustomPatternRecognizer("lookahead", EMPLOYEE, "a(?=b)", 0.5, Set.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CustomPatternRecognizer("empty", EMPLOYEE, "a*", 0.5, Set.of()))
        .hasMessageContaining("empty string");
    assertThatThrownBy(() -> new CustomPatternRecognizer("score", EMPLOYEE, "a", 1.5, Set.of()))
        .hasMessageContaining("[0, 1]");
    assertThatThrownBy(() -> new CustomPatternRecognizer(" ", EMPLOYEE, "a", 0.5, Set.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void catastrophicPatternsRunInLinearTime() {
    // (a+)+b backtracks exponentially in java.util.regex; RE2/J answers at once
    var r = new CustomPatternRecognizer("evil", EMPLOYEE, "(a+)+b", 0.5, Set.of());
    assertThat(r.analyze("a".repeat(100_000) + "c", null)).isEmpty();
  }
}
