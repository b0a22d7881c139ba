package io.veil.core;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class TextTraitsTest {

  @Test
  void emptyText() {
    TextTraits t = TextTraits.of("");
    assertThat(t.asciiDigits()).isZero();
    assertThat(t.longestAsciiGraphicRun()).isZero();
    assertThat(t.mayContain('a')).isFalse();
    assertThat(t.mayContain('\u00e9')).as("non-ASCII is never ruled out").isTrue();
  }

  @Test
  void examples() {
    TextTraits t = TextTraits.of("mail a@b.c, call 555\u00a0123 now!");
    assertThat(t.mayContain('@')).isTrue();
    assertThat(t.mayContain('~')).isFalse();
    assertThat(t.mayContain('\u007f')).isFalse();
    assertThat(t.asciiDigits()).isEqualTo(6);
    assertThat(t.longestAsciiGraphicRun()).isEqualTo(6); // "a@b.c,"
  }

  @Property(tries = 2000)
  void agreesWithANaiveScan(@ForAll("texts") String text) {
    TextTraits t = TextTraits.of(text);
    for (char c = 0; c < 256; c++) {
      assertThat(t.mayContain(c)).isEqualTo(c >= 128 || text.indexOf(c) >= 0);
    }
    assertThat(t.asciiDigits()).isEqualTo((int) text.chars().filter(c -> c >= '0' && c <= '9').count());
    int longest = 0;
    for (String run : text.split("[^!-~]+", -1)) {
      longest = Math.max(longest, run.length());
    }
    assertThat(t.longestAsciiGraphicRun()).isEqualTo(longest);
  }

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ascii().ofMaxLength(60),
        Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(60),
        Arbitraries.strings().all().ofMaxLength(30));
  }
}
