package io.veil.core.ner;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.Analyzer;
import io.veil.core.EntityType;
import io.veil.core.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class VocativesTest {
  private static final Analyzer ANALYZER = Analyzer.builder().addRecognizer(ModelNerEngine.load()).build();

  static Stream<Arguments> addresses() {
    // text, language, the lower-case names addressed (empty: none)
    return Stream.of(
        // common words that are well-known first names, addressed after a greeting or thanks
        Arguments.of("hi bill, the bill is attached", "en", List.of("bill")),
        Arguments.of("thanks will!", "en", List.of("will")),
        Arguments.of("hey grace", "en", List.of("grace")),
        Arguments.of("thank you mark.", "en", List.of("mark")),
        Arguments.of("hi, grace! long time", "en", List.of("grace")),
        Arguments.of("morning ray \uD83D\uDE00", "en", List.of("ray")),
        Arguments.of("HI jack, got a minute?", null, List.of("jack")),
        Arguments.of("ok\nthanks rose\nsee you", "en", List.of("rose")),
        // with a surname the lists know and that is no common word
        Arguments.of("hi mark jones, quick question", "en", List.of("mark jones")),
        // the address goes on: a verb, a pronoun, a possessive, a noun
        Arguments.of("thanks will do", "en", List.of()),
        Arguments.of("hi may i ask something", "en", List.of()),
        Arguments.of("hi mark's mom", "en", List.of()),
        Arguments.of("thanks bill payment went through", "en", List.of()),
        // no greeting before the word, or the greeting on the line before
        Arguments.of("the bill, please", "en", List.of()),
        Arguments.of("grace period ends may 5", "en", List.of()),
        Arguments.of("hi\nbill, please", "en", List.of()),
        Arguments.of("hi  bill,", "en", List.of()),
        // words of address, words that are no well-known first name, capitalised names (the model's)
        Arguments.of("hey angel!", "en", List.of()),
        Arguments.of("thanks guys!", "en", List.of()),
        Arguments.of("hi all,", "en", List.of()),
        Arguments.of("thank you sir.", "en", List.of()),
        Arguments.of("thanks again!", "en", List.of()),
        // a month is no name here (closed list): "thanks may."
        Arguments.of("thanks may.", "en", List.of()),
        Arguments.of("hi Bill, how are you", "en", List.of()),
        // the cues are English
        Arguments.of("hi bill, wie geht's", "de", List.of()));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("addresses")
  void aLowerCaseFirstNameAddressedAfterAGreetingIsAPerson(String text, String lang, List<String> expected) {
    ModelTokens tk = new ModelTokens(text);
    ModelFeatures.Facts facts = new ModelFeatures.Facts(tk, GazetteerNerEngine.lexicon(), List.of(), lang);
    List<GazetteerNerEngine.Span> spans = new ArrayList<>();
    Vocatives.add(tk, facts, spans);
    assertThat(spans.stream().map(s -> text.substring(s.start(), s.end())).toList()).isEqualTo(expected);
    assertThat(spans).allMatch(s -> s.type() == EntityType.PERSON && s.score() >= 0.5);
  }

  @Test
  void aSpanAlreadyOnTheWordIsLeftAsItIs() {
    String text = "thanks will!";
    ModelTokens tk = new ModelTokens(text);
    ModelFeatures.Facts facts = new ModelFeatures.Facts(tk, GazetteerNerEngine.lexicon(), List.of(), "en");
    GazetteerNerEngine.Span model = new GazetteerNerEngine.Span(7, 11, EntityType.ORGANIZATION, 0.85);
    List<GazetteerNerEngine.Span> spans = new ArrayList<>(List.of(model));
    Vocatives.add(tk, facts, spans);
    assertThat(spans).containsExactly(model);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiterString = "|", textBlock = """
      hi bill, the bill is attached | bill
      thanks will!                  | will
      hey grace                     | grace
      thank you mark.               | mark
      """)
  void addressedNamesAreFoundThroughTheEngine(String text, String name) {
    // before this rule the model found none of these (a common word in lower case)
    List<String> persons = new ArrayList<>();
    for (Finding f : ANALYZER.analyze(text, null)) {
      if (f.type() == EntityType.PERSON) {
        persons.add(f.value(text));
      }
    }
    assertThat(persons).containsExactly(name);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiterString = "|", textBlock = """
      thx jen!       | jen
      thx, see you   | ''
      lol ok thx     | ''
      """)
  void aChatAbbreviationInLowerCaseIsNoName(String text, String name) {
    List<String> persons = new ArrayList<>();
    for (Finding f : ANALYZER.analyze(text, "en")) {
      if (f.type() == EntityType.PERSON) {
        persons.add(f.value(text));
      }
    }
    assertThat(persons).isEqualTo(name.isEmpty() ? List.of() : List.of(name));
  }

  @Test
  void theWordsOfAddressAreNoWellKnownFirstNamesOrAreExcluded() {
    // the rule's exclusions rely on these lexicon facts: "guys", "all", "again" have no first-name band at all
    Lexicon lexicon = GazetteerNerEngine.lexicon();
    for (String w : List.of("guys", "all", "again", "everyone")) {
      assertThat(Lexicon.first(lexicon.lookup(w, 0, w.length()))).as(w).isLessThan(Vocatives.FIRST_NAME_BAND);
    }
    for (String w : List.of("bill", "will", "mark", "grace", "ray", "jack", "rose")) {
      assertThat(Lexicon.first(lexicon.lookup(w, 0, w.length()))).as(w).isGreaterThanOrEqualTo(Vocatives.FIRST_NAME_BAND);
    }
  }
}
