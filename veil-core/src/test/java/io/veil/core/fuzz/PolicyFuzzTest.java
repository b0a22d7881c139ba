package io.veil.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.veil.core.Policy;
import io.veil.core.PolicyException;
import io.veil.core.Scope;
import io.veil.core.Veil;
import io.veil.core.transform.Operators;
import java.util.List;

/**
 * Fuzzes policy loading: raw YAML, and YAML assembled from the policy's own vocabulary (keys, entity
 * types, operator names and options, thresholds, custom regexes) so the fuzzer gets past the
 * syntax and into validation. Properties:
 * <ul>
 *   <li>{@link Policy#parse} either returns a policy or throws {@link PolicyException}; nothing else
 *       (no Jackson, SnakeYAML, RE2/J or number-format exception escapes, no stack overflow);</li>
 *   <li>a policy that parses builds an analyzer and pseudonymizes a text without failing: every
 *       error is caught at load time, not on the first request.</li>
 * </ul>
 */
class PolicyFuzzTest {
  private static final List<String> KEYS = List.of("version", "default_operator", "default_threshold",
      "enabled_types", "entities", "allow_list", "deny_list", "custom_patterns", "name", "type", "regex", "score",
      "context", "operator", "threshold", "keep_last", "mask_char", "replacement", "bogus");
  private static final List<String> VALUES = List.of("PERSON", "EMAIL", "CREDIT_CARD", "API_KEY", "IBAN",
      "person", "X", "1", "0", "-1", "0.5", "1.5", "NaN", ".inf", "~", "null", "true", "[]", "{}", "\"\"",
      "\"[a-z]+\"", "\"(a|b)*c\"", "\"(?P<n>x)\"", "\"\\\\b\\\\d{3}\\\\b\"", "\"(\"", "\"a{1000}{1000}\"",
      "\"\\\\1\"", "\"(?=x)\"", "&a [1,2]", "*a", "!!binary AA==", "!!java.lang.Object {}", "'''", "|\n  x");

  @FuzzTest(maxDuration = "30s")
  void rawYaml(FuzzedDataProvider data) {
    check(data.consumeRemainingAsString());
  }

  @FuzzTest(maxDuration = "60s")
  void structuredYaml(FuzzedDataProvider data) {
    StringBuilder yaml = new StringBuilder();
    if (data.consumeBoolean()) {
      yaml.append("version: \"").append(data.consumeString(8).replace("\"", "")).append("\"\n");
    }
    int lines = data.consumeInt(0, 12);
    for (int i = 0; i < lines; i++) {
      yaml.append("  ".repeat(data.consumeInt(0, 3)));
      if (data.consumeBoolean()) {
        yaml.append("- ");
      }
      yaml.append(data.pickValue(KEYS)).append(": ");
      switch (data.consumeInt(0, 3)) {
        case 0 -> yaml.append(data.pickValue(VALUES));
        case 1 -> yaml.append(data.pickValue(Operators.NAMES));
        case 2 -> yaml.append('{').append(data.pickValue(KEYS)).append(": ").append(data.pickValue(VALUES)).append('}');
        default -> yaml.append(data.consumeString(20));
      }
      yaml.append('\n');
    }
    check(yaml.toString());
  }

  private static void check(String yaml) {
    Policy policy;
    try {
      policy = Policy.parse(yaml);
    } catch (PolicyException e) {
      return; // the documented refusal
    }
    assertThat(policy.version()).isNotBlank();
    Veil veil = Veil.builder().policy(policy).build();
    veil.pseudonymize(new Scope("fuzz", "policy"),
        "Jane Doe, jane.doe@example.com, +44 20 7946 0958, 4111 1111 1111 1111, sk-abcdefghijklmnopqrstuvwx, abc 123");
  }
}
