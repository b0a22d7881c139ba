package io.veil.core.recognizers;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.TextTraits;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@link WordIndex} (bucketed, with packed-prefix rejection) answers like a plain list of words. */
class WordIndexTest {
  private static final String[] WORDS = {
      "pass", "password", "passwort", "pw", "pwd", "p", "api key", "api_key", "a/c", "mai", "märz", "mars",
      "driver's license", "nº", "élan", "über", "dl#", "abcd", "abcde", "abc"};
  private static final WordIndex INDEX = new WordIndex(WORDS);

  @Test
  void examples() {
    assertThat(INDEX.matchesAt("PASSWORD=1", 0)).containsExactly("password", "pass", "p");
    assertThat(INDEX.longestAt("my Passwort", 3)).isEqualTo("passwort");
    assertThat(INDEX.exactly("x M\u00c4RZ y", 2, 6)).isEqualTo("märz");
    assertThat(INDEX.longestAt("abc", 0)).isEqualTo("abc");
    assertThat(INDEX.longestAt("ab", 0)).isNull();
    assertThat(INDEX.longestAt("\u00c9LAN", 0)).isEqualTo("élan");
  }

  @Property(tries = 3000)
  void agreesWithAPlainList(@ForAll("texts") String text) {
    List<String> sorted = new ArrayList<>(List.of(WORDS));
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    for (int at = 0; at < text.length(); at++) {
      List<String> expected = new ArrayList<>();
      for (String w : sorted) {
        if (matches(text, at, w)) {
          expected.add(w);
        }
      }
      assertThat(INDEX.matchesAt(text, at)).containsExactlyElementsOf(expected);
      assertThat(INDEX.longestAt(text, at)).isEqualTo(expected.isEmpty() ? null : expected.get(0));
      for (int to = at; to <= text.length(); to++) {
        int length = to - at;
        String exact = expected.stream().filter(w -> w.length() == length).findFirst().orElse(null);
        assertThat(INDEX.exactly(text, at, to)).isEqualTo(exact);
      }
    }
  }

  /**
   * The word-head filter relies on this: a character is a word character exactly when its lower case
   * is, so a keyword's first segment ends where the text's word ends.
   */
  @Test
  void everyCharIsAWordCharExactlyWhenItsLowerCaseIs() {
    for (int c = 0; c <= Character.MAX_VALUE; c++) {
      char ch = (char) c;
      assertThat(Chars.isWordChar(Character.toLowerCase(ch))).as("U+%04X", c).isEqualTo(Chars.isWordChar(ch));
    }
  }

  @Test
  void headFilterExamples() {
    assertThat(INDEX.mayOpenWord(TextTraits.head("Passenger", 0, 9))).isTrue(); // "pass", "p"
    assertThat(INDEX.mayOpenWord(TextTraits.head("PWX", 0, 3))).isTrue(); // "pw" opens longer words
    assertThat(INDEX.mayOpenWord(TextTraits.head("a", 0, 1))).isTrue(); // "a/c"
    assertThat(INDEX.mayOpenWord(TextTraits.head("ab", 0, 2))).isFalse(); // "abc" needs three
    assertThat(INDEX.mayOpenWord(TextTraits.head("\u212Aey", 0, 3))).isFalse(); // Kelvin sign: "key" is no word here
    assertThat(INDEX.mayOpenWord(TextTraits.head("ÜBERALL", 0, 7))).isTrue();
    assertThat(INDEX.mayOpenWord(TextTraits.head("dl", 0, 2))).isTrue(); // "dl#": the word is "dl"
    assertThat(INDEX.mayOpenWord(TextTraits.head("dlx", 0, 3))).isFalse();
    assertThat(INDEX.mayOpenWord(TextTraits.head("hello", 0, 5))).isFalse();
    WordIndex kelvin = new WordIndex("key");
    assertThat(kelvin.mayOpenWord(TextTraits.head("\u212AEY", 0, 3))).isTrue(); // lower case of U+212A is 'k'
  }

  /** Where the head filter says no at a word start, no word matches there. */
  @Property(tries = 3000)
  void headFilterNeverHidesAMatch(@ForAll("textsWithCaseOddities") String text) {
    TextTraits traits = TextTraits.of(text);
    for (int k = 0; k < traits.wordCount(); k++) {
      if (INDEX.mayOpenWord(traits.wordHead(k))) {
        continue;
      }
      int ws = traits.wordStart(k);
      assertThat(INDEX.matchesAt(text, ws)).as("at %d", ws).isEmpty();
      assertThat(INDEX.longestAt(text, ws)).isNull();
      for (int to = ws + 1; to <= text.length(); to++) {
        assertThat(INDEX.exactly(text, ws, to)).isNull();
      }
    }
  }

  private static boolean matches(String text, int at, String w) {
    if (at + w.length() > text.length()) {
      return false;
    }
    for (int k = 0; k < w.length(); k++) {
      if (Character.toLowerCase(text.charAt(at + k)) != w.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  @Provide
  Arbitrary<String> texts() {
    Arbitrary<String> piece = Arbitraries.oneOf(
        Arbitraries.of(WORDS).map(w -> w.toUpperCase(java.util.Locale.ROOT)),
        Arbitraries.of(WORDS),
        Arbitraries.strings().withChars("pasword/ckyAPIÄÉ' #º").ofMaxLength(5));
    return piece.list().ofMaxSize(6).map(l -> String.join("", l));
  }

  /** {@link #texts()} plus characters whose lower case is ASCII (Kelvin sign, dotted capital I), digits and '_'. */
  @Provide
  Arbitrary<String> textsWithCaseOddities() {
    Arbitrary<String> piece = Arbitraries.oneOf(
        Arbitraries.of(WORDS).map(w -> w.toUpperCase(java.util.Locale.ROOT)),
        Arbitraries.of(WORDS),
        Arbitraries.strings().withChars("pasword/ckyAPIÄÉ' #º\u212A\u0130_9dlDLbü").ofMaxLength(5));
    return piece.list().ofMaxSize(6).map(l -> String.join("", l));
  }
}
