package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.core.Veil;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the provider receives holds no personal data; what the client gets back holds the
 * originals — whole and streamed, in tool-call arguments, across turns; and no PII in metrics,
 * logs or error bodies.
 */
class PiiRoundTripIT {
  static final String EMAIL = "jane.doe@example.com";
  static final String CARD = "4111 1111 1111 1111";
  static final String TEXT = "Please email " + EMAIL + " about the card " + CARD + " today.";

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

  private void assertNoPiiUpstream() {
    assertThat(fx.echo.bodies).isNotEmpty();
    for (String body : fx.echo.bodies) {
      assertThat(body).doesNotContain(EMAIL).doesNotContain(CARD).doesNotContain("4111111111111111");
    }
  }

  private static String chat(String content, boolean stream, boolean tools) {
    String tool = tools ? ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"parameters\":{\"type\":\"object\"}}}]" : "";
    return "{\"model\":\"gpt-4o-mini\",\"stream\":" + stream + tool + ",\"metadata\":{\"k\":\"v\"},\"user\":\"" + EMAIL
        + "\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":"
        + Json.write(Json.MAPPER.getNodeFactory().textNode(content)) + "}]}";
  }

  @Test
  void chatCompletionIsPseudonymizedAndRestored() throws Exception {
    HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key, chat(TEXT, false, false));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(r.body()).at("/choices/0/message/content").asText()).isEqualTo(TEXT);
    assertNoPiiUpstream();
    JsonNode sent = Json.MAPPER.readTree(fx.echo.bodies.getFirst());
    assertThat(sent.has("metadata")).as("metadata dropped").isFalse();
    assertThat(sent.get("store").asBoolean(true)).as("store forced false").isFalse();
    assertThat(sent.get("user").asText()).startsWith("veil-");
  }

  @Test
  void streamedChatIsRestoredAcrossSplitTokens() throws Exception {
    HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key, chat(TEXT, true, false));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
    StringBuilder content = new StringBuilder();
    List<JsonNode> events = GatewayFixture.events(r.body());
    for (JsonNode e : events) {
      assertThat(e.get("id").asText()).isEqualTo("chatcmpl-1");
      content.append(e.at("/choices/0/delta/content").asText(""));
    }
    assertThat(content.toString()).isEqualTo(TEXT);
    assertThat(r.body()).endsWith("data: [DONE]\n\n");
    assertNoPiiUpstream();
  }

  @Test
  void streamedToolCallArgumentsAreRestoredAsJson() throws Exception {
    String tricky = "Write to \"" + EMAIL + "\" now";
    HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key, chat(tricky, true, true));
    assertThat(r.statusCode()).isEqualTo(200);
    StringBuilder args = new StringBuilder();
    for (JsonNode e : GatewayFixture.events(r.body())) {
      for (JsonNode call : e.at("/choices/0/delta/tool_calls")) {
        args.append(call.at("/function/arguments").asText(""));
      }
    }
    assertThat(Json.MAPPER.readTree(args.toString()).get("text").asText()).isEqualTo(tricky);
    assertNoPiiUpstream();
  }

  /**
   * Tool definitions reach the provider pseudonymized (description, parameter description, enum), with the
   * code as it was; the model's choice of an enum token comes back as the value, whole and streamed. Before:
   * the tools were forwarded as they came, the e-mail and card in them included.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void toolDefinitionsArePseudonymizedAndAnEnumChoiceIsRestored(boolean stream) throws Exception {
    String other = "bob.smith@example.org";
    String body = "{\"model\":\"m\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":"
        + "\"Which account?\"}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"description\":"
        + "\"Looks up accounts such as " + EMAIL + "\",\"parameters\":{\"type\":\"object\",\"properties\":{\"account\":"
        + "{\"type\":\"string\",\"description\":\"paid with " + CARD + "\",\"enum\":[\"" + EMAIL + "\",\"" + other + "\"]}},"
        + "\"required\":[\"account\"]}}}]}";
    HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key, body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertNoPiiUpstream();
    JsonNode sent = Json.MAPPER.readTree(fx.echo.bodies.getLast());
    assertThat(fx.echo.bodies.getLast()).doesNotContain(other);
    JsonNode account = sent.at("/tools/0/function/parameters/properties/account");
    assertThat(account.get("type").asText()).isEqualTo("string");
    assertThat(sent.at("/tools/0/function/parameters/required/0").asText()).isEqualTo("account");
    assertThat(account.at("/enum/0").asText()).startsWith("<EMAIL_");
    String arguments;
    if (stream) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode e : GatewayFixture.events(r.body())) {
        sb.append(e.at("/choices/0/delta/tool_calls/0/function/arguments").asText(""));
      }
      arguments = sb.toString();
    } else {
      arguments = Json.MAPPER.readTree(r.body()).at("/choices/0/message/tool_calls/0/function/arguments").asText();
    }
    assertThat(Json.MAPPER.readTree(arguments).get("account").asText()).isEqualTo(EMAIL);
  }

  @Test
  void toolCallHistoryAndToolResultsArePseudonymized() throws Exception {
    String body = "{\"model\":\"m\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\"}}],\"messages\":["
        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Find " + EMAIL + "\"}]},"
        + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"arguments\":\"{\\\"email\\\":\\\"" + EMAIL + "\\\"}\"}}]},"
        + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"card on file: " + CARD + "\"},"
        + "{\"role\":\"user\",\"content\":\"Summarize " + EMAIL + "\"}]}";
    HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key, body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode args = Json.MAPPER.readTree(Json.MAPPER.readTree(r.body()).at("/choices/0/message/tool_calls/0/function/arguments").asText());
    assertThat(args.get("text").asText()).isEqualTo("Summarize " + EMAIL);
    assertNoPiiUpstream();
    JsonNode sent = Json.MAPPER.readTree(fx.echo.bodies.getFirst());
    String sentArgs = sent.at("/messages/1/tool_calls/0/function/arguments").asText();
    assertThat(Json.MAPPER.readTree(sentArgs).has("email")).as("arguments stay JSON").isTrue();
  }

  @Test
  void responsesApiStreamedAndNot() throws Exception {
    String body = "{\"model\":\"m\",\"input\":" + Json.write(Json.MAPPER.getNodeFactory().textNode(TEXT)) + "}";
    HttpResponse<String> whole = fx.post("/v1/responses", fx.key, body);
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(whole.body()).at("/output/0/content/0/text").asText()).isEqualTo(TEXT);

    String items = "{\"model\":\"m\",\"stream\":true,\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":"
        + Json.write(Json.MAPPER.getNodeFactory().textNode(TEXT)) + "}]}]}";
    HttpResponse<String> streamed = fx.post("/v1/responses", fx.key, items);
    StringBuilder deltas = new StringBuilder();
    String done = null;
    String completed = null;
    for (JsonNode e : GatewayFixture.events(streamed.body())) {
      switch (e.get("type").asText()) {
        case "response.output_text.delta" -> deltas.append(e.get("delta").asText());
        case "response.output_text.done" -> done = e.get("text").asText();
        case "response.completed" -> completed = e.at("/response/output/0/content/0/text").asText();
        default -> { }
      }
    }
    assertThat(deltas.toString()).isEqualTo(TEXT);
    assertThat(done).isEqualTo(TEXT);
    assertThat(completed).isEqualTo(TEXT);
    assertThat(streamed.body()).contains("event: response.output_text.delta");
    assertNoPiiUpstream();
  }

  @Test
  void completionsAndEmbeddings() throws Exception {
    HttpResponse<String> c = fx.post("/v1/completions", fx.key,
        "{\"model\":\"m\",\"prompt\":" + Json.write(Json.MAPPER.getNodeFactory().textNode(TEXT)) + "}");
    assertThat(Json.MAPPER.readTree(c.body()).at("/choices/0/text").asText()).isEqualTo(TEXT);

    fx.post("/v1/embeddings", fx.key, "{\"model\":\"m\",\"input\":\"contact " + EMAIL + "\"}");
    fx.post("/v1/embeddings", fx.key, "{\"model\":\"m\",\"input\":[\"contact " + EMAIL + "\"]}");
    assertNoPiiUpstream();
    int n = fx.echo.bodies.size();
    String first = Json.MAPPER.readTree(fx.echo.bodies.get(n - 2)).get("input").asText();
    String second = Json.MAPPER.readTree(fx.echo.bodies.get(n - 1)).get("input").get(0).asText();
    assertThat(first).isEqualTo(second).doesNotContain(EMAIL);
  }

  /**
   * A name found in the first turn is replaced where the third names the person by a part alone ({@code
   * RequestNames}), through the real gateway: in a plain message, in a message of text parts (read joined) and in a
   * German one (whose genitive belongs to the name: the language is guessed only when such a mention needs it); the
   * answer is restored.
   */
  @ParameterizedTest
  @ValueSource(strings = {"\"What did Smith say?\"",
      "[{\"type\":\"text\",\"text\":\"What did \"},{\"type\":\"text\",\"text\":\"Smith say?\"}]",
      "\"Wir lesen heute Smiths Bericht und die Notizen.\""})
  void aNameOfTheFirstTurnIsReplacedWhereTheThirdNamesThePersonByAPartAlone(String third) throws Exception {
    String body = "{\"model\":\"gpt-4o-mini\",\"messages\":["
        + "{\"role\":\"system\",\"content\":\"Be brief.\"},"
        + "{\"role\":\"user\",\"content\":\"I spoke with John Smith yesterday.\"},"
        + "{\"role\":\"assistant\",\"content\":\"Noted.\"},"
        + "{\"role\":\"user\",\"content\":" + third + "}]}";
    HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key, body);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String sent = fx.echo.bodies.getLast();
    assertThat(sent).doesNotContain("Smith").doesNotContain("John").contains("<PERSON_");
    String asked = EchoUpstream.lastUser(Json.MAPPER.readTree(body).get("messages"));
    assertThat(Json.MAPPER.readTree(r.body()).at("/choices/0/message/content").asText()).isEqualTo(asked);
  }

  /**
   * The same where the third turn writes the part with a zero-width space, a soft hyphen or in full-width letters:
   * detection reads such text as a reader (or the model) does, and so does the request-level name pass now; before,
   * the part went to the provider in clear (review14). The answer is restored to what the user wrote.
   */
  @ParameterizedTest
  @ValueSource(strings = {"What did Smi\u200Bth say?", "What did Smi\u00ADth say?",
      "What did \uFF33\uFF4D\uFF49\uFF54\uFF48 say?"})
  void aPartWrittenWithHiddenOrFullWidthCharactersIsReplacedToo(String third) throws Exception {
    String body = "{\"model\":\"gpt-4o-mini\",\"messages\":["
        + "{\"role\":\"user\",\"content\":\"I spoke with John Smith yesterday.\"},"
        + "{\"role\":\"assistant\",\"content\":\"Noted.\"},"
        + "{\"role\":\"user\",\"content\":" + Json.MAPPER.writeValueAsString(third) + "}]}";
    HttpResponse<String> r = fx.post("/v1/chat/completions", fx.key, body);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode sent = Json.MAPPER.readTree(fx.echo.bodies.getLast()).get("messages");
    assertThat(sent.get(2).get("content").asText()).doesNotContain("Smi").doesNotContain("\uFF33\uFF4D")
        .contains("<PERSON_");
    assertThat(Json.MAPPER.readTree(r.body()).at("/choices/0/message/content").asText()).isEqualTo(third);
  }

  @Test
  void tokensAreStableAcrossTurnsAndNeverCrossTenants() throws Exception {
    fx.post("/v1/chat/completions", fx.key, chat("Mail " + EMAIL, false, false), "X-Veil-Conversation", "conv-1");
    String turn1 = EchoUpstream.lastUser(Json.MAPPER.readTree(fx.echo.bodies.getLast()).get("messages"));
    String token = turn1.substring("Mail ".length());
    assertThat(token).doesNotContain(EMAIL);

    String turn2 = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Mail " + EMAIL + "\"},"
        + "{\"role\":\"assistant\",\"content\":\"Done.\"},{\"role\":\"user\",\"content\":\"Again: " + EMAIL + "\"}]}";
    fx.post("/v1/chat/completions", fx.key, turn2, "X-Veil-Conversation", "conv-1");
    assertThat(EchoUpstream.lastUser(Json.MAPPER.readTree(fx.echo.bodies.getLast()).get("messages"))).isEqualTo("Again: " + token);

    // without the header, the fallback (first user message) gives the same scope to both turns
    fx.post("/v1/chat/completions", fx.key, chat("Mail " + EMAIL, false, false));
    String a = EchoUpstream.lastUser(Json.MAPPER.readTree(fx.echo.bodies.getLast()).get("messages"));
    HttpResponse<String> b = fx.post("/v1/chat/completions", fx.key, turn2);
    assertThat(EchoUpstream.lastUser(Json.MAPPER.readTree(fx.echo.bodies.getLast()).get("messages")))
        .isEqualTo("Again: " + a.substring("Mail ".length()));
    assertThat(Json.MAPPER.readTree(b.body()).at("/choices/0/message/content").asText()).isEqualTo("Again: " + EMAIL);

    // another tenant sending the token text in the same conversation id gets the token back, not the value
    String other = fx.keys.create("globex", "default", 0).secret();
    HttpResponse<String> leak = fx.post("/v1/chat/completions", other, chat("Echo " + token, false, false),
        "X-Veil-Conversation", "conv-1");
    assertThat(leak.body()).doesNotContain(EMAIL);
  }

  @Test
  void metricsLogsAndErrorsHoldNoPersonalData() throws Exception {
    fx.post("/v1/chat/completions", fx.key, chat(TEXT, false, false));
    fx.post("/v1/chat/completions", fx.key, chat(TEXT, true, false));
    HttpResponse<String> bad = fx.post("/v1/chat/completions", fx.key, "{\"messages\":\"" + EMAIL + "\"}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).doesNotContain(EMAIL);
    String metrics = fx.get("/metrics", null).body();
    assertThat(metrics).contains("veil_requests_total").contains("veil_entities_removed_total")
        .contains("veil_upstream_responses_total").contains("veil_requests_blocked_total")
        .contains("veil_fields_dropped_total").contains("veil_request_duration_seconds");
    assertThat(metrics).contains("type=\"EMAIL\"");
    assertThat(metrics).doesNotContain(EMAIL).doesNotContain(CARD).doesNotContain("jane");
    String logs = fx.allLogs();
    assertThat(logs).contains("chat_completions status=200");
    assertThat(logs).doesNotContain(EMAIL).doesNotContain(CARD).doesNotContain("jane").doesNotContain(fx.key)
        .doesNotContain("sk-provider-secret");
  }
}
