package io.veil.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.core.transform.Restorer;
import io.veil.core.vault.InMemoryTokenVault;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** End to end through the public API, with a real analyzer configured by a policy. */
class VeilTest {
  static final String POLICY = """
      version: "test-1"
      entities:
        CREDIT_CARD: {operator: mask, keep_last: 4}
        IBAN: surrogate
      deny_list:
        PERSON: ["Jane Doe", "Bob Stone", "Jane"]
      custom_patterns:
        - {name: email, type: EMAIL, regex: "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\\\.[A-Za-z]{2,}", score: 1.0}
        - {name: card, type: CREDIT_CARD, regex: "\\\\b(?:\\\\d[ -]?){15}\\\\d\\\\b", score: 0.9}
        - {name: iban, type: IBAN, regex: "\\\\bGB\\\\d{2}(?: ?[A-Z0-9]{4}){4}(?: ?[A-Z0-9]{1,2})?\\\\b", score: 0.9}
        - {name: apikey, type: API_KEY, regex: "sk-[A-Za-z0-9]{20,}", score: 0.9}
      """;

  final Veil veil = Veil.builder().policy(Policy.parse(POLICY)).build();
  final Scope scope = new Scope("acme", "conv-1");

  @Test
  void pseudonymizeAndRestoreAcrossTurns() {
    PseudonymizedText t1 = veil.pseudonymize(scope, "Mail Jane Doe at jane.doe@corp.example, card 4242 4242 4242 4242.");
    assertThat(t1.text()).isEqualTo("Mail <PERSON_1> at <EMAIL_1>, card **** **** **** 4242.");
    assertThat(t1.replacements()).extracting(Replacement::operator).containsExactly("placeholder", "placeholder", "mask");
    assertThat(t1.replacements().get(0)).isEqualTo(new Replacement(5, 15, EntityType.PERSON, "placeholder"));
    PseudonymizedText t2 = veil.pseudonymize(scope, "Also cc JANE.DOE@corp.example and Bob Stone.");
    assertThat(t2.text()).isEqualTo("Also cc <EMAIL_1> and <PERSON_2>.");
    assertThat(veil.restore(scope, "Sure, **<person_1>**'s mail is <EMAIL_1>; PERSON_2 agrees."))
        .isEqualTo("Sure, **Jane Doe**'s mail is jane.doe@corp.example; Bob Stone agrees.");
    // another conversation or tenant restores nothing
    assertThat(veil.restore(new Scope("acme", "conv-2"), "<PERSON_1>")).isEqualTo("<PERSON_1>");
    assertThat(veil.restore(new Scope("globex", "conv-1"), "<PERSON_1>")).isEqualTo("<PERSON_1>");
  }

  @Test
  void forgettingCachedValuesDropsEveryRestoreIndexAndRestoresStillWork() {
    veil.pseudonymize(scope, "Mail Jane Doe at jane.doe@corp.example.");
    veil.pseudonymize(new Scope("acme", "conv-2"), "Mail Bob Stone.");
    Restorer first = veil.restorer(scope, RestoreFormat.TEXT);
    veil.restorer(new Scope("acme", "conv-2"), RestoreFormat.TEXT);
    assertThat(veil.restorer(scope, RestoreFormat.TEXT)).as("cached while the entries stay").isSameAs(first);
    assertThat(veil.cachedRestoreIndexes()).isEqualTo(2);

    veil.forgetCachedValues();
    assertThat(veil.cachedRestoreIndexes()).isZero();
    Restorer again = veil.restorer(scope, RestoreFormat.TEXT);
    assertThat(again).isNotSameAs(first);
    assertThat(again.restore("<PERSON_1>")).isEqualTo("Jane Doe");
  }

  @Test
  void secretsAreRedactedByDefaultAndNeverStored() {
    PseudonymizedText t = veil.pseudonymize(scope, "key sk-abcdefghijklmnopqrstuvwx ok");
    assertThat(t.text()).isEqualTo("key [REDACTED] ok");
    assertThat(veil.vault().entries(scope).values()).noneMatch(v -> v.startsWith("sk-"));
  }

