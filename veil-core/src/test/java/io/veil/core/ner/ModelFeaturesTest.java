package io.veil.core.ner;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelFeaturesTest {

  private static ModelFeatures.Facts facts(String text, String language) {
    ModelTokens tk = new ModelTokens(text);
    return new ModelFeatures.Facts(tk, GazetteerNerEngine.lexicon(),
        GazetteerNerEngine.load().analyze(text, language), language);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "ask maria if she can cover my shift tomorrow | 1",
      "Please send the report to Maria before the meeting on Friday | 2",
      "Yesterday Maria Lopez met Tom Berg in Oslo at noon | 3",
      "Quarterly Report Shows Strong Growth For Acme | 4",
      "MARIA LOPEZ WAS AMAZING LAST NIGHT | 5",
      "42 !! | 0",
  })
  void lineCapitalisationPattern(String line, int band) {
    ModelFeatures.Facts f = facts(line, "en");
    for (int t = 0; t < f.n; t++) {
      assertThat(f.lineCase[t]).as("token %d", t).isEqualTo(band);
    }
  }

  @Test
  void eachLineHasItsOwnPattern() {
    ModelFeatures.Facts f = facts("MEETING NOTES TODAY\nask maria about it", "en");
    assertThat(f.lineCase[0]).isEqualTo(5);
    assertThat(f.lineCase[f.n - 1]).isEqualTo(1);
  }

  @Test
  void languageIsTheGivenOneElseGuessed() {
    assertThat(facts("Der Bericht wurde von der Kommission geprüft und ist nicht fertig.", null).lang).isEqualTo(2);
    assertThat(facts("The report is not ready and the team will send it on Friday.", null).lang).isEqualTo(1);
    assertThat(facts("The report is not ready.", "de").lang).isEqualTo(2);
    assertThat(facts("ok", null).lang).isZero();
    assertThat(facts("ok", "ja").lang).isZero();
  }

  @Test
  void handlesAndHashtagsCarryTheLexiconEntryOfTheirParts() {
    ModelFeatures.Facts f = facts("thanks @JenniferLopez and #london!", "en");
    ModelTokens tk = new ModelTokens("thanks @JenniferLopez and #london!");
    int handle = -1;
    int tag = -1;
    for (int t = 0; t < tk.size; t++) {
      String w = tk.text.substring(tk.starts[t], tk.ends[t]);
      if (w.equals("@JenniferLopez")) {
        handle = t;
      } else if (w.equals("#london")) {
        tag = t;
      }
    }
    assertThat(f.handle[handle] >> 16).isEqualTo(1);
    assertThat(f.handle[handle] & 3).as("first part 'Jennifer' is a known first name").isNotZero();
    assertThat(f.handle[tag] >> 16).isEqualTo(2);
    assertThat(f.handle[tag] >> 8 & 0xff).as("body 'london' is a place").isNotZero();
    assertThat(f.handle[0]).isZero();
  }

  @Test
  void everyTokenGetsPerTokenIndicesInsideTheTable() {
    ModelFeatures.Facts f = facts("Dr. Ngozi Okafor flew to Lagos with ACME Ltd.\nthanks!", "en");
    int bits = 12;
    int[] out = new int[f.n * ModelFeatures.PER_TOKEN];
    ModelFeatures.extract(f, 0, f.n, bits, out);
    assertThat(java.util.Arrays.stream(out)).allSatisfy(i -> assertThat(i).isBetween(0, (1 << bits) - 1));
    int[] again = new int[f.n * ModelFeatures.PER_TOKEN];
    ModelFeatures.extract(f, 0, f.n, bits, again);
    assertThat(again).isEqualTo(out);
  }
}
