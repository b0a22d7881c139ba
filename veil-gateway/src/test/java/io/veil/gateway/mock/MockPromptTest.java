package io.veil.gateway.mock;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Called directly the mock sees raw prompts: what it read prints no text (review8). */
class MockPromptTest {
  @Test
  void toStringShowsNoPromptText() {
    assertThat(new MockPrompt("Write to jane.doe@example.com", "send_mail").toString())
        .doesNotContain("jane.doe").contains("send_mail").contains("29");
  }
}
