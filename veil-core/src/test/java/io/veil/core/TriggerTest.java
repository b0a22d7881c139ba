package io.veil.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class TriggerTest {

  /** One clause as plain data, evaluated the slow way on the text itself. */
  record Clause(String chars, int minDigits, int minRun) {
    Trigger trigger() {
      Trigger t = Trigger.minAsciiDigits(minDigits).and(Trigger.minAsciiGraphicRun(minRun));
      return chars.isEmpty() ? t : t.and(Trigger.anyOf(chars));
    }

    boolean holdsFor(String text) {
      int digits = 0;
      int run = 0;
      int longest = 0;
      boolean hasChar = chars.isEmpty();
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c >= '0' && c <= '9') {
          digits++;
        }
        run = c >= '!' && c <= '~' ? run + 1 : 0;
        longest = Math.max(longest, run);
        if (chars.indexOf(c) >= 0) {
          hasChar = true;
        }
      }
      return digits >= minDigits && longest >= minRun && hasChar;
    }
  }

  @Test
  void singleClauses() {
    assertThat(Trigger.anyOf("@").test(TextTraits.of("a@b"))).isTrue();
    assertThat(Trigger.anyOf("@").test(TextTraits.of("ab"))).isFalse();
    // both halves of the 128-bit set
    assertThat(Trigger.anyOf("~").test(TextTraits.of("a~"))).isTrue();
    assertThat(Trigger.anyOf("~").test(TextTraits.of("a}"))).isFalse();
    assertThat(Trigger.anyOf(".:").test(TextTraits.of("x:y"))).isTrue();
    assertThat(Trigger.minAsciiDigits(3).test(TextTraits.of("1 2"))).isFalse();
    assertThat(Trigger.minAsciiDigits(3).test(TextTraits.of("1 2 3"))).isTrue();
    assertThat(Trigger.minAsciiGraphicRun(4).test(TextTraits.of("abc abc"))).isFalse();
    assertThat(Trigger.minAsciiGraphicRun(4).test(TextTraits.of("abc abcd"))).isTrue();
    assertThat(Trigger.ALWAYS.test(TextTraits.of(" "))).isTrue();
  }

  @Test
  void andOrCombine() {
    Trigger ip = Trigger.anyOf(":").or(Trigger.anyOf(".").and(Trigger.minAsciiDigits(4)));
    assertThat(ip.test(TextTraits.of("1.2.3"))).isFalse();
    assertThat(ip.test(TextTraits.of("1.2.3.4"))).isTrue();
    assertThat(ip.test(TextTraits.of("::"))).isTrue();
    assertThat(ip.test(TextTraits.of("1234"))).isFalse();
    assertThat(ip).hasToString("Trigger[anyOf(:) or anyOf(.) and digits>=4]");
  }

  @Test
  void badTriggersAreRejected() {
    assertThatThrownBy(() -> Trigger.anyOf("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Trigger.anyOf("é")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Trigger.minAsciiDigits(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Trigger.anyOf("a").and(Trigger.anyOf("b")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Trigger.anyOf("a").or(Trigger.anyOf("b")).and(Trigger.minAsciiDigits(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 3000)
  void testAgreesWithTheTextItself(@ForAll("texts") String text, @ForAll("clauses") List<Clause> clauses) {
    Trigger t = clauses.getFirst().trigger();
    boolean expected = clauses.getFirst().holdsFor(text);
    for (Clause c : clauses.subList(1, clauses.size())) {
      t = t.or(c.trigger());
      expected |= c.holdsFor(text);
    }
    assertThat(t.test(TextTraits.of(text))).isEqualTo(expected);
  }

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.strings().withChars("ab1 2.:@-~_\u00e9\n").ofMaxLength(30);
  }

  @Provide
  Arbitrary<List<Clause>> clauses() {
    Arbitrary<Clause> clause = Combinators.combine(
        Arbitraries.strings().withChars(".:@-~_a").ofMaxLength(3),
        Arbitraries.integers().between(0, 5),
        Arbitraries.integers().between(0, 8)).as(Clause::new);
    return clause.list().ofMinSize(1).ofMaxSize(3);
  }

  /** A recognizer with a trigger; counts its calls to mayFind and analyze. */
  private static final class Triggered implements Recognizer {
    final AtomicInteger mayFindCalls = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();
    private final Trigger trigger;
    private final boolean digits;

    Triggered(Trigger trigger) {
      this(trigger, false);
    }

    Triggered(Trigger trigger, boolean digits) {
      this.trigger = trigger;
      this.digits = digits;
    }

    @Override
    public boolean findingsContainDigit() {
      return digits;
    }

    @Override
    public String name() {
      return "triggered";
    }

    @Override
    public Set<EntityType> entityTypes() {
      return Set.of(EntityType.EMAIL);
    }

    @Override
    public List<Finding> analyze(String text, String language) {
      calls.incrementAndGet();
      return List.of(new Finding(0, text.length(), EntityType.EMAIL, 0.9, name()));
    }

    @Override
    public boolean mayFind(TextTraits traits) {
      mayFindCalls.incrementAndGet();
      return true;
    }

    @Override
    public Trigger trigger() {
      return trigger;
    }
  }

  @Test
  void theAnalyzerTestsTheTriggerInsteadOfCallingMayFind() {
    Triggered r = new Triggered(Trigger.anyOf("@"));
    Analyzer analyzer = Analyzer.builder().addRecognizer(r).build();
    assertThat(analyzer.analyze("no at sign")).isEmpty();
    assertThat(r.calls).hasValue(0);
    assertThat(analyzer.analyze("a@b")).hasSize(1);
    assertThat(r.calls).hasValue(1);
    assertThat(r.mayFindCalls).hasValue(0);
  }

  /** The analyzer's own copy of the clauses: each clause of a digit-needing recognizer needs a digit. */
  @Test
  void theAnalyzerCombinesTriggerClausesWithTheDigitGate() {
    Triggered r = new Triggered(Trigger.anyOf("@").or(Trigger.minAsciiGraphicRun(6)), true);
    Triggered plain = new Triggered(Trigger.anyOf("@").or(Trigger.minAsciiGraphicRun(6)), false);
    Analyzer analyzer = Analyzer.builder().addRecognizer(r).build();
    Analyzer analyzerPlain = Analyzer.builder().addRecognizer(plain).build();
    for (String text : List.of("a@b", "abcdef", "a b", "1 2", "a@1", "abcde1", "ab1 cd", "x ~ y 7")) {
      TextTraits traits = TextTraits.of(text);
      boolean digit = traits.asciiDigits() > 0;
      boolean opens = r.trigger().test(traits);
      assertThat(analyzer.analyze(text)).as(text).hasSize(opens && digit ? 1 : 0);
      assertThat(analyzerPlain.analyze(text)).as(text).hasSize(opens ? 1 : 0);
    }
    assertThat(r.calls).hasValue(2);
    assertThat(plain.calls).hasValue(4);
    assertThat(r.mayFindCalls).hasValue(0);
  }

  @Test
  void withoutATriggerTheAnalyzerCallsMayFind() {
    Triggered r = new Triggered(null);
    Analyzer analyzer = Analyzer.builder().addRecognizer(r).build();
    assertThat(analyzer.analyze("no at sign")).hasSize(1);
    assertThat(r.mayFindCalls).hasValue(1);
  }
}
