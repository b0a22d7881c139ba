package io.veil.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AnalyzerDigitTriggerTest {

  /** Reports the whole text; counts its calls. */
  private static final class Counting implements Recognizer {
    final AtomicInteger calls = new AtomicInteger();
    private final boolean digits;

    Counting(boolean digits) {
      this.digits = digits;
    }

    @Override
    public String name() {
      return digits ? "needs-digit" : "any";
    }

    @Override
    public Set<EntityType> entityTypes() {
      return Set.of(EntityType.PHONE);
    }

    @Override
    public List<Finding> analyze(String text, String language) {
      calls.incrementAndGet();
      return List.of(new Finding(0, text.length(), EntityType.PHONE, 0.9, name()));
    }

    @Override
    public boolean findingsContainDigit() {
      return digits;
    }
  }

  @Test
  void recognizersThatNeedADigitAreSkippedOnlyForDigitFreeTexts() {
    Counting needsDigit = new Counting(true);
    Counting any = new Counting(false);
    Analyzer analyzer = Analyzer.builder().addRecognizer(needsDigit).addRecognizer(any).build();

    assertThat(analyzer.analyze("no digits here, only words")).extracting(Finding::recognizer).containsExactly("any");
    assertThat(needsDigit.calls).hasValue(0);
    assertThat(any.calls).hasValue(1);

    analyzer.analyze("call 5");
    assertThat(needsDigit.calls).hasValue(1);
    // detection reads digits of every script as ASCII digits (DetectionText), so an Arabic-Indic
    // five is a digit to the gate too: a number written in it is not skipped
    analyzer.analyze("\u0665 is an Arabic-Indic five");
    assertThat(needsDigit.calls).hasValue(2);
    assertThat(any.calls).hasValue(3);
  }
}
