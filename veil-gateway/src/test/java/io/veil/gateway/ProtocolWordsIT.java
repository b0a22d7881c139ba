package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.Policy;
import io.veil.core.Veil;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Values OpenAI adds to a field with a fixed set of values, without a release: the operator names them in
 * {@code protocol.extraWords} (YAML) or {@code VEIL_PROTOCOL_EXTRA_WORDS}, and the gateway forwards them; every
 * other word is still refused, and a field left alone keeps the API reference's words only.
 */
class ProtocolWordsIT {
  @TempDir
  Path dir;

  static final String CHAT = "\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

  @ParameterizedTest
  @ValueSource(strings = {"yaml", "env"})
  void wordsAddedInTheConfigurationAreForwardedAndOthersStillRefused(String source) throws Exception {
    Path yaml = dir.resolve("veil.yaml");
    Map<String, String> env = Map.of();
    if (source.equals("yaml")) {
      Files.writeString(yaml, """
          protocol:
            extraWords:
              chat.reasoning_effort: [ultra]
              responses.include: [message.output_text.annotations]
              responses.tools.mcp.require_approval: [on_write]
          """);
    } else {
      Files.writeString(yaml, "dataDir: " + dir.resolve("unused") + "\n");
      env = Map.of("VEIL_PROTOCOL_EXTRA_WORDS", "chat.reasoning_effort=ultra; responses.include="
          + "message.output_text.annotations;responses.tools.mcp.require_approval=on_write");
    }
    GatewayConfig loaded = ConfigLoader.load(yaml, env);
    try (GatewayFixture fx = new GatewayFixture(dir.resolve("data"), Veil.builder().policy(Policy.defaults()).build(),
        Map.of(), Duration.ofSeconds(10), c -> c.withProtocolWords(loaded.protocolWords()))) {
      HttpResponse<String> added = fx.post("/v1/chat/completions", fx.key, "{" + CHAT + ",\"reasoning_effort\":\"ultra\"}");
      assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
      assertThat(fx.echo.bodies.getLast()).contains("\"reasoning_effort\":\"ultra\"");
      assertThat(fx.post("/v1/chat/completions", fx.key, "{" + CHAT + ",\"reasoning_effort\":\"high\"}").statusCode())
          .isEqualTo(200);
      HttpResponse<String> include = fx.post("/v1/responses", fx.key,
          "{\"model\":\"m\",\"input\":\"hi\",\"include\":[\"reasoning.encrypted_content\","
              + "\"message.output_text.annotations\"]}");
      assertThat(include.statusCode()).as(include.body()).isEqualTo(200);
      HttpResponse<String> tool = fx.post("/v1/responses", fx.key, "{\"model\":\"m\",\"input\":\"hi\",\"tools\":[{"
          + "\"type\":\"mcp\",\"server_label\":\"crm\",\"server_url\":\"https://mcp.example.com/sse\","
          + "\"require_approval\":\"on_write\"}]}");
      assertThat(tool.statusCode()).as(tool.body()).isEqualTo(200);
      int forwarded = fx.echo.bodies.size();

      for (String refused : List.of(
          "{" + CHAT + ",\"reasoning_effort\":\"kowalski\"}",
          "{" + CHAT + ",\"verbosity\":\"ultra\"}")) { // the word was added to another field only
        HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key, refused);
        assertThat(r.statusCode()).as(refused).isEqualTo(400);
        assertThat(r.body()).contains(ErrorCodes.UNSUPPORTED_CONTENT).doesNotContain("kowalski");
      }
      assertThat(fx.echo.bodies).hasSize(forwarded);
    }
  }
}
