package io.veil.core.recognizers;

import static org.assertj.core.api.Assertions.assertThat;

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
}
