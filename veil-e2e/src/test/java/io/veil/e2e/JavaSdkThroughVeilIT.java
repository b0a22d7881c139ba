package io.veil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.errors.UnauthorizedException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official Java SDK talking to {@code veil serve}, which forwards to {@code veil mock-llm --record}: every
 * contract test must give the client its own text back while, checked after each test, none of the sample's
 * personal values reached the provider.
 */
class JavaSdkThroughVeilIT extends OpenAiJavaSdkContract {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static E2eStack.Mock mock;
  private static E2eStack.Gateway veil;
  private static JavaSdkCalls sdk;
  private int mark;

  @BeforeAll
  static void start() {
    mock = E2eStack.mock();
    veil = E2eStack.gateway();
    sdk = new JavaSdkCalls(veil.baseUrl(), veil.apiKey());
  }

  @Override
  JavaSdkCalls sdk() {
    return sdk;
  }

  @BeforeEach
  void markRecord() {
    mark = mock.mark();
  }

  @AfterEach
  void noSampleValueReachedTheProvider() {
    List<JsonNode> bodies = mock.recorded(mark);
    assertThat(Leaks.find(bodies, SAMPLE_VALUES)).as("personal values in the upstream request bodies").isEmpty();
  }

  @Test
  void aWrongKeyIsRefusedWith401AndNothingIsForwarded() {
    JavaSdkCalls wrong = new JavaSdkCalls(veil.baseUrl(), "sk-veil-not-a-real-key");
    assertThatThrownBy(() -> wrong.chat(SAMPLE))
        .isInstanceOf(UnauthorizedException.class)
        .satisfies(e -> assertThat(((UnauthorizedException) e).statusCode()).isEqualTo(401))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("maria.keller@example.org"));
    assertThat(mock.recorded(mark)).isEmpty();
  }

  @Test
  void anUnknownPathIsRefusedWith404InTheErrorEnvelope() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(veil.baseUrl().resolve("/v1/fine_tuning/jobs"))
            .header("Authorization", "Bearer " + veil.apiKey())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"training_file\":\"file-abc\"}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(404);
    JsonNode error = MAPPER.readTree(r.body()).path("error");
    assertThat(error.path("message").asText()).isNotBlank();
    assertThat(error.has("type")).isTrue();
    assertThat(mock.recorded(mark)).isEmpty();
  }

  @Test
  void aConversationKeepsThePlaceholdersStableAcrossTurns() {
    String conversation = "e2e-" + UUID.randomUUID();
    assertThat(sdk.chat(SAMPLE, conversation)).isEqualTo(SAMPLE);
    assertThat(sdk.chat(SAMPLE, conversation)).isEqualTo(SAMPLE);
    List<JsonNode> bodies = mock.recorded(mark);
    assertThat(bodies).hasSize(2);
    String first = lastUserContent(bodies.get(0));
    String second = lastUserContent(bodies.get(1));
    assertThat(first).isNotEqualTo(SAMPLE);
    assertThat(second).as("same value, same placeholder within one conversation").isEqualTo(first);
  }

  private static String lastUserContent(JsonNode body) {
    String content = null;
    for (JsonNode m : body.path("messages")) {
      if ("user".equals(m.path("role").asText())) {
        content = m.path("content").isTextual() ? m.path("content").asText() : m.path("content").toString();
      }
    }
    return content;
  }

  static URI base() {
    return veil.baseUrl();
  }
}
