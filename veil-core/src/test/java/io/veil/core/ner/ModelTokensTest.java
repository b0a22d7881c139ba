package io.veil.core.ner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ModelTokensTest {

  private static List<String> tokens(String text) {
    ModelTokens tk = new ModelTokens(text);
    List<String> out = new ArrayList<>();
    for (int t = 0; t < tk.size; t++) {
      out.add(text.substring(tk.starts[t], tk.ends[t]));
    }
    return out;
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("O'Brien's car", List.of("O'Brien's", "car")),
        Arguments.of("Ferrari ' s", List.of("Ferrari", "'", "s")),
        Arguments.of("@jane_doe loves #NYC!", List.of("@jane", "_", "doe", "loves", "#NYC", "!")),
        Arguments.of("Jean-Luc met U.S. officials.", List.of("Jean-Luc", "met", "U.S", ".", "officials", ".")),
        Arguments.of("Hi 😀 Anna", List.of("Hi", "😀", "Anna")),
        Arguments.of("Dr. Ngozi Okafor, 42", List.of("Dr", ".", "Ngozi", "Okafor", ",", "42")),
        Arguments.of("  ", List.of()),
        Arguments.of("Zoë Müller-Lüdenscheidt", List.of("Zoë", "Müller-Lüdenscheidt")));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void cutsTextIntoTokens(String text, List<String> expected) {
    assertThat(tokens(text)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void remembersLineBreaks() {
    ModelTokens tk = new ModelTokens("Regards,\nMichael");
    assertThat(tk.lineBefore[0]).isTrue();
    assertThat(tk.lineBefore[1]).isFalse();
    assertThat(tk.lineBefore[2]).isTrue();
  }

  @Property(tries = 300)
  void tokensAreOrderedNonEmptyAndNeverSplitASurrogatePair(@ForAll String text) {
    ModelTokens tk = new ModelTokens(text);
    int last = 0;
    for (int t = 0; t < tk.size; t++) {
      assertThat(tk.starts[t]).isGreaterThanOrEqualTo(last);
      assertThat(tk.ends[t]).isGreaterThan(tk.starts[t]);
      assertThat(Character.isLowSurrogate(text.charAt(tk.starts[t]))
          && Character.isHighSurrogate(text.charAt(tk.starts[t] - 1))).isFalse();
      last = tk.ends[t];
    }
    assertThat(last).isLessThanOrEqualTo(text.length());
  }
}
