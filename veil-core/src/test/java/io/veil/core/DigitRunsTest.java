package io.veil.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DigitRunsTest {

  /**
   * One run as the table writes it: its digits, then flags: {@code [} opens a word, {@code ]} closes a
   * word, and the joint to the next run ({@code +c}) if exactly one character {@code c} stands between.
   */
  private static String describe(String text, DigitRuns runs) {
    List<String> parts = new ArrayList<>();
    for (int g = 0; g < runs.count(); g++) {
      StringBuilder b = new StringBuilder();
      b.append(runs.opensWord(g) ? "[" : "").append(text, runs.start(g), runs.end(g))
          .append(runs.closesWord(g) ? "]" : "");
      if (runs.joint(g) >= 0) {
        b.append('+').append((char) runs.joint(g));
      }
      parts.add(b.toString());
    }
    return String.join(" ", parts);
  }

  static Stream<Arguments> examples() {
    return Stream.of(
        Arguments.of("", ""),
        Arguments.of("no digits here", ""),
        Arguments.of("7", "[7]"),
        Arguments.of("call 555-0100 now", "[555]+- [0100]"),
        Arguments.of("(555) 123-4567", "[555] [123]+- [4567]"),
        Arguments.of("+44 20 7946 0958", "[44]+  [20]+  [7946]+  [0958]"),
        Arguments.of("4111 1111 1111 1111.", "[4111]+  [1111]+  [1111]+  [1111]"),
        Arguments.of("123-45-6789", "[123]+- [45]+- [6789]"),
        Arguments.of("on 2024-05-17T10:15", "[2024]+- [05]+- [17+T 10]+: [15]"),
        Arguments.of("DE89 3704", "89]+  [3704]"),
        Arguments.of("ab12cd34", "12 34]"),
        Arguments.of("12ab", "[12"),
        Arguments.of("a_1 x", "1]"),
        Arguments.of("1  2", "[1] [2]"),
        Arguments.of("1é2", "[1+é 2]"),
        Arguments.of("٣ 3 ３", "[3]"), // Arabic-Indic and full-width digits are word characters, not ASCII digits
        Arguments.of("12\u00a034", "[12]+\u00a0 [34]"),
        Arguments.of("0", "[0]"));
  }

  @ParameterizedTest
  @MethodSource("examples")
  void runsOfExamples(String text, String expected) {
    TextTraits traits = TextTraits.of(text);
    assertThat(describe(text, traits.digitRuns(text))).isEqualTo(expected);
  }

  @Test
  void computedOnceAndRejectsAnotherText() {
    String text = "call 555-0100";
    TextTraits traits = TextTraits.of(text);
    DigitRuns runs = traits.digitRuns(text);
    assertThat(traits.digitRuns(text)).isSameAs(runs);
    assertThat(TextTraits.of("no digits").digitRuns("no digits").count()).isZero();
    assertThatThrownBy(() -> traits.digitRuns("call 555-01000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("555");
    assertThat(runs.toString()).doesNotContain("555", "0100");
  }

  @Test
  void firstFromAndBounds() {
    String text = "a 12 b 345 c 6";
    DigitRuns runs = TextTraits.of(text).digitRuns(text);
    assertThat(runs.count()).isEqualTo(3);
    assertThat(runs.firstFrom(0)).isZero();
    assertThat(runs.firstFrom(2)).isZero();
    assertThat(runs.firstFrom(3)).isEqualTo(1);
    assertThat(runs.firstFrom(14)).isEqualTo(3);
    assertThat(runs.length(1)).isEqualTo(3);
    assertThat(runs.joint(2)).as("the last run has no joint").isEqualTo(-1);
    assertThatThrownBy(() -> runs.start(3)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> runs.joint(-1)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  /** The shared runs equal what a naive walk over every character finds. */
  @Property(tries = 3000)
  void agreesWithANaiveWalk(@ForAll("texts") String text) {
    DigitRuns runs = TextTraits.of(text).digitRuns(text);
    List<int[]> naive = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      if (!isAsciiDigit(text.charAt(i))) {
        i++;
        continue;
      }
      int s = i;
      while (i < text.length() && isAsciiDigit(text.charAt(i))) {
        i++;
      }
      naive.add(new int[] {s, i});
    }
    assertThat(runs.count()).isEqualTo(naive.size());
    for (int g = 0; g < naive.size(); g++) {
      int s = naive.get(g)[0];
      int e = naive.get(g)[1];
      assertThat(runs.start(g)).isEqualTo(s);
      assertThat(runs.end(g)).isEqualTo(e);
      assertThat(runs.length(g)).isEqualTo(e - s);
      assertThat(runs.opensWord(g)).isEqualTo(s == 0 || !isWordChar(text.charAt(s - 1)));
      assertThat(runs.closesWord(g)).isEqualTo(e == text.length() || !isWordChar(text.charAt(e)));
      boolean joined = g + 1 < naive.size() && naive.get(g + 1)[0] == e + 1;
      assertThat(runs.joint(g)).isEqualTo(joined ? text.charAt(e) : -1);
    }
    for (int at = 0; at <= text.length() + 1; at++) {
      int first = 0;
      while (first < naive.size() && naive.get(first)[0] < at) {
        first++;
      }
      assertThat(runs.firstFrom(at)).isEqualTo(first);
    }
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("0123456789 -.()+/x_a").ofMaxLength(60),
        Arbitraries.strings().withChars("19 -.\u00e9\u0660\uff11\u00a0\u0000").ofMaxLength(60),
        Arbitraries.strings().ascii().ofMaxLength(80),
        Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(60),
        Arbitraries.strings().all().ofMaxLength(30));
  }
}
