package io.veil.core.ner;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.Normalizer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** The table fast path must equal NFD + mark removal on the whole word. */
class AccentFoldingTest {

  private static String reference(String s) {
    return Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
  }

  @Test
  void foldsLatinLetters() {
    assertThat(AccentFolding.fold("xJúliax", 1, 6)).isEqualTo("Julia");
    assertThat(AccentFolding.fold("Łukasz Nuñez Ærø", 0, 16)).isEqualTo(reference("Łukasz Nuñez Ærø"));
  }

  @Property(tries = 2000)
  void equalsNormalizerOnLatinText(@ForAll @CharRange(from = 'A', to = '\u024f') @StringLength(min = 1, max = 12) String w) {
    assertThat(AccentFolding.fold(w, 0, w.length())).isEqualTo(reference(w));
  }

  @Property(tries = 2000)
  void equalsNormalizerWithCombiningMarksAndOtherScripts(
      @ForAll @CharRange(from = 'a', to = 'z') @CharRange(from = '\u00c0', to = '\u0400') @StringLength(min = 1, max = 12) String w) {
    assertThat(AccentFolding.fold(w, 0, w.length())).isEqualTo(reference(w));
  }
}
