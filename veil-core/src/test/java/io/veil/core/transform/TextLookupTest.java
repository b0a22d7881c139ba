package io.veil.core.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class TextLookupTest {

  @Test
  void findsOrdinalsAfterAPrefix() {
    TextLookup l = new TextLookup("Mail <EMAIL_ADDRESS_12> and email\\_address\\_7, person_0x");
    assertThat(l.folded()).isEqualTo("mail <email_address_12> and email\\_address\\_7, person_0x");
    assertThat(l.containsOrdinal("email_address_", 1)).isTrue();
    assertThat(l.containsOrdinal("email_address_", 12)).isTrue();
    assertThat(l.containsOrdinal("email_address_", 2)).isFalse();
    assertThat(l.containsOrdinal("email\\_address\\_", 7)).isTrue();
    assertThat(l.containsOrdinal("email\\_address\\_", 1)).isFalse();
    assertThat(l.containsOrdinal("person_", 0)).isTrue();
    assertThat(l.containsOrdinal("person_", 1)).isFalse();
  }

  @Test
  void digitRunsLongerThanAnIntStillCountTheirPrefixes() {
    TextLookup l = new TextLookup("x_99999999999999999999 x_2147483647 x_2147483648");
    assertThat(l.containsOrdinal("x_", 999_999_999)).isTrue();
    assertThat(l.containsOrdinal("x_", Integer.MAX_VALUE)).isTrue();
    assertThat(l.containsOrdinal("x_", 214_748_364)).isTrue();
    assertThat(l.containsOrdinal("x_", 5)).isFalse();
  }

  /** The index answers exactly what a scan of the folded text answers. */
  @Property(tries = 2000)
  void equalsContainsOnTheFoldedText(@ForAll("texts") String text, @ForAll("prefixes") String prefix,
                                     @ForAll("ordinals") int n) {
    String folded = text.toLowerCase(Locale.ROOT);
    assertThat(new TextLookup(text).containsOrdinal(prefix, n)).isEqualTo(folded.contains(prefix + n));
  }

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.strings().withChars("aAbB_\\0123456789<> İ").ofMaxLength(60);
  }

  @Provide
  Arbitrary<String> prefixes() {
    return Arbitraries.of("a_", "ab_", "a\\_", "a_b_", "b\\_a\\_", "i̇_", "", "_");
  }

  @Provide
  Arbitrary<Integer> ordinals() {
    return Arbitraries.oneOf(Arbitraries.integers().between(-3, 120),
        Arbitraries.integers().between(0, Integer.MAX_VALUE));
  }

  /** Substring and word questions, asked past the point where the suffix array takes over. */
  @Property(tries = 500)
  void containmentEqualsScans(@ForAll("texts") String text, @ForAll("needles") java.util.List<String> needles) {
    TextLookup l = new TextLookup(text);
    String folded = text.toLowerCase(Locale.ROOT);
    for (int round = 0; round < 2; round++) { // the second round runs on the suffix array
      for (String needle : needles) {
        String n = needle.toLowerCase(Locale.ROOT);
        assertThat(l.contains(n)).as("contains %s in %s", n, folded).isEqualTo(folded.contains(n));
        assertThat(l.containsWord(n)).as("word %s in %s", n, folded)
            .isEqualTo(TextLookup.scanForWord(folded, n));
      }
    }
  }

  @Provide
  Arbitrary<java.util.List<String>> needles() {
    return Arbitraries.strings().withChars("aAb_\\01 <>-İ").ofMinLength(1).ofMaxLength(5)
        .list().ofMinSize(TextLookup.SCANS_BEFORE_INDEX).ofMaxSize(TextLookup.SCANS_BEFORE_INDEX + 10);
  }

  @Test
  void suffixArraySortsSuffixes() {
    for (String text : java.util.List.of("banana", "aaaaaaa", "abcabcabc", "", "b\u0000a\uffffz", "mississippi")) {
      int[] sa = SuffixArray.of(text);
      java.util.List<String> sorted = new java.util.ArrayList<>();
      for (int i = 0; i < text.length(); i++) {
        sorted.add(text.substring(i));
      }
      java.util.Collections.sort(sorted);
      java.util.List<String> actual = new java.util.ArrayList<>();
      for (int i : sa) {
        actual.add(text.substring(i));
      }
      assertThat(actual).as(text).isEqualTo(sorted);
    }
  }

  @Property(tries = 500)
  void suffixArrayAnswersContains(@ForAll("texts") String text, @ForAll("texts") String needle) {
    int[] sa = SuffixArray.of(text);
    assertThat(SuffixArray.contains(text, sa, needle)).isEqualTo(text.contains(needle));
    if (text.length() > 2) {
      String inside = text.substring(1, text.length() - 1);
      assertThat(SuffixArray.contains(text, sa, inside)).isTrue();
    }
  }
}