  @Test
  void surrogatesRestoreAndAreValid() {
    PseudonymizedText t = veil.pseudonymize(scope, "Pay to GB82 WEST 1234 5698 7654 32 please");
    String surrogate = t.text().substring(t.replacements().get(0).start(), t.replacements().get(0).end());
    assertThat(surrogate).startsWith("GB").isNotEqualTo("GB82 WEST 1234 5698 7654 32").hasSize(27);
    assertThat(veil.restore(scope, "Paid to " + surrogate + ".")).isEqualTo("Paid to GB82 WEST 1234 5698 7654 32.");
  }

  @Test
  void surrogateNamesRestoreWholeOrByTheirParts() {
    Veil v = Veil.builder()
        .policy(Policy.parse("version: t\nentities: {PERSON: surrogate}\ndeny_list: {PERSON: [Jane Doe]}\n"))
        .build();
    PseudonymizedText t = v.pseudonymize(scope, "Please write to Jane Doe today.");
    Replacement r = t.replacements().get(0);
    String fake = t.text().substring(r.start(), r.end());
    assertThat(fake).contains(" ").doesNotContain("Jane").doesNotContain("Doe");
    String first = fake.substring(0, fake.indexOf(' '));
    String last = fake.substring(fake.lastIndexOf(' ') + 1);
    String answer = "Dear " + fake + ", thanks. " + first + " agrees; Mr. " + last + "'s reply is **" + last + "**.";
    assertThat(v.restore(scope, answer))
        .isEqualTo("Dear Jane Doe, thanks. Jane agrees; Mr. Doe's reply is **Doe**.");
    // the same value in the next turn gets the same surrogate
    assertThat(v.pseudonymize(scope, "and jane doe again").text()).isEqualTo("and " + fake + " again");
  }

  @Test
  void aSurrogateThatALaterTurnReallyContainsIsRetired() {
    Veil v = Veil.builder()
        .policy(Policy.parse("version: t\nentities: {PERSON: surrogate}\ndeny_list: {PERSON: [Jane Doe]}\n"))
        .analyzer(Analyzer.builder().deny(EntityType.PERSON, "Jane Doe").build())
        .build();
    PseudonymizedText t = v.pseudonymize(scope, "Please write to Jane Doe today.");
    String fake = t.text().substring(t.replacements().get(0).start(), t.replacements().get(0).end());
    String last = fake.substring(fake.lastIndexOf(' ') + 1);
    assertThat(v.restore(scope, "Mr. " + last)).isEqualTo("Mr. Doe");
    // the next turn really mentions a "<last>" that is not detected: restoring it alone is now unsafe
    String turn2 = "The band " + last + " plays tonight.";
    assertThat(v.pseudonymize(scope, turn2).text()).isEqualTo(turn2);
    assertThat(v.restore(scope, turn2)).isEqualTo(turn2);
    assertThat(v.restore(scope, "Dear " + fake)).isEqualTo("Dear Jane Doe");
  }

