package io.veil.ner.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.Finding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

class OnnxFindingsPropertyTest {
  static Path dir;
  static OnnxNerEngine engine;
  static OnnxNerEngine windowed;

  @BeforeContainer
  static void load() throws Exception {
    dir = TinyNerModel.standard().writeTo(Files.createTempDirectory("veil-onnx-prop"));
    engine = OnnxNerEngine.open(Map.of("dir", dir.toString()));
    windowed = OnnxNerEngine.open(Map.of("dir", dir.toString(), "max_tokens", "12", "stride", "4", "batch", "2"));
  }

  @AfterContainer
  static void close() {
    engine.close();
    windowed.close();
  }

  @Provide
  Arbitrary<String> texts() {
    Arbitrary<String> piece = Arbitraries.oneOf(
        Arbitraries.of("john", "Smith", "mary", "ann", "Jack", "son", "zoe", "paris", "New", "york", "acme", "corp",
            "euro", "cup", "hello", "y", "s", "ing", "Jöhn", "Zoë"),
        Arbitraries.of(" ", "  ", "\n", ",", ".", "-", "'", "\t"),
        Arbitraries.of("\uD83D\uDE00", "\uD835\uDC09", "\uD800", "\uDC00", "\u0308", "\u0000", "\uFFFD", "\u200B"),
        Arbitraries.strings().ofMinLength(1).ofMaxLength(3));
    return piece.list().ofMaxSize(60).map(l -> String.join("", l));
  }

  @Property(tries = 300)
  void findingsAreInsideWholeWordsAndNeverSplitASurrogatePair(@ForAll("texts") String text) {
    List<Finding> found = engine.analyze(text, null);
    for (Finding f : found) {
      assertThat(f.end()).isLessThanOrEqualTo(text.length());
      assertThat(f.score()).isBetween(0.0, 1.0);
      assertThat(splitsPair(text, f.start())).isFalse();
      assertThat(splitsPair(text, f.end())).isFalse();
      if (f.start() > 0) {
        assertThat(SpanDecoder.isWordChar(text.codePointBefore(f.start()))).isFalse();
      }
      if (f.end() < text.length()) {
        assertThat(SpanDecoder.isWordChar(text.codePointAt(f.end()))).isFalse();
      }
    }
    for (int i = 1; i < found.size(); i++) {
      assertThat(found.get(i).start()).isGreaterThanOrEqualTo(found.get(i - 1).start());
    }
    // the tiny model labels each piece alone, so windowing must not change anything
    assertThat(windowed.analyze(text, null)).isEqualTo(found);
  }

  private static boolean splitsPair(String text, int i) {
    return i > 0 && i < text.length() && Character.isHighSurrogate(text.charAt(i - 1))
        && Character.isLowSurrogate(text.charAt(i));
  }
}
