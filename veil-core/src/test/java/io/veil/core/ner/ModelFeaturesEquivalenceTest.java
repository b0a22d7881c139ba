package io.veil.core.ner;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.Finding;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast analysis path (one-pass {@link ModelFeatures.Facts}, {@link ModelFeatures#token},
 * {@link SequenceModel#decode(ModelFeatures.Facts, int, int, int[], float[])} over packed rows) must
 * compute exactly what the shipped model was trained on: {@link ModelFeaturesReference} (the code before
 * it was made faster) and a plain per-tag decode over the model's 8-bit weights and row shifts.
 */
class ModelFeaturesEquivalenceTest {
  private static final SequenceModel MODEL = bundled();

  private static SequenceModel bundled() {
    try (var in = ModelNerEngine.class.getResourceAsStream(ModelNerEngine.RESOURCE)) {
      return SequenceModel.read(in);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static final List<String> FRAGMENTS = List.of(
      " ", " ", " ", "  ", "\n", "\r\n", "\t", ".", ",", ":", "!", "?", "\u2026", "\"", "'", "\u2019", "'s", "\u2019s",
      "-", "_", "(", ")", "@", "#", "@JaneDoe", "#jane_doe", "@x", "#London2024", "@mike_smith99",
      "Mr.", "Dr.", "Frau", "Dear", "my name is", "Inc.", "GmbH", "Ltd", "Street", "Main St", "123", "4111 1111",
      "John", "Smith", "maria", "LOPEZ", "Ngozi", "Okafor", "Krisztián", "Szöllösy", "Zoë", "Ærøskøbing", "İstanbul",
      "Berlin", "New York", "Paris", "Lagos", "O'Brien", "O\u2019Connor", "don\u2019t", "L\u2019Oréal", "Jean-Luc", "U.S.A", "McDonald", "getName()", "user_id", "a::b",
      "the", "The", "and", "or", "&", "y", "et", "is", "der", "die", "und", "el", "los", "le", "het", "een", "Monday", "May", "will",
      "Ä", "é", "ß", "ǅ", "Ⅻ", "٣", "১২", "😀", "𝐀𝐁", "Москва", "東京", "\u0301", "e\u0301", "\u00a0", "\u2028", "ｆｕｌｌ");

  @Provide
  Arbitrary<String> texts() {
    Arbitrary<String> glued = Combinators.combine(Arbitraries.of(FRAGMENTS).list().ofMinSize(1).ofMaxSize(80),
        Arbitraries.of("", "-", "\n")).as((l, sep) -> String.join(sep, l));
    Arbitrary<String> spaced = Arbitraries.of(FRAGMENTS).list().ofMinSize(1).ofMaxSize(80).map(l -> String.join(" ", l));
    Arbitrary<String> any = Arbitraries.strings().ofMinLength(1).ofMaxLength(120);
    Arbitrary<String> mixed = Combinators.combine(spaced, any).as((a, b) -> a + b);
    return Arbitraries.oneOf(spaced, glued, any, mixed);
  }

  @Provide
  Arbitrary<String> languages() {
    return Arbitraries.of("en", "de", "es", "fr", "nl", "xx").injectNull(0.4);
  }

  @Property(tries = 400)
  void fastPathComputesWhatTheModelWasTrainedOn(@ForAll("texts") String text, @ForAll("languages") String language) {
    assertSame(text, language);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Dr. Ngozi Okafor flew to Lagos with ACME Ltd.\nthanks!",
      "ask maria if she can cover my shift tomorrow",
      "MARIA LOPEZ WAS AMAZING LAST NIGHT @JenniferLopez #london",
      "Der Bericht wurde von Frau Müller in Köln geprüft.",
      "Krisztián Szöllösy listed his top 20 songs for Entertainment Weekly (#15).",
      "Founders: Kónya, Becker, and Vasquez met Barnett, Melton & Garcia LLC in Ohio.",
  })
  void fastPathMatchesOnTypicalTexts(String text) {
    assertSame(text, null);
    assertSame(text, "en");
  }

  @org.junit.jupiter.api.Test
  void fastPathMatchesOnATextLongerThanOneWindow() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      sb.append(FRAGMENTS.get((i * 37) % FRAGMENTS.size())).append(i % 9 == 0 ? ". " : " ");
    }
    assertSame(sb.toString(), null);
  }

  private static void assertSame(String text, String language) {
    ModelTokens tk = new ModelTokens(text);
    List<Finding> rules = GazetteerNerEngine.load().analyze(text, language);
    Lexicon lexicon = GazetteerNerEngine.lexicon();
    ModelFeatures.Facts fast = new ModelFeatures.Facts(tk, lexicon, rules, language);
    ModelFeaturesReference.Facts ref = new ModelFeaturesReference.Facts(tk, lexicon, rules, language);
    assertThat(fast.word).isEqualTo(ref.word);
    assertThat(fast.shape).isEqualTo(ref.shape);
    assertThat(fast.pre2).isEqualTo(ref.pre2);
    assertThat(fast.pre3).isEqualTo(ref.pre3);
    assertThat(fast.suf2).isEqualTo(ref.suf2);
    assertThat(fast.suf3).isEqualTo(ref.suf3);
    assertThat(fast.suf4).isEqualTo(ref.suf4);
    assertThat(fast.lex).isEqualTo(ref.lex);
    assertThat(fast.closed).isEqualTo(ref.closed);
    assertThat(fast.gaz).isEqualTo(ref.gaz);
    assertThat(fast.cap).isEqualTo(ref.cap);
    assertThat(fast.sentStart).isEqualTo(ref.sentStart);
    assertThat(fast.lineCase).isEqualTo(ref.lineCase);
    assertThat(fast.handle).isEqualTo(ref.handle);
    assertThat(fast.listRun).isEqualTo(ref.listRun);
    assertThat(fast.listGov).isEqualTo(ref.listGov);
    assertThat(fast.listNext).isEqualTo(ref.listNext);
    assertThat(fast.caseless).isEqualTo(ref.caseless);
    assertThat(fast.lang).isEqualTo(ref.lang);
    int per = ModelFeatures.PER_TOKEN;
    int[] scratch = new int[per];
    int from = 0;
    while (from < tk.size) {
      int to = ModelNerEngine.windowEnd(tk, from);
      int n = to - from;
      int[] expected = new int[n * per];
      ModelFeaturesReference.extract(ref, from, to, MODEL.bits, expected);
      int[] actual = new int[n * per];
      ModelFeatures.extract(fast, from, to, MODEL.bits, actual);
      assertThat(actual).isEqualTo(expected);
      float[] refEmissions = new float[n * SequenceModel.TAGS];
      int[] refTags = referenceDecode(MODEL, expected, n, refEmissions);
      float[] emissions = new float[n * SequenceModel.TAGS];
      int[] tags = MODEL.decode(fast, from, to, scratch, emissions);
      assertThat(emissions).isEqualTo(refEmissions);
      assertThat(tags).isEqualTo(refTags);
      from = to;
    }
  }

  /** The decode of main at c38da1b: per tag, the quantized weights of the token's features summed. */
  private static int[] referenceDecode(SequenceModel m, int[] feats, int n, float[] emissions) {
    int per = ModelFeatures.PER_TOKEN;
    for (int t = 0; t < n; t++) {
      for (int y = 0; y < SequenceModel.TAGS; y++) {
        int sum = 0;
        for (int k = 0; k < per; k++) {
          int row = feats[t * per + k];
          sum += m.weights[row * SequenceModel.TAGS + y] << m.shifts[row];
        }
        emissions[t * SequenceModel.TAGS + y] = sum * m.scale;
      }
    }
    return SequenceModel.viterbi(emissions, n, m.transitions);
  }
}