  @Test
  void streamingRestoreMatchesWholeRestore() {
    veil.pseudonymize(scope, "Jane Doe, jane.doe@corp.example, Bob Stone, Jane");
    String answer = "Dear <PERSON_1>, we wrote to <EMAIL_1> and <PERSON_12> and <PERSON_2> and <PERSON_3>.";
    String whole = veil.restore(scope, answer);
    StreamingRestorer s = veil.streamingRestorer(scope, RestoreFormat.TEXT);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < answer.length(); i += 3) {
      out.append(s.push(answer.substring(i, Math.min(answer.length(), i + 3))));
    }
    out.append(s.finish());
    assertThat(out.toString()).isEqualTo(whole)
        .isEqualTo("Dear Jane Doe, we wrote to jane.doe@corp.example and <PERSON_12> and Bob Stone and Jane.");
  }

  @Test
  void jsonStringRestoreEscapes() {
    Veil v = Veil.builder()
        .policy(Policy.parse("version: t\ndeny_list: {PERSON: ['Jane \"JJ\" Doe']}\n"))
        .build();
    v.pseudonymize(scope, "Jane \"JJ\" Doe");
    assertThat(v.restore(scope, "{\"name\":\"<PERSON_1>\"}", RestoreFormat.JSON_STRING))
        .isEqualTo("{\"name\":\"Jane \\\"JJ\\\" Doe\"}");
  }

  @Test
  void anonymizeIsIrreversibleAndStablePerTenant() {
    PseudonymizedText a = veil.anonymize("acme", "Jane Doe wrote jane.doe@corp.example");
    PseudonymizedText b = veil.anonymize("acme", "Then JANE.DOE@corp.example wrote Jane Doe");
    PseudonymizedText c = veil.anonymize("globex", "Jane Doe");
    assertThat(a.text()).matches("<PERSON_hmac:[0-9a-f]{8}> wrote <EMAIL_hmac:[0-9a-f]{8}>");
    String person = a.text().substring(0, a.text().indexOf(' '));
    assertThat(b.text()).endsWith(person).contains(a.text().substring(a.text().lastIndexOf(' ') + 1));
    assertThat(c.text()).isNotEqualTo(person);
    assertThat(veil.vault().entries(new Scope("acme", "conv-1"))).isEmpty();
    assertThat(a.replacements()).extracting(Replacement::operator).containsOnly("hash");
  }

  @Test
  void vaultFailureFailsClosed() {
    TokenVault broken = new TokenVault() {
      @Override
      public String tokenize(Scope s, EntityType t, String v, Function<Integer, String> m) {
        throw new VaultException("vault down");
      }

      @Override
      public java.util.Optional<String> reveal(Scope s, String token) {
        return java.util.Optional.empty();
      }

      @Override
      public Map<String, String> entries(Scope s) {
        return Map.of();
      }

      @Override
      public void clear(Scope s) {}
    };
    Veil v = Veil.builder().policy(Policy.parse(POLICY)).vault(broken).build();
    assertThatThrownBy(() -> v.pseudonymize(scope, "Mail Jane Doe")).isInstanceOf(VaultException.class);
  }

  @Test
  void noOriginalValueInToStringsOrExceptions() {
    String secret = "Zebulon Quixote";
    Veil v = Veil.builder()
        .policy(Policy.parse("version: t\nallow_list: ['" + secret + " Inc']\ndeny_list: {PERSON: ['" + secret + "', 'Quixote Zebulon']}\n"))
        .vault(InMemoryTokenVault.builder().maxEntriesPerScope(1).build())
        .build();
    PseudonymizedText t = v.pseudonymize(scope, "Hello " + secret);
    assertThat(t.toString()).doesNotContain(secret).doesNotContain("Zebulon");
    List<Object> objects = List.of(v.policy(), v.vault(), v.restorer(scope, RestoreFormat.TEXT),
        v.streamingRestorer(scope, RestoreFormat.TEXT), t.replacements().get(0));
    for (Object o : objects) {
      assertThat(o.toString()).doesNotContain("Zebulon").doesNotContain("Quixote");
    }
    v.pseudonymize(new Scope("acme", "x"), "Hi Zebulon Quixote");
    assertThatThrownBy(() -> v.pseudonymize(new Scope("acme", "x"), "Hi Zebulon Quixote and Quixote Zebulon"))
        .satisfies(e -> assertThat(String.valueOf(e.getMessage())).doesNotContain("Zebulon"));
    assertThatThrownBy(() -> Policy.parse("version: t\nallow_list: ['Zebulon Quixote', {a: 1}]\n"))
        .isInstanceOf(PolicyException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Zebulon").contains("allow_list[1]"));
  }
}
