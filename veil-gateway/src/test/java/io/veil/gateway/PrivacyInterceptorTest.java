package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PrivacyInterceptorTest {
  @ParameterizedTest
  @ValueSource(strings = {"gpt-4o-mini", "gpt-4o-2024-08-06", "claude-3-5-sonnet@20240620", "meta-llama/Llama-3.1-8B",
      "ft:gpt-4o-mini:acme::abc123", "qwen2.5:7b", "gpt-4.1@2025.04"})
  void modelIdsAreAudited(String model) {
    assertThat(PrivacyInterceptor.auditableModel(model)).isEqualTo(model);
  }

  /** Before: an e-mail address matched the model-id pattern and was written to the audit trail verbatim. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "jane.doe@example.com", "model@jane.doe.co.uk", "x+jane@mail.example.org", "Jane Doe", "a/b c", "''",
      "-leading-dash"})
  void personalDataOrFreeTextIsNotAudited(String model) {
    assertThat(PrivacyInterceptor.auditableModel(model)).isNull();
  }
}
