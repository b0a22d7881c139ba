package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every answer carries Veil's correlation id as {@code x-veil-request-id} and the access log line names it:
 * the client's {@code X-Request-Id} when it is a plain token, else a random one, so a client value that could
 * carry personal data never reaches a log. The provider's own {@code x-request-id} reaches the client untouched.
 */
class RequestIdIT {
  private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Mail bob@example.com\"}]}";
  private static final String HEX32 = "[0-9a-f]{32}";

  @TempDir
  Path dir;
  GatewayFixture fx;

  @BeforeEach
  void start() throws Exception {
    fx = new GatewayFixture(dir, TestVeil.create(), Map.of());
  }

  @AfterEach
  void stop() {
    fx.close();
  }

  private List<String> accessLines() {
    return fx.logs.list.stream().filter(e -> e.getLoggerName().equals("veil.access"))
        .map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void aClientsPlainIdIsReturnedAndLoggedAndTheProvidersIdPassesThrough() throws Exception {
    fx.echo.override = EchoUpstream.json("{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
        + "\"message\":{\"role\":\"assistant\",\"content\":\"done\"},\"finish_reason\":\"stop\"}]}")
        .newBuilder().addHeader("x-request-id", "req_provider123").build();
    HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key, CHAT, "X-Request-Id", "trace-7f3a.1:2");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-veil-request-id")).hasValue("trace-7f3a.1:2");
    assertThat(r.headers().firstValue("x-request-id")).as("the provider's id, for its support").hasValue("req_provider123");
    assertThat(accessLines())
        .anySatisfy(l -> assertThat(l).startsWith("chat_completions status=200 ").endsWith(" id=trace-7f3a.1:2"));
  }

  @Test
  void anIdThatIsNotAPlainTokenIsReplacedAndNeverLogged() throws Exception {
    HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key, CHAT, "X-Request-Id", "alice.smith@example.com");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String id = r.headers().firstValue("x-veil-request-id").orElseThrow();
    assertThat(id).matches(HEX32);
    assertThat(accessLines())
        .anySatisfy(l -> assertThat(l).startsWith("chat_completions status=200 ").endsWith(" id=" + id));
    assertThat(fx.allLogs()).doesNotContain("alice").doesNotContain("example.com").doesNotContain("bob@");
  }

  @Test
  void veilsOwnErrorsCarryTheIdInTheAnswerAndTheLog() throws Exception {
    HttpResponse<String> noKey = fx.post("/v1/chat/completions", null, CHAT, "X-Request-Id", "err-1");
    assertThat(noKey.statusCode()).isEqualTo(401);
    assertThat(noKey.headers().firstValue("x-veil-request-id")).hasValue("err-1");
    HttpResponse<String> unknown = fx.http.send(HttpRequest.newBuilder(fx.uri("/v1/nothing-here"))
        .timeout(Duration.ofSeconds(20)).header("X-Request-Id", "err-2").GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.headers().firstValue("x-veil-request-id")).hasValue("err-2");
    assertThat(accessLines())
        .anySatisfy(l -> assertThat(l).startsWith("chat_completions status=401 ")
            .endsWith(" code=" + ErrorCodes.INVALID_API_KEY + " id=err-1"))
        .anySatisfy(l -> assertThat(l).startsWith("unknown status=404 ")
            .endsWith(" code=" + ErrorCodes.UNKNOWN_ENDPOINT + " id=err-2"));
  }

  @Test
  void aRequestWithoutAnIdGetsAFreshOneEachTime() throws Exception {
    String first = fx.get("/health", null).headers().firstValue("x-veil-request-id").orElseThrow();
    String second = fx.get("/health", null).headers().firstValue("x-veil-request-id").orElseThrow();
    assertThat(first).matches(HEX32);
    assertThat(second).matches(HEX32).isNotEqualTo(first);
  }
}
