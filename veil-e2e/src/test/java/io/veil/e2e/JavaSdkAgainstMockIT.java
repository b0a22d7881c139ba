package io.veil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Java SDK pointed straight at {@code veil mock-llm}: proves the mock speaks the OpenAI wire format
 * faithfully enough for the SDK, and that the e2e plumbing works without the gateway.
 */
class JavaSdkAgainstMockIT extends OpenAiJavaSdkContract {

  private static E2eStack.Mock mock;
  private static JavaSdkCalls sdk;

  @BeforeAll
  static void start() {
    mock = E2eStack.mock();
    sdk = new JavaSdkCalls(mock.baseUrl(), "sk-test-mock-accepts-any-key");
  }

  @Override
  JavaSdkCalls sdk() {
    return sdk;
  }

  @Test
  void theMockRecordsWhatItReceived() {
    int mark = mock.mark();
    sdk.chat(SAMPLE);
    var bodies = mock.recorded(mark);
    assertThat(bodies).hasSize(1);
    assertThat(bodies.getFirst().at("/messages/1/content").asText()).isEqualTo(SAMPLE);
    // without the gateway, the provider sees everything: the leak check must be able to fail
    assertThat(Leaks.find(bodies, SAMPLE_VALUES)).containsExactlyElementsOf(SAMPLE_VALUES);
    assertThat(Leaks.find(bodies, List.of("not in any body"))).isEmpty();
  }
}
