package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.core.Analyzer;
import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.Recognizer;
import io.veil.core.Veil;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When detection fails the request is refused with a Veil error code and never forwarded. */
class FailClosedIT {
  @TempDir
  Path dir;

  @Test
  void detectionFailureRefusesTheRequest() throws Exception {
    Veil veil = veilWhoseDetectionThrows(text -> new IllegalStateException("recognizer failure"));
    try (GatewayFixture fx = new GatewayFixture(dir, veil, Map.of())) {
      HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key,
          "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"I am Jane Doe\"}]}");
      assertThat(r.statusCode()).isEqualTo(500);
      assertThat(Json.MAPPER.readTree(r.body()).at("/error/code").asText()).isEqualTo("veil_detection_failed");
      assertThat(r.body()).doesNotContain("Jane");
      assertThat(fx.upstream.getRequestCount()).isZero();
      assertThat(fx.get("/metrics", null).body()).contains("veil_requests_blocked_total{code=\"veil_detection_failed\"");
    }
  }

  /**
   * An {@link Error} in a stage (an assertion in a library, as H2 threw in qa7; its message quotes the text) passed the
   * chain's catch of {@code RuntimeException} and reached Javalin, which answered outside the provider's envelope
   * and logged the message. It is answered 500 {@code veil_internal_error} in the envelope, counted, logged by
   * class only, and nothing is forwarded.
   */
  @Test
  void anUnexpectedErrorIsAnsweredInTheEnvelopeWithoutItsMessage() throws Exception {
    String email = "jane.doe@example.com";
    Veil veil = veilWhoseDetectionThrows(text -> new AssertionError("while reading " + text));
    try (GatewayFixture fx = new GatewayFixture(dir, veil, Map.of())) {
      for (String stream : new String[] {"false", "true"}) {
        HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key, "{\"model\":\"m\",\"stream\":" + stream
            + ",\"messages\":[{\"role\":\"user\",\"content\":\"Write to " + email + "\"}]}", "X-Request-Id", "req-77");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        assertThat(r.headers().firstValue("x-veil-request-id")).contains("req-77");
        JsonNode error = Json.MAPPER.readTree(r.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("veil_internal_error");
        assertThat(error.get("type").asText()).isNotBlank();
        assertThat(r.body()).doesNotContain(email).doesNotContain("while reading");
      }
      assertThat(fx.upstream.getRequestCount()).isZero();
      assertThat(fx.logs.list).isNotEmpty();
      for (var e : fx.logs.list) {
        String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
            : e.getThrowableProxy().getMessage() + e.getThrowableProxy().getClassName());
        assertThat(line).as(e.getLoggerName()).doesNotContain(email).doesNotContain("while reading");
      }
      assertThat(fx.get("/metrics", null).body()).contains("veil_requests_blocked_total{code=\"veil_internal_error\"");
    }
  }

  /** A Veil whose only recognizer throws what {@code failure} makes of the text (a RuntimeException or an Error). */
  private static Veil veilWhoseDetectionThrows(java.util.function.Function<String, Throwable> failure) {
    Recognizer broken = new Recognizer() {
      @Override
      public String name() {
        return "broken";
      }

      @Override
      public Set<EntityType> entityTypes() {
        return Set.of(EntityType.PERSON);
      }

      @Override
      public List<Finding> analyze(String text, String language) {
        Throwable t = failure.apply(text);
        if (t instanceof Error e) {
          throw e;
        }
        throw (RuntimeException) t;
      }
    };
    return Veil.builder().analyzer(Analyzer.builder().addRecognizer(broken).build()).build();
  }
}
