package io.veil.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyTest {

  static Path example() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path f = p.resolve("docs/policy-example.yaml");
      if (Files.exists(f)) {
        return f;
      }
    }
    throw new AssertionError("docs/policy-example.yaml not found");
  }

  @Test
  void defaults() {
    Policy p = Policy.defaults();
    assertThat(p.operatorSpec(EntityType.PERSON).name()).isEqualTo("placeholder");
    assertThat(p.operatorSpec(EntityType.of("EMPLOYEE_ID")).name()).isEqualTo("placeholder");
    assertThat(p.operatorSpec(EntityType.API_KEY).name()).isEqualTo("redact");
    assertThat(p.operatorSpec(EntityType.PASSWORD).name()).isEqualTo("redact");
    assertThat(p.threshold(EntityType.EMAIL)).isEqualTo(0.5);
    assertThat(p.enabledTypes()).isNull();
    assertThat(p.newAnalyzer()).isNotNull();
  }

  @Test
  void exampleFileParses() {
    Policy p = Policy.load(example());
    assertThat(p.version()).isEqualTo("2026-11-example-1");
    assertThat(p.operatorSpec(EntityType.PERSON).name()).isEqualTo("surrogate");
    assertThat(p.operatorSpec(EntityType.CREDIT_CARD)).isEqualTo(new Policy.OperatorSpec("mask", Map.of("keep_last", "4")));
    assertThat(p.threshold(EntityType.CREDIT_CARD)).isEqualTo(0.6);
    assertThat(p.threshold(EntityType.DATE)).isEqualTo(0.8);
    assertThat(p.operatorSpec(EntityType.DATE).name()).isEqualTo("placeholder");
    assertThat(p.operatorSpec(EntityType.API_KEY).name()).isEqualTo("redact");
    assertThat(p.operator(EntityType.US_SSN).apply(null, EntityType.US_SSN, "123-45-6789")).isEqualTo("[SSN]");
    assertThat(p.allowList()).hasSize(2);
    assertThat(p.denyList()).containsEntry(EntityType.ORGANIZATION, List.of("Project Falcon"));
    assertThat(p.customPatterns()).singleElement().satisfies(cp -> {
      assertThat(cp.type()).isEqualTo(EntityType.of("EMPLOYEE_ID"));
      assertThat(cp.context()).containsExactly("employee", "staff", "badge");
    });
  }

  @Test
  void policySettingsReachTheAnalyzer() {
    Analyzer a = Policy.load(example()).newAnalyzer();
    List<Finding> f = a.analyze("Ask Acme Support about Project Falcon, employee EMP-123456, or EMP-654321.");
    assertThat(f).extracting(Finding::type).containsExactly(
        EntityType.ORGANIZATION, EntityType.of("EMPLOYEE_ID"), EntityType.of("EMPLOYEE_ID"));
    // with a 0.9 threshold only the id next to a context word (0.7 + 0.35) is kept
    Analyzer strict = Policy.parse("""
        version: x
        default_threshold: 0.9
        custom_patterns: [{name: e, type: EMPLOYEE_ID, regex: "EMP-[0-9]{6}", score: 0.7, context: [employee]}]
        """).newAnalyzer();
    assertThat(strict.analyze("employee EMP-123456. " + "filler text ".repeat(8) + "EMP-654321")).hasSize(1);
  }

  @Test
  void enabledTypesRestrictDetection() {
    Analyzer a = Policy.parse("""
        version: x
        enabled_types: [PERSON]
        custom_patterns:
          - {name: p, type: PERSON, regex: "Jane", score: 0.9}
          - {name: o, type: ORGANIZATION, regex: "Acme", score: 0.9}
        """).newAnalyzer();
    assertThat(a.analyze("Jane at Acme")).extracting(Finding::type).containsExactly(EntityType.PERSON);
  }

  @Test
  void secretsCanBeOverriddenExplicitly() {
    Policy p = Policy.parse("version: x\ndefault_operator: surrogate\nentities: {API_KEY: hash}\n");
    assertThat(p.operatorSpec(EntityType.API_KEY).name()).isEqualTo("hash");
    assertThat(p.operatorSpec(EntityType.PASSWORD).name()).isEqualTo("redact");
    assertThat(p.operatorSpec(EntityType.EMAIL).name()).isEqualTo("surrogate");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      `default_operator: placeholder`                          | 'version' is required
      `version: x\nfoo: 1`                                     | unknown field 'foo'
      `version: x\ndefault_operator: shred`                    | 'default_operator': unknown operator 'shred'
      `version: x\nentities: {PERSON: shred}`                   | 'entities.PERSON': unknown operator 'shred'
      `version: x\nentities: {PERSON: {operator: shred}}`       | 'entities.PERSON.operator': unknown operator 'shred'
      `version: x\nentities: {PERSON: {operator: mask, keep_first: 2}}` | 'entities.PERSON': operator mask has no option 'keep_first'
      `version: x\nentities: {PERSON: {operatr: mask}}`         | unknown field 'entities.PERSON.operatr'
      `version: x\nentities: {person: mask}`                    | 'entities.person': entity types are upper-case
      `version: x\nentities: {PERSON: {threshold: 1.5}}`        | 'entities.PERSON.threshold' must be in [0, 1]
      `version: x\ndefault_threshold: high`                     | 'default_threshold' must be a number
      `version: x\ndefault_threshold: -0.1`                     | 'default_threshold' must be in [0, 1]
      `version: x\nallow_list: Jane`                            | 'allow_list' must be a list
      `version: x\ndeny_list: [Jane]`                           | 'deny_list' must be a mapping
      `version: x\ndeny_list: {PERSON: ['']}`                   | 'deny_list.PERSON[0]' must be a non-empty string
      `version: x\nenabled_types: [PERSON, 42]`                 | 'enabled_types[1]' must be an entity type name
      `version: x\ncustom_patterns: [{name: a, type: X, regex: '(', score: 0.5}]` | 'custom_patterns[0].regex' is not a valid RE2
      `version: x\ncustom_patterns: [{name: a, type: X, regex: 'a(?=b)'}]`       | 'custom_patterns[0].regex' is not a valid RE2
      `version: x\ncustom_patterns: [{name: a, type: X}]`                        | 'custom_patterns[0].regex' is required
      `version: x\ncustom_patterns: [{name: a, type: X, regex: 'a*'}]`           | 'custom_patterns[0].regex': custom pattern 'custom:a' matches the empty string
      `version: x\ncustom_patterns: [{name: a, type: X, regex: a, scor: 1}]`     | unknown field 'custom_patterns[0].scor'
      `version: x\ncustom_patterns: [{name: a, type: X, regex: a}, {name: a, type: Y, regex: b}]` | two patterns named 'a'
      `version: x\nversion: y`                                  | duplicate key
      `version: [x`                                             | not valid YAML
      `- a\n- b`                                                | must be a mapping
      ``                                                        | policy is empty
      """)
  void invalidPoliciesNameTheField(String yaml, String message) {
    String text = yaml == null ? "" : yaml.replace("\\n", "\n");
    assertThatThrownBy(() -> Policy.parse(text)).isInstanceOf(PolicyException.class).hasMessageContaining(message);
  }

  @Test
  void toStringHoldsNoTerms() {
    Policy p = Policy.parse("version: x\nallow_list: [Zebulon Quixote]\ndeny_list: {PERSON: [Quixote Zebulon]}\n");
    assertThat(p.toString()).doesNotContain("Zebulon");
  }
}
