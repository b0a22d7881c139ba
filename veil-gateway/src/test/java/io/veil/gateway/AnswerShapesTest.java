package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.core.EntityType;
import io.veil.core.Scope;
import io.veil.core.vault.InMemoryTokenVault;
import io.veil.gateway.keys.ClientKey;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Answers of the shapes SDK users ask for, through the real {@link PiiInterceptor} and the real Veil
 * restorer: structured outputs / JSON mode (the answer text is a JSON document) and streamed
 * reasoning text. The scope's vault holds a value with a double quote, a backslash and a line break
 * (a multi-line address, a Windows login (domain, backslash, user) and a name such as {@code O"Neil} are each
 * detected values of one of those kinds).
 */
class AnswerShapesTest {
  static final String VALUE = "Patrick O\"Neil, CORP\\pat\n221B Baker Street";
  static final String CONVERSATION = "qa4-json";

  @TempDir
  Path dir;

  private final InMemoryTokenVault vault = InMemoryTokenVault.create();
  private String token;

  private List<Interceptor> chain(Endpoint endpoint, ProtocolAdapter adapter, Function<String, GatewayResponse> upstream) {
    token = vault.tokenize(new Scope("acme", "c:" + CONVERSATION), EntityType.PERSON, VALUE, i -> "<PERSON_" + i + ">");
    Map<Endpoint, ProtocolAdapter> adapters = Map.of(endpoint, adapter);
    return List.of(new ConversationScopeInterceptor(adapters, GatewaySecret.loadOrCreate(dir)),
        new PiiInterceptor(TestVeil.create(vault), adapters), c -> upstream.apply(token));
  }

  private static GatewayResponse call(List<Interceptor> chain, Endpoint endpoint, String body) throws Exception {
    ObjectNode json = (ObjectNode) Json.MAPPER.readTree(body);
    GatewayRequest request = GatewayRequest.of(endpoint, Map.of("content-type", "application/json",
            ConversationScopeInterceptor.HEADER, CONVERSATION), body.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .withJson(json).withKey(new ClientKey("vk_1", "acme", "default", 0, Instant.EPOCH, null),
            GatewayPolicy.defaults("default"));
    return RealChain.run(chain, request);
  }

  static GatewayResponse.Stream stream(List<String> datas) {
    Deque<SseEvent> events = new ArrayDeque<>();
    datas.forEach(d -> events.add(new SseEvent(null, d)));
    return new GatewayResponse.Stream(200, Map.of(), new EventStream() {
      @Override
      public SseEvent next() {
        return events.poll();
      }

      @Override
      public void close() {}
    });
  }

  static List<JsonNode> drain(GatewayResponse response) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    EventStream events = ((GatewayResponse.Stream) response).events();
    for (SseEvent e = events.next(); e != null; e = events.next()) {
      if (!e.isDone()) {
        out.add(Json.MAPPER.readTree(e.data()));
      }
    }
    return out;
  }

  private static String chunk(String deltaJson, String finish) {
    return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
        + "\"delta\":" + deltaJson + ",\"logprobs\":null,\"finish_reason\":" + finish + "}]}";
  }

  /** A piece of streamed text as a JSON string literal. */
  private static String q(String s) {
    return Json.write(Json.MAPPER.getNodeFactory().textNode(s));
  }

  private static final String CHAT_JSON_MODE = "{\"model\":\"m\",\"response_format\":{\"type\":\"json_schema\","
      + "\"json_schema\":{\"name\":\"contact\",\"schema\":{\"type\":\"object\"}}},"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"Give me the contact as JSON\"}]}";

  /**
   * Before: the value was inserted as it is, so the content read {@code {"name": "Patrick O"Neil, CORP\pat
   * <newline>221B…"}} and the SDK's {@code JSON.parse} / {@code .parse()} failed on it.
   */
  @Test
  void aStructuredOutputAnswerStaysJsonWhenARestoredValueHasAQuoteABackslashOrALineBreak() throws Exception {
    List<Interceptor> chain = chain(Endpoint.CHAT_COMPLETIONS, new ChatCompletionsAdapter(), t -> {
      ObjectNode answer = Json.MAPPER.createObjectNode().put("id", "c1").put("object", "chat.completion");
      ObjectNode choice = answer.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
      choice.putObject("message").put("role", "assistant").put("content", "{\"name\": \"" + t + "\", \"n\": 1}");
      return new GatewayResponse.Json(200, Map.of(), answer);
    });

    JsonNode answer = ((GatewayResponse.Json) call(chain, Endpoint.CHAT_COMPLETIONS, CHAT_JSON_MODE)).body();

    JsonNode content = Json.MAPPER.readTree(answer.at("/choices/0/message/content").asText());
    assertThat(content.get("name").asText()).isEqualTo(VALUE);
    assertThat(content.get("n").asInt()).isEqualTo(1);
  }

  @Test
  void aStreamedStructuredOutputAnswerStaysJson() throws Exception {
    List<Interceptor> chain = chain(Endpoint.CHAT_COMPLETIONS, new ChatCompletionsAdapter(), t -> stream(List.of(
        chunk("{\"role\":\"assistant\",\"content\":\"{\\\"name\\\": \\\"<PER\"}", "null"),
        chunk("{\"content\":" + q(t.substring(4)) + "}", "null"),
        chunk("{\"content\":\"\\\"}\"}", "null"),
        chunk("{}", "\"stop\""),
        "[DONE]")));

    StringBuilder content = new StringBuilder();
    for (JsonNode n : drain(call(chain, Endpoint.CHAT_COMPLETIONS, CHAT_JSON_MODE.replace("{\"model\"",
        "{\"stream\":true,\"model\""))) ) {
      content.append(n.at("/choices/0/delta/content").asText(""));
    }

    assertThat(Json.MAPPER.readTree(content.toString()).get("name").asText()).isEqualTo(VALUE);
  }

  private static final String CHAT_TEXT_MODE = CHAT_JSON_MODE.replace(
      "\"json_schema\",\"json_schema\":{\"name\":\"contact\",\"schema\":{\"type\":\"object\"}}", "\"text\"");

  private List<Interceptor> chatAnswering(String content) {
    return chain(Endpoint.CHAT_COMPLETIONS, new ChatCompletionsAdapter(), t -> {
      ObjectNode answer = Json.MAPPER.createObjectNode().put("id", "c1").put("object", "chat.completion");
      ObjectNode choice = answer.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
      choice.putObject("message").put("role", "assistant").put("content", content.replace("TOKEN", t));
      return new GatewayResponse.Json(200, Map.of(), answer);
    });
  }

  /** Without JSON mode, text that is not JSON gets the value as it is, quotes, line break and all. */
  @Test
  void aTextAnswerGetsTheValueAsItIs() throws Exception {
    JsonNode answer = ((GatewayResponse.Json) call(chatAnswering("Write to \"TOKEN\" today."),
        Endpoint.CHAT_COMPLETIONS, CHAT_TEXT_MODE)).body();

    assertThat(answer.at("/choices/0/message/content").asText()).isEqualTo("Write to \"" + VALUE + "\" today.");
  }

  /**
   * "Reply in JSON" without {@code response_format}: the answer text is a JSON document (or has a fenced
   * json block), so the value is escaped inside its string literal. Before: inserted raw, and the client's
   * {@code JSON.parse} failed.
   */
  @Test
  void aTextAnswerThatIsJsonStaysJson() throws Exception {
    JsonNode answer = ((GatewayResponse.Json) call(chatAnswering("{\"name\": \"TOKEN\"}"),
        Endpoint.CHAT_COMPLETIONS, CHAT_TEXT_MODE)).body();
    assertThat(Json.MAPPER.readTree(answer.at("/choices/0/message/content").asText()).get("name").asText())
        .isEqualTo(VALUE);

    JsonNode fenced = ((GatewayResponse.Json) call(chatAnswering("Sure:\n```json\n{\"name\": \"TOKEN\"}\n```\n"),
        Endpoint.CHAT_COMPLETIONS, CHAT_TEXT_MODE)).body();
    String text = fenced.at("/choices/0/message/content").asText();
    String block = text.substring(text.indexOf("```json\n") + 8, text.lastIndexOf("\n```"));
    assertThat(Json.MAPPER.readTree(block).get("name").asText()).isEqualTo(VALUE);
  }

  @Test
  void aStreamedTextAnswerThatIsJsonStaysJson() throws Exception {
    List<Interceptor> chain = chain(Endpoint.CHAT_COMPLETIONS, new ChatCompletionsAdapter(), t -> stream(List.of(
        chunk("{\"role\":\"assistant\",\"content\":\" {\\\"name\\\": \\\"<PER\"}", "null"),
        chunk("{\"content\":" + q(t.substring(4)) + "}", "null"),
        chunk("{\"content\":\"\\\"}\"}", "null"),
        chunk("{}", "\"stop\""),
        "[DONE]")));

    StringBuilder content = new StringBuilder();
    for (JsonNode n : drain(call(chain, Endpoint.CHAT_COMPLETIONS, CHAT_TEXT_MODE.replace("{\"model\"",
        "{\"stream\":true,\"model\"")))) {
      content.append(n.at("/choices/0/delta/content").asText(""));
    }

    assertThat(Json.MAPPER.readTree(content.toString()).get("name").asText()).isEqualTo(VALUE);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void aResponsesTextAnswerThatIsJsonStaysJson(boolean streamed) throws Exception {
    List<Interceptor> chain = chain(Endpoint.RESPONSES, new ResponsesAdapter(), t -> {
      String text = "[{\"name\":\"" + t + "\"}]";
      if (streamed) {
        return stream(List.of(
            "{\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"output_index\":0,\"content_index\":0,"
                + "\"delta\":" + q(text.substring(0, 14)) + "}",
            "{\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"output_index\":0,\"content_index\":0,"
                + "\"delta\":" + q(text.substring(14)) + "}",
            "{\"type\":\"response.output_text.done\",\"item_id\":\"m\",\"output_index\":0,\"content_index\":0,"
                + "\"text\":" + q(text) + "}"));
      }
      ObjectNode answer = Json.MAPPER.createObjectNode().put("id", "resp_1").put("object", "response");
      answer.putArray("output").addObject().put("type", "message").put("role", "assistant")
          .putArray("content").addObject().put("type", "output_text").put("text", text);
      return new GatewayResponse.Json(200, Map.of(), answer);
    });

    GatewayResponse r = call(chain, Endpoint.RESPONSES,
        "{\"model\":\"m\",\"stream\":" + streamed + ",\"input\":\"Contact as JSON\"}");

    if (streamed) {
      StringBuilder deltas = new StringBuilder();
      String done = null;
      for (JsonNode n : drain(r)) {
        if (n.get("type").asText().endsWith(".delta")) {
          deltas.append(n.get("delta").asText());
        } else {
          done = n.get("text").asText();
        }
      }
      assertThat(Json.MAPPER.readTree(deltas.toString()).at("/0/name").asText()).isEqualTo(VALUE);
      assertThat(done).isEqualTo(deltas.toString());
    } else {
      JsonNode answer = ((GatewayResponse.Json) r).body();
      assertThat(Json.MAPPER.readTree(answer.at("/output/0/content/0/text").asText()).at("/0/name").asText())
          .isEqualTo(VALUE);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"json_object", "json_schema"})
  void aResponsesAnswerInJsonModeStaysJson(String format) throws Exception {
    List<Interceptor> chain = chain(Endpoint.RESPONSES, new ResponsesAdapter(), t -> {
      ObjectNode answer = Json.MAPPER.createObjectNode().put("id", "resp_1").put("object", "response");
      answer.putArray("output").addObject().put("type", "message").put("role", "assistant")
          .putArray("content").addObject().put("type", "output_text").put("text", "{\"name\":\"" + t + "\"}");
      return new GatewayResponse.Json(200, Map.of(), answer);
    });

    JsonNode answer = ((GatewayResponse.Json) call(chain, Endpoint.RESPONSES,
        "{\"model\":\"m\",\"input\":\"Contact as JSON\",\"text\":{\"format\":{\"type\":\"" + format + "\"}}}")).body();

    assertThat(Json.MAPPER.readTree(answer.at("/output/0/content/0/text").asText()).get("name").asText()).isEqualTo(VALUE);
  }

  /**
   * Before: reasoning summary deltas were restored one event at a time, so a placeholder cut across
   * two deltas reached the client as {@code <PER} + {@code SON_1>} while the {@code .done} event
   * said the name.
   */
  @Test
  void streamedReasoningSummaryDeltasAreRestoredAcrossEvents() throws Exception {
    List<Interceptor> chain = chain(Endpoint.RESPONSES, new ResponsesAdapter(), t -> stream(List.of(
        "{\"type\":\"response.reasoning_summary_text.delta\",\"item_id\":\"rs_1\",\"output_index\":0,\"summary_index\":0,"
            + "\"delta\":\"About <PER\",\"sequence_number\":1}",
        "{\"type\":\"response.reasoning_summary_text.delta\",\"item_id\":\"rs_1\",\"output_index\":0,\"summary_index\":0,"
            + "\"delta\":" + q(t.substring(4) + " now") + ",\"sequence_number\":2}",
        "{\"type\":\"response.reasoning_summary_text.done\",\"item_id\":\"rs_1\",\"output_index\":0,\"summary_index\":0,"
            + "\"text\":" + q("About " + t + " now") + ",\"sequence_number\":3}")));

    StringBuilder deltas = new StringBuilder();
    String done = null;
    for (JsonNode n : drain(call(chain, Endpoint.RESPONSES, "{\"model\":\"m\",\"stream\":true,\"input\":\"hi\"}"))) {
      if (n.get("type").asText().equals("response.reasoning_summary_text.delta")) {
        deltas.append(n.get("delta").asText());
        assertThat(n.get("summary_index").asInt()).isZero();
      } else {
        done = n.get("text").asText();
      }
    }

    assertThat(deltas.toString()).isEqualTo("About " + VALUE + " now").isEqualTo(done);
  }

  /**
   * OpenAI-compatible providers (DeepSeek, vLLM, OpenRouter, Ollama) stream reasoning as
   * {@code delta.reasoning_content} / {@code delta.reasoning}. Before: passed as it came, placeholders
   * included.
   */
  @ParameterizedTest
  @ValueSource(strings = {"reasoning_content", "reasoning"})
  void streamedReasoningOfCompatibleProvidersIsRestored(String field) throws Exception {
    List<Interceptor> chain = chain(Endpoint.CHAT_COMPLETIONS, new ChatCompletionsAdapter(), t -> stream(List.of(
        chunk("{\"role\":\"assistant\",\"" + field + "\":\"The user is <PER\"}", "null"),
        chunk("{\"" + field + "\":" + q(t.substring(4) + ".") + "}", "null"),
        chunk("{\"content\":\"Hello \"}", "null"),
        chunk("{\"content\":" + q(t) + "}", "null"),
        chunk("{}", "\"stop\""),
        "[DONE]")));

    StringBuilder reasoning = new StringBuilder();
    StringBuilder content = new StringBuilder();
    for (JsonNode n : drain(call(chain, Endpoint.CHAT_COMPLETIONS,
        "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))) {
      reasoning.append(n.at("/choices/0/delta/" + field).asText(""));
      content.append(n.at("/choices/0/delta/content").asText(""));
    }

    assertThat(reasoning.toString()).isEqualTo("The user is " + VALUE + ".");
    assertThat(content.toString()).isEqualTo("Hello " + VALUE);
  }
}
