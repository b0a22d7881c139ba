package io.veil.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.veil.core.Analyzer;
import io.veil.core.Finding;
import io.veil.core.Policy;
import io.veil.core.PseudonymizedText;
import io.veil.core.Replacement;
import io.veil.core.Scope;
import io.veil.core.Veil;
import java.io.StringReader;
import java.util.List;

/**
 * Fuzzes the detection engine with the default policy (every built-in recognizer and the gazetteer
 * NER). Properties, for any text:
 * <ul>
 *   <li>no exception (a {@code DetectionException} would be a recognizer failing on the input);</li>
 *   <li>findings lie inside the text, are sorted, never overlap and never cut a surrogate pair;</li>
 *   <li>the windowed reader analysis finds what the whole-text analysis finds (short texts);</li>
 *   <li>pseudonymize leaves the text outside the findings unchanged, and no detected value survives in
 *       the text that would be forwarded: each replacement differs from the value it replaces and does
 *       not contain it.</li>
 * </ul>
 */
class AnalyzerFuzzTest {
  private static final Veil VEIL = Veil.builder().policy(Policy.defaults()).build();
  private static final Analyzer ANALYZER = VEIL.analyzer();

  @FuzzTest(maxDuration = "60s")
  void detectedValuesNeverSurvive(FuzzedDataProvider data) throws Exception {
    String language = data.pickValue(new String[] {"en", "de", "es", "fr", "nl", "xx", ""});
    String text = data.consumeRemainingAsString();
    List<Finding> findings = ANALYZER.analyze(text, language.isEmpty() ? null : language);

    int previousEnd = 0;
    for (Finding f : findings) {
      assertThat(f.start()).as("finding start").isGreaterThanOrEqualTo(previousEnd);
      assertThat(f.end()).as("finding end").isGreaterThan(f.start()).isLessThanOrEqualTo(text.length());
      assertThat(splitsPair(text, f.start()) || splitsPair(text, f.end())).as("finding cuts a surrogate pair")
          .isFalse();
      previousEnd = f.end();
    }

    List<Finding> windowed = ANALYZER.analyze(new StringReader(text), language.isEmpty() ? null : language);
    assertThat(windowed).as("windowed analysis").isEqualTo(findings);

    PseudonymizedText out = VEIL.pseudonymize(new Scope("fuzz", "c1"), text, language.isEmpty() ? null : language);
    List<Replacement> reps = out.replacements();
    assertThat(reps).as("one replacement per finding").hasSameSizeAs(findings);
    StringBuilder outside = new StringBuilder();
    StringBuilder outsideOut = new StringBuilder();
    int in = 0;
    int o = 0;
    for (int i = 0; i < findings.size(); i++) {
      Finding f = findings.get(i);
      Replacement r = reps.get(i);
      outside.append(text, in, f.start());
      outsideOut.append(out.text(), o, r.start());
      String value = f.value(text);
      String replaced = out.text().substring(r.start(), r.end());
      assertThat(replaced).as("replacement of a %s", f.type()).isNotEqualTo(value);
      if (value.length() >= 4) {
        assertThat(replaced).as("replacement of a %s", f.type()).doesNotContain(value);
      }
      in = f.end();
      o = r.end();
    }
    outside.append(text, in, text.length());
    outsideOut.append(out.text(), o, out.text().length());
    assertThat(outsideOut.toString()).as("text outside the findings").isEqualTo(outside.toString());
  }

  private static boolean splitsPair(String s, int i) {
    return i > 0 && i < s.length() && Character.isHighSurrogate(s.charAt(i - 1)) && Character.isLowSurrogate(s.charAt(i));
  }

}
