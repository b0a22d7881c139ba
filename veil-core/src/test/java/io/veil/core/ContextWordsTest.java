package io.veil.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContextWordsTest {
  private static final ContextWords WORDS = ContextWords.of(Set.of("card", "cc", "visa", "téléphone", "iban"));

  @ParameterizedTest
  @CsvSource({
      "card, true", "CARD, true", "Cardholder, true", "cc, true", "CC, true",
      "ccv, false",        // two-letter words match only exactly
      "car, false",        // a word shorter than the context word
      "vis, false", "visas, true", "Téléphone, true", "TÉLÉPHONE, true", "telephone, false",
      "ibans, true", "xcard, false", "number, false"})
  void matchesWholeWordsAndPrefixesOfThreeOrMore(String word, boolean expected) {
    String text = "<" + word + ">";
    assertThat(WORDS.matchesWord(text, 1, 1 + word.length())).isEqualTo(expected);
  }

  @Property
  void agreesWithTheReferenceRule(@ForAll @AlphaChars @NumericChars @StringLength(min = 1, max = 12) String word) {
    Set<String> set = Set.of("card", "cc", "abc", "a1b2", "zz", "longerword");
    String lower = word.toLowerCase(java.util.Locale.ROOT);
    boolean expected = set.contains(lower)
        || set.stream().anyMatch(c -> c.length() >= 3 && lower.length() > c.length() && lower.startsWith(c));
    assertThat(ContextWords.of(set).matchesWord(word, 0, word.length())).isEqualTo(expected);
  }

  @Property
  void wordsBuiltFromContextWordsMatch(@ForAll("contextWord") String c, @ForAll @AlphaChars @StringLength(max = 5) String tail) {
    String word = c.toUpperCase(java.util.Locale.ROOT) + tail;
    assertThat(ContextWords.of(Set.of("card", "phone", "iban")).matchesWord(word, 0, word.length())).isTrue();
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> contextWord() {
    return net.jqwik.api.Arbitraries.of("card", "phone", "iban");
  }

  @org.junit.jupiter.api.Test
  void emptySetMatchesNothing() {
    assertThat(ContextWords.of(Set.of()).isEmpty()).isTrue();
    assertThat(ContextWords.of(Set.of()).matchesWord("card", 0, 4)).isFalse();
  }
}
