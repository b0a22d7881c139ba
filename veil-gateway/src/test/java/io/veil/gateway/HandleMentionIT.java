package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.core.Policy;
import io.veil.core.Veil;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A social-media {@code @handle} in a prompt, through the gateway with the default policy and the mock
 * upstream that echoes the prompt: the handle does not reach the provider, the mention stays a mention
 * there ({@code @<USERNAME_1>}), and the answer comes back with the handle restored, whole and streamed.
 * Code in the same prompt ({@code @Override}, an npm scope) reaches the provider as written.
 */
class HandleMentionIT {
  static final String HANDLE = "jenny_k88";
  static final String TEXT = "Reply to RT @" + HANDLE + ": is this right?\n@Override\npublic String toString() {}\n"
      + "npm i @types/node";

  @TempDir
  Path dir;
  GatewayFixture fx;

  @BeforeEach
  void start() throws Exception {
    fx = new GatewayFixture(dir, Veil.builder().policy(Policy.defaults()).build(), Map.of());
  }

  @AfterEach
  void stop() {
    fx.close();
  }

  private static String chat(boolean stream) {
    return "{\"model\":\"gpt-4o-mini\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":"
        + Json.write(Json.MAPPER.getNodeFactory().textNode(TEXT)) + "}]}";
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void theHandleIsPseudonymizedAsAMentionAndRestored(boolean stream) throws Exception {
    HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key, chat(stream));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String answer;
    if (stream) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode e : GatewayFixture.events(r.body())) {
        sb.append(e.at("/choices/0/delta/content").asText(""));
      }
      answer = sb.toString();
    } else {
      answer = Json.MAPPER.readTree(r.body()).at("/choices/0/message/content").asText();
    }
    assertThat(answer).isEqualTo(TEXT);
    assertThat(fx.echo.bodies).isNotEmpty();
    for (String body : fx.echo.bodies) {
      assertThat(body).doesNotContain(HANDLE);
    }
    String sent = Json.MAPPER.readTree(fx.echo.bodies.getLast()).at("/messages/0/content").asText();
    assertThat(sent).contains("RT @<USERNAME_1>: ").contains("@Override\npublic String toString()")
        .contains("@types/node");
  }
}
