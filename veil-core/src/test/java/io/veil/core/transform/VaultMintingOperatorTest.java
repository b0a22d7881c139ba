package io.veil.core.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.core.EntityType;
import io.veil.core.Scope;
import io.veil.core.VaultException;
import io.veil.core.keys.VeilKeys;
import io.veil.core.vault.InMemoryTokenVault;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the placeholder and surrogate operators share: the vault keeps the replacement, and none without a vault. */
class VaultMintingOperatorTest {
  private static final VeilKeys KEYS = VeilKeys.generate();
  private static final String VALUE = "jane.doe@corp.example";

  @ParameterizedTest
  @ValueSource(strings = {"placeholder", "surrogate"})
  void withoutAVaultItRefusesAndNamesNoValue(String name) {
    Operator op = Operators.create(name, Map.of());
    assertThat(op).isInstanceOf(VaultMintingOperator.class);
    assertThat(op.reversible()).isTrue();
    assertThatThrownBy(() -> op.apply(new OperatorContext("acme", null, null, KEYS, "mail " + VALUE), EntityType.EMAIL,
        VALUE))
        .isInstanceOf(VaultException.class)
        .hasMessage(name + " needs a vault");
  }

  @ParameterizedTest
  @ValueSource(strings = {"placeholder", "surrogate"})
  void theVaultKeepsOneReplacementPerValueByItsMatchKey(String name) {
    Operator op = Operators.create(name, Map.of());
    InMemoryTokenVault vault = InMemoryTokenVault.create();
    Scope scope = new Scope("acme", "c1");
    String first = op.apply(new OperatorContext("acme", scope, vault, KEYS, "mail " + VALUE), EntityType.EMAIL, VALUE);
    String again = op.apply(new OperatorContext("acme", scope, vault, KEYS, "write to " + VALUE.toUpperCase()),
        EntityType.EMAIL, VALUE.toUpperCase());
    assertThat(first).isNotEqualTo(VALUE).isEqualTo(again);
    assertThat(vault.reveal(scope, first)).contains(VALUE);
    String other = op.apply(new OperatorContext("acme", scope, vault, KEYS, "bob@corp.example"), EntityType.EMAIL,
        "bob@corp.example");
    assertThat(other).isNotEqualTo(first);
  }
}
