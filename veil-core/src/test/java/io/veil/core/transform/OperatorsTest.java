package io.veil.core.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.core.EntityType;
import io.veil.core.Scope;
import io.veil.core.keys.VeilKeys;
import io.veil.core.vault.InMemoryTokenVault;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorsTest {
  private static final VeilKeys KEYS = VeilKeys.generate();
  private final InMemoryTokenVault vault = InMemoryTokenVault.create();
  private final Scope scope = new Scope("acme", "c1");

  private OperatorContext ctx(String text) {
    return new OperatorContext("acme", scope, vault, KEYS, text);
  }

  private static Operator op(String name) {
    return Operators.create(name, Map.of());
  }

  @Test
  void placeholderNumbersPerTypeAndNormalisesValues() {
    Operator p = op("placeholder");
    assertThat(p.apply(ctx("x"), EntityType.EMAIL, "Jane@Corp.example")).isEqualTo("<EMAIL_1>");
    assertThat(p.apply(ctx("x"), EntityType.EMAIL, "jane@corp.EXAMPLE")).isEqualTo("<EMAIL_1>");
    assertThat(p.apply(ctx("x"), EntityType.EMAIL, "bob@corp.example")).isEqualTo("<EMAIL_2>");
    assertThat(p.apply(ctx("x"), EntityType.PHONE, "+44 20 7946 0958")).isEqualTo("<PHONE_1>");
    assertThat(p.apply(ctx("x"), EntityType.PHONE, "+442079460958")).isEqualTo("<PHONE_1>");
    assertThat(p.apply(ctx("x"), EntityType.PERSON, "Jane  Doe")).isEqualTo("<PERSON_1>");
    assertThat(p.apply(ctx("x"), EntityType.PERSON, "jane doe")).isEqualTo("<PERSON_1>");
    assertThat(p.apply(ctx("x"), EntityType.PASSWORD, "Secret")).isEqualTo("<PASSWORD_1>");
    assertThat(p.apply(ctx("x"), EntityType.PASSWORD, "secret")).isEqualTo("<PASSWORD_2>");
    // restores the first spelling
    assertThat(vault.reveal(scope, "<EMAIL_1>")).contains("Jane@Corp.example");
    assertThat(vault.reveal(scope, "<PERSON_1>")).contains("Jane  Doe");
  }

  @Test
  void placeholderSkipsTokensAlreadyInTheText() {
    String text = "I literally typed <PERSON_1> and then Jane";
    assertThat(op("placeholder").apply(ctx(text), EntityType.PERSON, "Jane")).isEqualTo("<PERSON_2>");
  }

  @Test
  void surrogateIsStableAndAvoidsTheText() {
    Operator s = op("surrogate");
    String a = s.apply(ctx("Jane Doe"), EntityType.PERSON, "Jane Doe");
    String b = s.apply(ctx("jane doe again"), EntityType.PERSON, "jane doe");
    assertThat(a).isEqualTo(b).isNotEqualToIgnoringCase("Jane Doe");
    assertThat(vault.reveal(scope, a)).contains("Jane Doe");
    assertThat(vault.tokenTypes(scope)).containsEntry(a, EntityType.PERSON);
  }

  @Test
  void redactMaskKeep() {
    assertThat(op("redact").apply(ctx(""), EntityType.API_KEY, "sk-123")).isEqualTo("[REDACTED]");
    assertThat(Operators.create("redact", Map.of("replacement", "")).apply(ctx(""), EntityType.API_KEY, "sk")).isEmpty();
    assertThat(op("mask").apply(ctx(""), EntityType.CREDIT_CARD, "4242424242424242")).isEqualTo("************4242");
    assertThat(op("mask").apply(ctx(""), EntityType.CREDIT_CARD, "4242 4242 4242 4242")).isEqualTo("**** **** **** 4242");
    assertThat(Operators.create("mask", Map.of("keep_last", "0", "mask_char", "#"))
        .apply(ctx(""), EntityType.PHONE, "555-1234")).isEqualTo("###-####");
    assertThat(op("mask").apply(ctx(""), EntityType.AGE, "42")).isEqualTo("*2");
    assertThat(op("keep").apply(ctx(""), EntityType.DATE, "2024-01-01")).isEqualTo("2024-01-01");
    assertThat(vault.entries(scope)).isEmpty();
  }

  @Test
  void hashIsKeyedPerTenantAndNormalised() {
    Operator h = op("hash");
    String a = h.apply(ctx(""), EntityType.EMAIL, "jane@corp.example");
    assertThat(a).matches("<EMAIL_hmac:[0-9a-f]{8}>");
    assertThat(h.apply(ctx(""), EntityType.EMAIL, "JANE@corp.example")).isEqualTo(a);
    assertThat(h.apply(new OperatorContext("globex", null, null, KEYS, ""), EntityType.EMAIL, "jane@corp.example"))
        .isNotEqualTo(a);
    assertThat(h.apply(new OperatorContext("acme", null, null, VeilKeys.generate(), ""), EntityType.EMAIL,
        "jane@corp.example")).isNotEqualTo(a);
    assertThat(vault.entries(scope)).isEmpty();
  }

  @Test
  void encryptIsDecryptableWithTheKeysOnlyForTheTenant() {
    String token = op("encrypt").apply(ctx(""), EntityType.EMAIL, "jane@corp.example");
    assertThat(token).matches("<EMAIL_enc:[A-Za-z0-9_-]+>").doesNotContain("jane");
    assertThat(Operators.decrypt(KEYS, "acme", token)).contains("jane@corp.example");
    assertThat(Operators.decrypt(KEYS, "globex", token)).isEmpty();
    assertThat(Operators.decrypt(VeilKeys.generate(), "acme", token)).isEmpty();
    assertThat(Operators.decrypt(KEYS, "acme", "<EMAIL_enc:AAAA>")).isEmpty();
    // stable within the scope through the vault
    assertThat(op("encrypt").apply(ctx(""), EntityType.EMAIL, "jane@corp.example")).isEqualTo(token);
  }

  @Test
  void irreversibleReplacesReversibleOperatorsByHash() {
    assertThat(Operators.irreversible(op("placeholder")).name()).isEqualTo("hash");
    assertThat(Operators.irreversible(op("surrogate")).name()).isEqualTo("hash");
    assertThat(Operators.irreversible(op("encrypt")).name()).isEqualTo("hash");
    assertThat(Operators.irreversible(op("mask")).name()).isEqualTo("mask");
  }

  @Test
  void contextAndKeysPrintNoValues() {
    OperatorContext c = ctx("Zebulon Quixote wrote");
    assertThat(c.toString()).doesNotContain("Zebulon").doesNotContain("acme");
    assertThat(KEYS.toString()).doesNotContain("value").doesNotContain("primary");
    RestoreIndex.Target t = new RestoreIndex.Target("<PERSON_1>", false, false, false, "Zebulon Quixote");
    assertThat(t.toString()).doesNotContain("Zebulon").doesNotContain("PERSON");
  }

  @Test
  void badOperatorsAndOptionsAreRefused() {
    assertThatThrownBy(() -> op("shred")).hasMessageContaining("unknown operator 'shred'");
    assertThatThrownBy(() -> Operators.create("mask", Map.of("keep_first", "2"))).hasMessageContaining("keep_first");
    assertThatThrownBy(() -> Operators.create("mask", Map.of("keep_last", "99"))).hasMessageContaining("keep_last");
    assertThatThrownBy(() -> Operators.create("mask", Map.of("mask_char", "ab"))).hasMessageContaining("mask_char");
  }

  @Test
  void keysRoundTripThroughAFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    java.nio.file.Path file = dir.resolve("keys.json");
    KEYS.writeCleartext(file);
    VeilKeys loaded = VeilKeys.load(file);
    String token = op("encrypt").apply(ctx(""), EntityType.EMAIL, "jane@corp.example");
    assertThat(Operators.decrypt(loaded, "acme", token)).contains("jane@corp.example");
    OperatorContext other = new OperatorContext("acme", null, null, loaded, "");
    assertThat(op("hash").apply(other, EntityType.EMAIL, "x@y.example"))
        .isEqualTo(op("hash").apply(ctx(""), EntityType.EMAIL, "x@y.example"));
    assertThat(loaded.toString()).doesNotContain("value");
  }
}
