package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client's {@code X-Request-Id} is kept only when it is a plain token (1-128 of {@code [A-Za-z0-9._:-]});
 * anything else, which could carry personal data or forge log lines, is replaced by a random id.
 */
class RequestIdTest {
  private static final String HEX32 = "[0-9a-f]{32}";

  @ParameterizedTest
  @ValueSource(strings = {"a", "req_123", "3f2c9a1e-8d7b-4c6a-9e5f-0a1b2c3d4e5f", "trace.span:42", "A-Z.a_z:0-9"})
  void aPlainTokenIsKept(String id) {
    assertThat(id.length()).isBetween(1, 128);
    assertThat(RequestId.accept(id)).isEqualTo(id);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "alice@example.com", "Alice Smith", "id\nINFO forged line", "id\r\n", "a/b", "a+b",
      "x=1", "\"quoted\"", "ünïcode", "tab\tbed", "%41", "{json}"})
  void anythingElseIsReplacedByARandomId(String id) {
    String accepted = RequestId.accept(id);
    assertThat(accepted).matches(HEX32).doesNotContain(id.isEmpty() ? "\u0000" : id);
  }

  @Test
  void theLengthLimitIs128Characters() {
    assertThat(RequestId.accept("x".repeat(128))).isEqualTo("x".repeat(128));
    assertThat(RequestId.accept("x".repeat(129))).matches(HEX32);
  }

  @Test
  void noHeaderGetsARandomIdAndRandomIdsDiffer() {
    assertThat(RequestId.accept(null)).matches(HEX32);
    assertThat(RequestId.generate()).isNotEqualTo(RequestId.generate());
  }

  @Test
  void aRequestWithoutAnIdGetsOneWhenFirstLogged() {
    RequestStats stats = new RequestStats();
    String first = stats.requestId();
    assertThat(first).matches(HEX32);
    assertThat(stats.requestId()).isEqualTo(first);
    stats.requestId("client-42");
    assertThat(stats.requestId()).isEqualTo("client-42");
  }
}
