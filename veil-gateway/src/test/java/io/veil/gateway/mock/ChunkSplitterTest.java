package io.veil.gateway.mock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ChunkSplitterTest {

  @Property
  void piecesReassembleToTheTextAndHoldOneToSevenCodePoints(@ForAll String text, @ForAll long seed) {
    List<String> pieces = ChunkSplitter.split(text, seed);
    assertThat(String.join("", pieces)).isEqualTo(text);
    for (String piece : pieces) {
      int cp = piece.codePointCount(0, piece.length());
      assertThat(cp).isBetween(ChunkSplitter.MIN_CHUNK, ChunkSplitter.MAX_CHUNK);
    }
  }

  @Test
  void neverSplitsASurrogatePair() {
    String text = "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀";
    for (long seed = 0; seed < 50; seed++) {
      for (String piece : ChunkSplitter.split(text, seed)) {
        assertThat(Character.isLowSurrogate(piece.charAt(0))).isFalse();
        assertThat(Character.isHighSurrogate(piece.charAt(piece.length() - 1))).isFalse();
      }
    }
  }

  @Test
  void sameSeedSameSplitAndSizesVary() {
    String text = "Call Jane Doe at +1 415 555 0100 or jane.doe@example.com about IBAN DE89370400440532013000.";
    List<String> a = ChunkSplitter.split(text, 42);
    assertThat(ChunkSplitter.split(text, 42)).isEqualTo(a);
    assertThat(a.stream().mapToInt(String::length).distinct().count()).isGreaterThan(2);
  }

  @Test
  void emptyTextHasNoPieces() {
    assertThat(ChunkSplitter.split("", 1)).isEmpty();
  }
}
