package io.veil.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ContextEnhancerTest {
  private static final ContextWords WORDS = ContextWords.of(Set.of("card", "cc", "iban", "pin", "n\u00fam"));
  private final ContextEnhancer enhancer = new ContextEnhancer(48, 0.35);

  @Test
  void contextWordBeforeOrAfterRaisesTheScore() {
    String text = "my card number is 4111 and that is all";
    Finding f = new Finding(18, 22, EntityType.CREDIT_CARD, 0.4, "t");
    assertThat(enhancer.enhance(text, f, WORDS, TextTraits.of(text)).score()).isEqualTo(0.75);
    String after = "number 4111 is my CARDHOLDER id";
    Finding g = new Finding(7, 11, EntityType.CREDIT_CARD, 0.4, "t");
    assertThat(enhancer.enhance(after, g, WORDS, TextTraits.of(after)).score()).isEqualTo(0.75);
    String none = "number 4111 is mine";
    assertThat(enhancer.enhance(none, g, WORDS, TextTraits.of(none)).score()).isEqualTo(0.4);
  }

  @Test
  void wordsJoinedByUnderscoreAreSeparateWords() {
    String text = "x_card 4111";
    Finding f = new Finding(7, 11, EntityType.CREDIT_CARD, 0.4, "t");
    assertThat(enhancer.enhance(text, f, WORDS, TextTraits.of(text)).score()).isEqualTo(0.75);
  }

  /** The word-span path must find exactly what the character scan finds, for any text and finding. */
  @Property(tries = 3000)
  void wordSpansAgreeWithTheCharacterScan(@ForAll("texts") String text, @ForAll @IntRange(max = 200) int a,
                                          @ForAll @IntRange(max = 30) int len, @ForAll @IntRange(max = 60) int window) {
    if (text.isEmpty()) {
      return;
    }
    int start = a % text.length();
    int end = Math.min(text.length(), start + 1 + len);
    Finding f = new Finding(start, end, EntityType.PHONE, 0.3, "t");
    ContextEnhancer e = new ContextEnhancer(window, 0.35);
    assertThat(e.enhance(text, f, WORDS, TextTraits.of(text))).isEqualTo(e.enhance(text, f, WORDS, null));
  }

  @Provide
  Arbitrary<String> texts() {
    Arbitrary<String> piece = Arbitraries.oneOf(
        Arbitraries.of("card", "CC", "iban", "pin", "N\u00daM", "cardholder", "x", "_", "__", "a_card", "card_x",
            "4111", " ", "  ", ".", "-", "\u00e9", "\u00a0", "\n", "carding", "pi", "ibans"),
        Arbitraries.strings().withChars("acdinp_ 1-").ofMaxLength(6));
    return piece.list().ofMaxSize(30).map(l -> String.join("", l));
  }
}
