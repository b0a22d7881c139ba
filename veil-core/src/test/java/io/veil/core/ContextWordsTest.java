package io.veil.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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

  /**
   * The two-character filter (used when every context word starts with two ASCII characters) and the
   * unfiltered table answer alike, per the reference rule with per-character lower-casing, also for
   * characters whose lower case is ASCII (U+0130, the Kelvin sign).
   */
  @Property(tries = 3000)
  void firstPairFilterKeepsTheRule(@ForAll("mixedWord") String word) {
    for (Set<String> set : List.of(Set.of("card", "cc", "ki", "kin"), Set.of("card", "cc", "ki", "kin", "\u00e9t\u00e9"),
        Set.of("card", "c", "ki"))) {
      String lower = perCharLower(word);
      boolean expected = set.contains(lower)
          || set.stream().anyMatch(c -> c.length() >= 3 && lower.length() > c.length() && lower.startsWith(c));
      assertThat(ContextWords.of(set).matchesWord("(" + word + ")", 1, 1 + word.length())).as(set.toString()).isEqualTo(expected);
    }
  }

  private static String perCharLower(String w) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < w.length(); i++) {
      b.append(Character.toLowerCase(w.charAt(i)));
    }
    return b.toString();
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> mixedWord() {
    return net.jqwik.api.Arbitraries.strings().withChars("caCArdK\u212a\u0130iIn\u00e9\u00c9t1").ofMinLength(0).ofMaxLength(6);
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
