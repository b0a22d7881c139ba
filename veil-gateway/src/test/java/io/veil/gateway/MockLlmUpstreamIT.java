package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.gateway.keys.FileClientKeyStore;
import io.veil.gateway.mock.MockLlm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway in front of the project's mock LLM (the embedded upstream of {@code veil serve}). */
class MockLlmUpstreamIT {
  static final String EMAIL = "jane.doe@example.com";
  static final String TEXT = "Write to " + EMAIL + " or call about card 4111 1111 1111 1111, thanks.";

  @TempDir
  Path dir;
  MockLlm mock;
  Gateway gateway;
  String key;
  Path record;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    record = dir.resolve("upstream.jsonl");
    mock = MockLlm.start(0, record);
    FileClientKeyStore keys = FileClientKeyStore.open(dir.resolve("data"));
    key = keys.create("acme", "default", 0).secret();
    UpstreamConfig up = new UpstreamConfig(URI.create(mock.baseUrl() + "/v1"), null, null,
        UpstreamConfig.AuthHeader.BEARER, Duration.ofSeconds(5), Duration.ofSeconds(30));
    gateway = Gateway.start(new GatewayConfig("127.0.0.1", 0, dir.resolve("data"), up, null,
        Map.of("default", GatewayPolicy.defaults("default"))), TestVeil.create(), keys);
  }

  @AfterEach
  void stop() {
    gateway.close();
    mock.close();
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String str(String s) {
    return Json.write(Json.MAPPER.getNodeFactory().textNode(s));
  }

  @Test
  void everyEndpointStreamedAndNotRoundTripsWithoutPiiUpstream() throws Exception {
    String msgs = "\"messages\":[{\"role\":\"user\",\"content\":" + str(TEXT) + "}]";
    JsonNode chat = Json.MAPPER.readTree(post("/v1/chat/completions", "{\"model\":\"m\"," + msgs + "}").body());
    assertThat(chat.at("/choices/0/message/content").asText()).isEqualTo(TEXT);

    StringBuilder streamed = new StringBuilder();
    for (JsonNode e : GatewayFixture.events(post("/v1/chat/completions", "{\"model\":\"m\",\"stream\":true," + msgs + "}").body())) {
      streamed.append(e.at("/choices/0/delta/content").asText(""));
    }
    assertThat(streamed.toString()).isEqualTo(TEXT);

    String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"send\",\"parameters\":{\"type\":\"object\"}}}],\"tool_choice\":\"required\"";
    StringBuilder args = new StringBuilder();
    for (JsonNode e : GatewayFixture.events(post("/v1/chat/completions", "{\"model\":\"m\",\"stream\":true" + tools + "," + msgs + "}").body())) {
      for (JsonNode c : e.at("/choices/0/delta/tool_calls")) {
        args.append(c.at("/function/arguments").asText(""));
      }
    }
    assertThat(Json.MAPPER.readTree(args.toString()).toString()).contains(EMAIL);

    StringBuilder deltas = new StringBuilder();
    String completed = null;
    for (JsonNode e : GatewayFixture.events(post("/v1/responses", "{\"model\":\"m\",\"stream\":true,\"input\":" + str(TEXT) + "}").body())) {
      if (e.path("type").asText().equals("response.output_text.delta")) {
        deltas.append(e.get("delta").asText());
      }
      if (e.path("type").asText().equals("response.completed")) {
        completed = e.toString();
      }
    }
    assertThat(deltas.toString()).isEqualTo(TEXT);
    assertThat(completed).contains(EMAIL);

    JsonNode completion = Json.MAPPER.readTree(post("/v1/completions", "{\"model\":\"m\",\"prompt\":" + str(TEXT) + "}").body());
    assertThat(completion.at("/choices/0/text").asText()).isEqualTo(TEXT);
    assertThat(post("/v1/embeddings", "{\"model\":\"m\",\"input\":" + str(TEXT) + "}").statusCode()).isEqualTo(200);

    String recorded = Files.readString(record);
    assertThat(recorded.lines().count()).isEqualTo(6);
    assertThat(recorded).doesNotContain(EMAIL).doesNotContain("4111 1111 1111 1111");
  }
}
