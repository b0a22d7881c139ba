package io.veil.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The analyzer's last step (per-type thresholds, the default threshold, the allow-list, overlap
 * resolution) for any number of candidates, including the one-candidate path that skips the lists.
 */
class AnalyzerFilterTest {
  private static final String TEXT = "call alice at 0123456789 or bob at 9876543210 today";

  /** Reports fixed findings, whatever the text. */
  private record Fixed(List<Finding> findings) implements Recognizer {
    @Override
    public String name() {
      return "fixed";
    }

    @Override
    public Set<EntityType> entityTypes() {
      return Set.of(EntityType.PHONE, EntityType.PERSON, EntityType.AGE);
    }

    @Override
    public List<Finding> analyze(String text, String language) {
      return findings;
    }
  }

  private static Finding f(int start, int end, EntityType type, double score) {
    return new Finding(start, end, type, score, "fixed");
  }

  private static Analyzer analyzer(List<Finding> findings) {
    return Analyzer.builder().addRecognizer(new Fixed(findings))
        .threshold(EntityType.PERSON, 0.8)
        .threshold(EntityType.AGE, 0.2)
        .defaultThreshold(0.5)
        .allow("Bob")
        .build();
  }

  static List<Arguments> cases() {
    Finding phone = f(14, 24, EntityType.PHONE, 0.6);
    Finding lowPhone = f(14, 24, EntityType.PHONE, 0.4);
    Finding alice = f(5, 10, EntityType.PERSON, 0.7);      // under PERSON's own 0.8
    Finding aliceSure = f(5, 10, EntityType.PERSON, 0.9);
    Finding bob = f(28, 31, EntityType.PERSON, 0.95);       // allowed value
    Finding age = f(14, 16, EntityType.AGE, 0.3);           // over AGE's own 0.2, under the default
    Finding wide = f(11, 24, EntityType.PHONE, 0.6);        // overlaps phone, longer
    return List.of(
        Arguments.of("none", List.of(), List.of()),
        Arguments.of("one over the default threshold", List.of(phone), List.of(phone)),
        Arguments.of("one under the default threshold", List.of(lowPhone), List.of()),
        Arguments.of("one under its type's own threshold", List.of(alice), List.of()),
        Arguments.of("one over its type's own threshold", List.of(aliceSure), List.of(aliceSure)),
        Arguments.of("one whose own threshold is under the default", List.of(age), List.of(age)),
        Arguments.of("one on the allow-list (any case)", List.of(bob), List.of()),
        Arguments.of("exactly the threshold is kept", List.of(f(14, 24, EntityType.PHONE, 0.5)),
            List.of(f(14, 24, EntityType.PHONE, 0.5))),
        Arguments.of("two, one filtered", List.of(alice, phone), List.of(phone)),
        Arguments.of("two, both kept, sorted by start", List.of(phone, aliceSure), List.of(aliceSure, phone)),
        Arguments.of("two overlapping: same score, the longer wins", List.of(phone, wide), List.of(wide)),
        Arguments.of("two overlapping, the wider one filtered", List.of(phone, f(11, 24, EntityType.PHONE, 0.1)),
            List.of(phone)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void filtersAndResolves(String name, List<Finding> found, List<Finding> expected) {
    assertThat(analyzer(found).analyze(TEXT)).containsExactlyElementsOf(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theResultIsUnmodifiable(String name, List<Finding> found, List<Finding> expected) {
    List<Finding> result = analyzer(found).analyze(TEXT);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> result.add(f(0, 1, EntityType.PHONE, 1.0)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  /** Any 0-4 candidates: the analyzer's result is what the documented rule gives, computed naively. */
  @Property(tries = 3000)
  void equalsTheDocumentedRule(@ForAll("candidates") List<Finding> found) {
    assertThat(analyzer(found).analyze(TEXT)).containsExactlyElementsOf(naive(found));
  }

  private static List<Finding> naive(List<Finding> found) {
    List<Finding> kept = new ArrayList<>();
    for (Finding f : found) {
      double min = f.type().equals(EntityType.PERSON) ? 0.8 : f.type().equals(EntityType.AGE) ? 0.2 : 0.5;
      if (f.score() >= min && !f.value(TEXT).toLowerCase(Locale.ROOT).equals("bob")) {
        kept.add(f);
      }
    }
    kept.sort(Comparator.comparingDouble(Finding::score).reversed()
        .thenComparing(Comparator.comparingInt(Finding::length).reversed())
        .thenComparingInt(Finding::start)
        .thenComparing(Finding::type));
    List<Finding> out = new ArrayList<>();
    for (Finding f : kept) {
      if (out.stream().noneMatch(f::overlaps)) {
        out.add(f);
      }
    }
    out.sort(Comparator.comparingInt(Finding::start));
    return out;
  }

  @Provide
  Arbitrary<List<Finding>> candidates() {
    Arbitrary<Finding> one = Combinators.combine(
        Arbitraries.integers().between(0, TEXT.length() - 1),
        Arbitraries.integers().between(1, 12),
        Arbitraries.of(EntityType.PHONE, EntityType.PERSON, EntityType.AGE),
        Arbitraries.of(0.1, 0.2, 0.3, 0.5, 0.6, 0.8, 0.95))
        .as((start, len, type, score) -> f(start, Math.min(TEXT.length(), start + len), type, score));
    Arbitrary<Finding> bob = Arbitraries.of(f(28, 31, EntityType.PERSON, 0.95), f(28, 31, EntityType.PHONE, 0.6));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, one), net.jqwik.api.Tuple.of(1, bob)).list().ofMaxSize(4);
  }
}
