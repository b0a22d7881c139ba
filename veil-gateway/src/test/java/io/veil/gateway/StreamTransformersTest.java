package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamTransformersTest {
  private final FakeRestorers restorers = new FakeRestorers(Map.of("<EMAIL_1>", "jo\"e@x.org", "<PERSON_1>", "Jane Doe"));

  private static String chatChunk(String delta, String finish) {
    return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":7,\"model\":\"m\",\"system_fingerprint\":\"fp\","
        + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":" + finish + "}]}";
  }

  private static List<JsonNode> run(StreamTransformer t, List<String> datas) throws Exception {
    List<SseEvent> out = new ArrayList<>();
    for (String d : datas) {
      out.addAll(t.onEvent(new SseEvent(null, d)));
    }
    out.addAll(t.onEnd());
    List<JsonNode> nodes = new ArrayList<>();
    for (SseEvent e : out) {
      if (!e.isDone()) {
        nodes.add(Json.MAPPER.readTree(e.data()));
      }
    }
    return nodes;
  }

  @Test
  void chatContentIsRestoredAcrossChunksAndOtherFieldsAreKept() throws Exception {
    StreamTransformer t = new ChatCompletionsAdapter().streamTransformer(restorers);
    List<JsonNode> out = run(t, List.of(
        chatChunk("{\"role\":\"assistant\",\"content\":\"Hi <PER\"}", "null"),
        chatChunk("{\"content\":\"SON_1>, mail <EM\"}", "null"),
        chatChunk("{\"content\":\"AIL_1\"}", "null"),
        chatChunk("{}", "\"stop\""),
        "[DONE]"));
    StringBuilder content = new StringBuilder();
    for (JsonNode n : out) {
      assertThat(n.get("id").asText()).isEqualTo("c1");
      assertThat(n.get("system_fingerprint").asText()).isEqualTo("fp");
      content.append(n.at("/choices/0/delta/content").asText(""));
    }
    assertThat(content.toString()).isEqualTo("Hi Jane Doe, mail <EMAIL_1");
    assertThat(out.getFirst().at("/choices/0/delta/content").asText()).isEqualTo("Hi ");
    assertThat(out.get(3).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
  }

  @Test
  void chatToolCallArgumentsAreRestoredAsJsonStringContentPerCall() throws Exception {
    StreamTransformer t = new ChatCompletionsAdapter().streamTransformer(restorers);
    List<JsonNode> out = run(t, List.of(
        chatChunk("{\"tool_calls\":[{\"index\":0,\"id\":\"a\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}", "null"),
        chatChunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"to\\\":\\\"<EMA\"}}]}", "null"),
        chatChunk("{\"tool_calls\":[{\"index\":1,\"id\":\"b\",\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"{\\\"n\\\":\\\"<PERSON_1>\\\"}\"}}]}", "null"),
        chatChunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"IL_1>\\\"}\"}}]}", "null"),
        chatChunk("{}", "\"tool_calls\"")));
    StringBuilder a0 = new StringBuilder();
    StringBuilder a1 = new StringBuilder();
    for (JsonNode n : out) {
      for (JsonNode call : n.at("/choices/0/delta/tool_calls")) {
        (call.get("index").asInt() == 0 ? a0 : a1).append(call.at("/function/arguments").asText(""));
      }
    }
    assertThat(Json.MAPPER.readTree(a0.toString()).get("to").asText()).isEqualTo("jo\"e@x.org");
    assertThat(Json.MAPPER.readTree(a1.toString()).get("n").asText()).isEqualTo("Jane Doe");
  }

  @Test
  void heldBackTextIsFlushedAtTheEndEvenWithoutFinishReason() throws Exception {
    StreamTransformer t = new ChatCompletionsAdapter().streamTransformer(restorers);
    List<JsonNode> out = run(t, List.of(chatChunk("{\"content\":\"x <PERSON_1\"}", "null")));
    StringBuilder content = new StringBuilder();
    out.forEach(n -> content.append(n.at("/choices/0/delta/content").asText("")));
    assertThat(content.toString()).isEqualTo("x <PERSON_1");
    assertThat(out).hasSize(2);
  }

  @Test
  void responsesDeltasAreRestoredAndTheTailLeavesBeforeDone() throws Exception {
    StreamTransformer t = new ResponsesAdapter().streamTransformer(restorers);
    List<JsonNode> out = run(t, List.of(
        "{\"type\":\"response.output_text.delta\",\"sequence_number\":1,\"item_id\":\"m\",\"output_index\":0,\"content_index\":0,\"delta\":\"Dear <PERSON\"}",
        "{\"type\":\"response.output_text.delta\",\"sequence_number\":2,\"item_id\":\"m\",\"output_index\":0,\"content_index\":0,\"delta\":\"_1> <EMA\",\"logprobs\":[],\"obfuscation\":\"x\"}",
        "{\"type\":\"response.output_text.done\",\"sequence_number\":3,\"item_id\":\"m\",\"output_index\":0,\"content_index\":0,\"text\":\"Dear <PERSON_1> <EMA\"}",
        "{\"type\":\"response.function_call_arguments.delta\",\"output_index\":1,\"delta\":\"{\\\"e\\\":\\\"<EMAIL_1>\\\"}\"}",
        "{\"type\":\"response.completed\",\"response\":{\"output\":[{\"type\":\"function_call\",\"arguments\":\"{\\\"e\\\":\\\"<EMAIL_1>\\\"}\"}]}}"));
    StringBuilder deltas = new StringBuilder();
    for (JsonNode n : out) {
      if (n.get("type").asText().equals("response.output_text.delta")) {
        deltas.append(n.get("delta").asText());
      }
    }
    assertThat(deltas.toString()).isEqualTo("Dear Jane Doe <EMA");
    assertThat(out.get(2).has("logprobs")).as("the extra delta has the shape of the provider's deltas").isTrue();
    assertThat(out.get(2).get("item_id").asText()).isEqualTo("m");
    assertThat(out.get(3).get("type").asText()).isEqualTo("response.output_text.done");
    assertThat(out.get(3).get("text").asText()).isEqualTo("Dear Jane Doe <EMA");
    assertThat(Json.MAPPER.readTree(out.get(4).get("delta").asText()).get("e").asText()).isEqualTo("jo\"e@x.org");
    String args = out.get(5).at("/response/output/0/arguments").asText();
    assertThat(Json.MAPPER.readTree(args).get("e").asText()).isEqualTo("jo\"e@x.org");
  }

  @Test
  void completionsTextIsRestoredPerChoice() throws Exception {
    StreamTransformer t = new CompletionsAdapter().streamTransformer(restorers);
    List<JsonNode> out = run(t, List.of(
        "{\"id\":\"x\",\"choices\":[{\"index\":0,\"text\":\"a <PERS\",\"finish_reason\":null},{\"index\":1,\"text\":\"<EMAIL_1>\",\"finish_reason\":null}]}",
        "{\"id\":\"x\",\"choices\":[{\"index\":0,\"text\":\"ON_1>\",\"finish_reason\":\"stop\"}]}"));
    assertThat(out.get(0).at("/choices/0/text").asText() + out.get(1).at("/choices/0/text").asText()).isEqualTo("a Jane Doe");
    assertThat(out.get(0).at("/choices/1/text").asText()).isEqualTo("jo\"e@x.org");
  }

  @Test
  void theAnswerTextFormatFollowsTheRequestedResponseFormat() throws Exception {
    ChatCompletionsAdapter chat = new ChatCompletionsAdapter();
    ResponsesAdapter responses = new ResponsesAdapter();
    java.util.function.Function<String, com.fasterxml.jackson.databind.node.ObjectNode> json = s -> {
      try {
        return (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(s);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
    Map<String, io.veil.core.RestoreFormat> chatRows = Map.of(
        "{\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\"}}}", io.veil.core.RestoreFormat.JSON_STRING,
        "{\"response_format\":{\"type\":\"json_object\"}}", io.veil.core.RestoreFormat.JSON_STRING,
        "{\"response_format\":{\"type\":\"text\"}}", io.veil.core.RestoreFormat.TEXT,
        "{\"response_format\":\"json_object\"}", io.veil.core.RestoreFormat.TEXT,
        "{}", io.veil.core.RestoreFormat.TEXT);
    chatRows.forEach((req, format) -> assertThat(chat.answerTextFormat(json.apply(req))).as(req).isEqualTo(format));
    Map<String, io.veil.core.RestoreFormat> responsesRows = Map.of(
        "{\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"x\",\"schema\":{}}}}", io.veil.core.RestoreFormat.JSON_STRING,
        "{\"text\":{\"format\":{\"type\":\"json_object\"}}}", io.veil.core.RestoreFormat.JSON_STRING,
        "{\"text\":{\"format\":{\"type\":\"text\"},\"verbosity\":\"low\"}}", io.veil.core.RestoreFormat.TEXT,
        "{\"response_format\":{\"type\":\"json_object\"}}", io.veil.core.RestoreFormat.TEXT);
    responsesRows.forEach((req, format) -> assertThat(responses.answerTextFormat(json.apply(req))).as(req).isEqualTo(format));
  }

  /** In JSON mode every event that carries the output text keeps it a JSON document; other text stays text. */
  @Test
  void responsesOutputTextInJsonModeIsJsonStringContentInEveryEvent() throws Exception {
    StreamTransformer t = new ResponsesAdapter().streamTransformer(restorers, io.veil.core.RestoreFormat.JSON_STRING);
    String doc = "{\\\"to\\\":\\\"<EMAIL_1>\\\"}";
    List<JsonNode> out = run(t, List.of(
        "{\"type\":\"response.output_text.delta\",\"output_index\":0,\"content_index\":0,\"delta\":\"{\\\"to\\\":\\\"<EMA\"}",
        "{\"type\":\"response.output_text.delta\",\"output_index\":0,\"content_index\":0,\"delta\":\"IL_1>\\\"}\"}",
        "{\"type\":\"response.output_text.done\",\"output_index\":0,\"content_index\":0,\"text\":\"" + doc + "\"}",
        "{\"type\":\"response.content_part.done\",\"output_index\":0,\"content_index\":0,\"part\":{\"type\":\"output_text\",\"text\":\"" + doc + "\"}}",
        "{\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":{\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"" + doc + "\"}]}}",
        "{\"type\":\"response.completed\",\"response\":{\"instructions\":\"Mail <EMAIL_1>\",\"output\":[{\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"" + doc + "\"}]}]}}"));
    StringBuilder deltas = new StringBuilder();
    for (JsonNode n : out) {
      if (n.get("type").asText().endsWith(".delta")) {
        deltas.append(n.get("delta").asText());
      }
    }
    assertThat(Json.MAPPER.readTree(deltas.toString()).get("to").asText()).isEqualTo("jo\"e@x.org");
    for (String path : List.of("/text", "/part/text", "/item/content/0/text", "/response/output/0/content/0/text")) {
      String text = out.stream().filter(n -> !n.at(path).isMissingNode()).findFirst().orElseThrow().at(path).asText();
      assertThat(Json.MAPPER.readTree(text).get("to").asText()).as(path).isEqualTo("jo\"e@x.org");
    }
    assertThat(out.getLast().at("/response/instructions").asText()).isEqualTo("Mail jo\"e@x.org");
  }

  /** A Responses stream that ends before the .done event still gives the client what was held back. */
  @Test
  void responsesHeldBackTextLeavesWhenTheStreamEndsWithoutDone() throws Exception {
    StreamTransformer t = new ResponsesAdapter().streamTransformer(restorers);
    List<JsonNode> out = run(t, List.of(
        "{\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"output_index\":0,\"content_index\":0,\"delta\":\"Dear <PERSON_1\"}"));
    StringBuilder deltas = new StringBuilder();
    out.forEach(n -> deltas.append(n.get("delta").asText()));
    assertThat(deltas.toString()).isEqualTo("Dear <PERSON_1");
    assertThat(out).hasSize(2);
    assertThat(out.getLast().get("item_id").asText()).isEqualTo("m");
  }

  /**
   * Logprobs describe the provider's own tokens: a placeholder is several of them, and each entry's
   * {@code bytes} must stay the UTF-8 of its {@code token}. The streamed path never restored them; the
   * whole answer restored an entry whose token happened to be a whole placeholder (or, in surrogate
   * mode, a surrogate first name), so {@code token} and {@code bytes} disagreed and a streamed and a
   * whole answer differed. Now neither restores them; the text itself is restored.
   */
  @Test
  void logprobsAreTheProvidersTokensAndAreNotRestored() throws Exception {
    String lp = "{\"content\":[{\"token\":\"<PERSON_1>\",\"logprob\":-0.1,\"bytes\":[60,80,69,82,83,79,78,95,49,62],"
        + "\"top_logprobs\":[{\"token\":\"<EMAIL_1>\",\"logprob\":-2,\"bytes\":[60]}]}],\"refusal\":null}";
    JsonNode answer = Json.MAPPER.readTree("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
        + "\"content\":\"<PERSON_1>\"},\"logprobs\":" + lp + ",\"finish_reason\":\"stop\"}]}");
    new ChatCompletionsAdapter().restoreAnswer(answer, restorers, io.veil.core.RestoreFormat.TEXT);
    assertThat(answer.at("/choices/0/message/content").asText()).isEqualTo("Jane Doe");
    assertThat(answer.at("/choices/0/logprobs")).isEqualTo(Json.MAPPER.readTree(lp));

    JsonNode responses = Json.MAPPER.readTree("{\"output\":[{\"type\":\"message\",\"content\":[{\"type\":\"output_text\","
        + "\"text\":\"<PERSON_1>\",\"logprobs\":[{\"token\":\"<PERSON_1>\",\"logprob\":-0.1,\"bytes\":[60],\"top_logprobs\":[]}]}]}]}");
    new ResponsesAdapter().restoreAnswer(responses, restorers, io.veil.core.RestoreFormat.TEXT);
    assertThat(responses.at("/output/0/content/0/text").asText()).isEqualTo("Jane Doe");
    assertThat(responses.at("/output/0/content/0/logprobs/0/token").asText()).isEqualTo("<PERSON_1>");
  }

  // ---- bounds (review7): an upstream inventing new indices cannot make a stream hold unbounded restorers ----

  private static String chatChoice(int index, String delta) {
    return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":" + index + ",\"delta\":" + delta
        + ",\"finish_reason\":null}]}";
  }

  private static String responsesDelta(int output, String type) {
    return "{\"type\":\"" + type + "\",\"item_id\":\"i" + output + "\",\"output_index\":" + output
        + ",\"content_index\":0,\"delta\":\"x\",\"logprobs\":[{\"token\":\"x\",\"logprob\":-0.1,\"bytes\":[120]}]}";
  }

  /** Feeds events until the transformer refuses; returns how many it took, or -1 if it never refused. */
  private static int refusedAfter(StreamTransformer t, java.util.function.IntFunction<String> event, int max) {
    for (int i = 0; i < max; i++) {
      try {
        t.onEvent(new SseEvent(null, event.apply(i)));
      } catch (GatewayException e) {
        assertThat(e.code()).isEqualTo(ErrorCodes.UPSTREAM_INVALID);
        return i;
      }
    }
    return -1;
  }

  @Test
  void streamsRefuseMoreOpenTextsThanTheBound() {
    int max = StreamTransformer.MAX_OPEN_TEXTS;
    assertThat(refusedAfter(new ChatCompletionsAdapter().streamTransformer(restorers),
        i -> chatChoice(i, "{\"content\":\"x\"}"), 3 * max)).isEqualTo(max);
    assertThat(refusedAfter(new ChatCompletionsAdapter().streamTransformer(restorers),
        i -> chatChoice(0, "{\"tool_calls\":[{\"index\":" + i + ",\"function\":{\"arguments\":\"{}\"}}]}"), 3 * max))
        .isEqualTo(max);
    assertThat(refusedAfter(new CompletionsAdapter().streamTransformer(restorers),
        i -> "{\"choices\":[{\"index\":" + i + ",\"text\":\"x\",\"finish_reason\":null}]}", 3 * max)).isEqualTo(max);
    assertThat(refusedAfter(new ResponsesAdapter().streamTransformer(restorers),
        i -> responsesDelta(i, "response.output_text.delta"), 3 * max)).isEqualTo(max);
  }

  @Test
  void textsThatEndDoNotCountAgainstTheBound() {
    int n = 3 * StreamTransformer.MAX_OPEN_TEXTS;
    StreamTransformer chat = new ChatCompletionsAdapter().streamTransformer(restorers);
    StreamTransformer responses = new ResponsesAdapter().streamTransformer(restorers);
    for (int i = 0; i < n; i++) {
      chat.onEvent(new SseEvent(null, chatChoice(i, "{\"content\":\"x\"}")));
      chat.onEvent(new SseEvent(null, "{\"choices\":[{\"index\":" + i + ",\"delta\":{},\"finish_reason\":\"stop\"}]}"));
      responses.onEvent(new SseEvent(null, responsesDelta(i, "response.output_text.delta")));
      responses.onEvent(new SseEvent(null, "{\"type\":\"response.output_text.done\",\"output_index\":" + i
          + ",\"content_index\":0,\"text\":\"x\"}"));
    }
  }

  /**
   * A provider's error inside a stream may quote the prompt; it was restored (the personal data went into the error the
   * SDK raises, and so into the application's logs), while the same error answered as a non-2xx status keeps its
   * placeholders (qa11). Every stream kind now keeps them in the error; the text before it is still restored.
   */
  @Test
  void aProvidersErrorInsideAStreamKeepsItsPlaceholders() throws Exception {
    String quoted = "failed while processing: Hi <PERSON_1>, mail <EMAIL_1>";
    List<JsonNode> chat = run(new ChatCompletionsAdapter().streamTransformer(restorers), List.of(
        chatChunk("{\"content\":\"Hi <PERSON_1>\"}", "null"),
        "{\"error\":{\"message\":\"" + quoted + "\",\"type\":\"server_error\"}}"));
    assertThat(chat.getFirst().at("/choices/0/delta/content").asText()).isEqualTo("Hi Jane Doe");
    assertThat(chat.stream().filter(n -> n.has("error")).map(n -> n.at("/error/message").asText())).containsExactly(quoted);
    List<JsonNode> completions = run(new CompletionsAdapter().streamTransformer(restorers), List.of(
        "{\"error\":{\"message\":\"" + quoted + "\",\"type\":\"server_error\"}}"));
    assertThat(completions.stream().filter(n -> n.has("error")).map(n -> n.at("/error/message").asText()))
        .containsExactly(quoted);
    List<JsonNode> responses = run(new ResponsesAdapter().streamTransformer(restorers), List.of(
        "{\"type\":\"error\",\"code\":\"server_error\",\"message\":\"" + quoted + "\",\"sequence_number\":3}",
        "{\"type\":\"response.failed\",\"sequence_number\":4,\"response\":{\"id\":\"r\",\"status\":\"failed\","
            + "\"error\":{\"code\":\"server_error\",\"message\":\"" + quoted + "\"},\"output\":[{\"type\":\"message\","
            + "\"content\":[{\"type\":\"output_text\",\"text\":\"Hi <PERSON_1>\"}]}]}}"));
    assertThat(responses.getFirst().get("message").asText()).isEqualTo(quoted);
    assertThat(responses.getLast().at("/response/error/message").asText()).isEqualTo(quoted);
    assertThat(responses.getLast().at("/response/output/0/content/0/text").asText()).isEqualTo("Hi Jane Doe");
  }

  /** A failing transformer ends the stream with an error event that does not quote the failure (review7). */
  @Test
  void aTransformerFailureEndsTheStreamWithoutItsMessage() throws Exception {
    String email = "jane.doe@example.com";
    java.util.Iterator<SseEvent> upstream = List.of(new SseEvent(null, "{}"), new SseEvent(null, "{}")).iterator();
    boolean[] closed = new boolean[1];
    EventStream events = new EventStream() {
      @Override
      public SseEvent next() {
        return upstream.hasNext() ? upstream.next() : null;
      }

      @Override
      public void close() {
        closed[0] = true;
      }
    };
    StreamTransformer failing = new StreamTransformer() {
      @Override
      public List<SseEvent> onEvent(SseEvent event) {
        throw new IllegalStateException("cannot restore 'Write to " + email + "'");
      }

      @Override
      public List<SseEvent> onEnd() {
        return List.of();
      }
    };
    ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(PiiInterceptor.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
        new ch.qos.logback.core.read.ListAppender<>();
    logs.start();
    log.addAppender(logs);
    try {
      PiiInterceptor.RestoringStream stream = new PiiInterceptor.RestoringStream(events, failing);
      SseEvent error = stream.next();
      assertThat(error.data()).doesNotContain(email).contains(ErrorCodes.INTERNAL);
      assertThat(stream.next()).isNull();
      assertThat(closed[0]).isTrue();
      assertThat(logs.list).isNotEmpty();
      for (var e : logs.list) {
        assertThat(e.getFormattedMessage()).doesNotContain(email);
        assertThat(e.getThrowableProxy()).isNull();
      }
    } finally {
      log.detachAppender(logs);
    }
  }
}
