package io.veil.core.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.PseudonymizedText;
import io.veil.core.Scope;
import io.veil.core.keys.VeilKeys;
import io.veil.core.vault.InMemoryTokenVault;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a minted surrogate may not contain: words of the text it replaces values in. */
class SurrogateOperatorTest {
  private static final VeilKeys KEYS = VeilKeys.generate();
  private static final String EMAIL = "jane@corp.example";

  /**
   * The names in a surrogate e-mail's local part are words the provider reads: a text that itself says one of
   * them ("Li", whose own token is something else) must get another e-mail. The first candidate of each seed is
   * made to clash by putting its names into the text; RoundTripPropertyTest found this as "a detected value
   * survived" ({@code li.…@example.org} beside a replaced "Li").
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 7, 42, 2026, 99991})
  void anEmailSurrogatesLocalPartNamesNoWordOfTheText(long seed) {
    String first = new Surrogates(new Random(seed)).generate(EntityType.EMAIL, EMAIL);
    List<String> names = List.of(first.substring(0, first.indexOf('@')).split("[^\\p{L}\\p{M}]+"));
    String text = "Write to " + EMAIL + " about " + String.join(" and ", names) + ".";
    Transformer t = Transformer.of(type -> new SurrogateOperator(new Surrogates(new Random(seed))),
        InMemoryTokenVault.create(), KEYS);
    int at = text.indexOf(EMAIL);
    PseudonymizedText out = t.pseudonymize(new Scope("acme", "c"), text,
        List.of(new Finding(at, at + EMAIL.length(), EntityType.EMAIL, 1.0, "test")));

    String surrogate = out.text().substring(at, out.text().indexOf(" about "));
    assertThat(surrogate).contains("@").isNotEqualTo(first);
    for (String part : surrogate.substring(0, surrogate.indexOf('@')).split("[^\\p{L}\\p{M}]+")) {
      if (part.length() > 1) {
        assertThat(names).as("local-part name %s", part)
            .noneMatch(n -> n.equalsIgnoreCase(part.toLowerCase(Locale.ROOT)));
      }
    }
  }
}
