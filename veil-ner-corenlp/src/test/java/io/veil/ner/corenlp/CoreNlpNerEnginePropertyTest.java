package io.veil.ner.corenlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.Finding;
import io.veil.core.NerEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Findings are well-formed for any text: inside it, on whole code points, sorted and disjoint. */
class CoreNlpNerEnginePropertyTest {
  static Path dir;
  static NerEngine engine;

  @BeforeContainer
  static void train() throws Exception {
    dir = Files.createTempDirectory("tiny-crf");
    engine = new CoreNlpNerEngineProvider().create(
        Map.of("classifier", TinyCrf.train(dir, "tiny.crf.ser.gz", false, false).toString()));
  }

  @AfterContainer
  static void clean() throws Exception {
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Provide
  Arbitrary<String> texts() {
    Arbitrary<String> words = Arbitraries.oneOf(
        Arbitraries.of(TinyCrf.FIRST), Arbitraries.of(TinyCrf.LAST), Arbitraries.of(TinyCrf.CITY),
        Arbitraries.of(TinyCrf.ORG), Arbitraries.of("my", "name", "is", "in", "at", "works", ".", ",", "(", ")", "\"",
            "😀", "𝔘𝔫𝔦", "\u200b", "\n", "Ünïcödé", "-", "'s", "e-mail@x.org", "http://x.y/z", "$12.50", "O'Neil",
            "12", "Main", "Street", "Apt.", "5", "Springfield", "IL", "62704", "Avenue", "NW"),
        Arbitraries.strings().ofMinLength(1).ofMaxLength(8),
        Arbitraries.strings().withCharRange('\ud800', '\udfff').ofMaxLength(3));
    return words.list().ofMaxSize(40).map(l -> String.join(" ", l));
  }

  @Property(tries = 300)
  void findingsAreInsideSortedDisjointAndOnCodePointBounds(@ForAll("texts") String text) {
    List<Finding> fs = new ArrayList<>(engine.analyze(text, null));
    Finding prev = null;
    for (Finding f : fs) {
      assertThat(f.start()).isGreaterThanOrEqualTo(0);
      assertThat(f.end()).isLessThanOrEqualTo(text.length()).isGreaterThan(f.start());
      assertThat(f.score()).isBetween(0.0, 1.0);
      if (f.start() > 0) {
        assertThat(Character.isHighSurrogate(text.charAt(f.start() - 1)) && Character.isLowSurrogate(text.charAt(f.start())))
            .isFalse();
      }
      if (f.end() < text.length()) {
        assertThat(Character.isHighSurrogate(text.charAt(f.end() - 1)) && Character.isLowSurrogate(text.charAt(f.end())))
            .isFalse();
      }
      if (prev != null) {
        assertThat(f.start()).isGreaterThanOrEqualTo(prev.end());
      }
      prev = f;
    }
  }
}
