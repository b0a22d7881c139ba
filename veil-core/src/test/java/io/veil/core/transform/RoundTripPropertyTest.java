package io.veil.core.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.Analyzer;
import io.veil.core.EntityType;
import io.veil.core.PseudonymizedText;
import io.veil.core.RestoreFormat;
import io.veil.core.Scope;
import io.veil.core.keys.VeilKeys;
import io.veil.core.vault.InMemoryTokenVault;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Pseudonymize then restore gives back the input exactly, for placeholders and surrogates, over
 * several turns of one conversation, and nothing detected survives into the pseudonymized text.
 */
class RoundTripPropertyTest {
  private static final List<String> NAMES = List.of("Jane Doe", "Bob Stone", "Zoë Ångström", "Li", "Smith");
  private static final VeilKeys KEYS = VeilKeys.generate();
  private static final Analyzer ANALYZER;

  static {
    Analyzer.Builder b = Analyzer.builder();
    NAMES.forEach(n -> b.deny(EntityType.PERSON, n));
    b.deny(EntityType.EMAIL, "jane@corp.example");
    b.deny(EntityType.CREDIT_CARD, "4111 1111 1111 1111");
    ANALYZER = b.build();
  }

  private static Arbitrary<String> turn(boolean withTokenLookalikes) {
    Arbitrary<String> piece = Arbitraries.oneOf(
        Arbitraries.of(NAMES),
        Arbitraries.of("jane@corp.example", "4111 1111 1111 1111", " ", ", ", "'s ", "John", "Doe", "\n", "😀", "**"),
        withTokenLookalikes
            ? Arbitraries.of("PERSON_1", "<PERSON_2>", "EMAIL_1 ", "<CREDIT_CARD_1>", "&lt;PERSON_3&gt;", "PERSON\\_1")
            : Arbitraries.of("x"),
        Arbitraries.strings().alpha().ofMaxLength(6));
    return piece.list().ofMaxSize(20).map(l -> String.join(" ", l));
  }

  /**
   * Several turns. Texts that themselves contain token look-alikes are left to the single-turn property:
   * a later turn that writes {@code PERSON_1} where an earlier turn minted {@code <PERSON_1>} is restored
   * to that value (by design: the token is the scope's).
   */
  @Provide
  Arbitrary<List<String>> turns() {
    return Arbitraries.oneOf(
        turn(false).list().ofMinSize(1).ofMaxSize(4),
        turn(true).list().ofSize(1));
  }

  @Property(tries = 200)
  void restoreInvertsPseudonymize(@ForAll("turns") List<String> turns, @ForAll boolean surrogate) {
    InMemoryTokenVault vault = InMemoryTokenVault.create();
    Operator op = Operators.create(surrogate ? "surrogate" : "placeholder", java.util.Map.of());
    Transformer t = Transformer.of(type -> op, vault, KEYS);
    Scope scope = new Scope("acme", "c");
    for (String text : turns) {
      PseudonymizedText out = t.pseudonymize(scope, text, ANALYZER.analyze(text));
      Restorer r = Restorer.of(vault.entries(scope), vault.tokenTypes(scope), RestoreFormat.TEXT);
      String restored = r.restore(out.text());
      if (!restored.equals(text)) {
        // documented (ValueNormalizer): spellings that are the same value after normalisation ("Li", "LI")
        // share one token, which restores to the first spelling of the scope
        assertThat(restored).isEqualToIgnoringCase(text);
      }
      for (var f : ANALYZER.analyze(text)) {
        String value = f.value(text);
        java.util.regex.Pattern word = java.util.regex.Pattern.compile(
            "(?U)(?<![\\w])" + java.util.regex.Pattern.quote(value) + "(?![\\w])", java.util.regex.Pattern.CASE_INSENSITIVE);
        assertThat(word.matcher(out.text()).find()).as("a detected value survived").isFalse();
      }
    }
  }
}
