package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

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
        throw new IllegalStateException("recognizer failure");
      }
    };
    Veil veil = Veil.builder().analyzer(Analyzer.builder().addRecognizer(broken).build()).build();
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
}
