package io.veil.gateway.mock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MockLlmTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String PROMPT =
      "Hi, I'm Jane Doe (jane.doe@example.com, +1 415-555-0100); card 4111 1111 1111 1111. Grüße 😀!";

  @TempDir
  Path dir;

  private MockLlm mock;
  private Path record;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    record = dir.resolve("record.jsonl");
    mock = MockLlm.start(0, record);
  }

  @AfterEach
  void stop() {
    mock.close();
  }

  @Test
  void listensOnLoopbackAtTheChosenPort() {
    assertThat(mock.port()).isPositive();
    assertThat(mock.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:" + mock.port()));
  }

  @Test
  void chatEchoesTheLastUserMessageInTheProviderShape() throws Exception {
    JsonNode body = postJson("/v1/chat/completions", chat(false));
    assertThat(body.path("object").asText()).isEqualTo("chat.completion");
    assertThat(body.path("id").asText()).startsWith("chatcmpl-");
    assertThat(body.path("model").asText()).isEqualTo("gpt-test");
    assertThat(body.path("created").asLong()).isPositive();
    JsonNode choice = body.path("choices").get(0);
    assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
    assertThat(choice.path("message").path("content").asText()).isEqualTo(PROMPT);
    assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
    assertThat(body.path("usage").path("total_tokens").asInt()).isPositive();
  }

  @Test
  void chatReadsContentParts() throws Exception {
    ObjectNode req = chat(false);
    ((ObjectNode) req.path("messages").get(1)).set("content", MAPPER.readTree(
        "[{\"type\":\"text\",\"text\":\"part one, \"},{\"type\":\"text\",\"text\":\"part two\"}]"));
    JsonNode body = postJson("/v1/chat/completions", req);
    assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("part one, part two");
  }

  @Test
  void chatStreamReassemblesToTheMessageFromSmallChunks() throws Exception {
    ObjectNode req = chat(true);
    req.set("stream_options", MAPPER.createObjectNode().put("include_usage", true));
    List<Sse> events = postSse("/v1/chat/completions", req);

    assertThat(events.getLast().data()).isEqualTo("[DONE]");
    List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(e -> json(e.data())).toList();
    StringBuilder text = new StringBuilder();
    int contentChunks = 0;
    for (JsonNode c : chunks) {
      assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk");
      assertThat(c.path("id").asText()).isEqualTo(chunks.getFirst().path("id").asText());
      JsonNode content = c.at("/choices/0/delta/content");
      if (content.isTextual() && !content.asText().isEmpty()) {
        contentChunks++;
        assertThat(content.asText().codePointCount(0, content.asText().length())).isBetween(1, 7);
        text.append(content.asText());
      }
    }
    assertThat(text.toString()).isEqualTo(PROMPT);
    assertThat(contentChunks).isGreaterThan(PROMPT.length() / 7);
    assertThat(chunks.getFirst().at("/choices/0/delta/role").asText()).isEqualTo("assistant");
    JsonNode finish = chunks.get(chunks.size() - 2);
    assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    JsonNode usage = chunks.getLast();
    assertThat(usage.path("choices")).isEmpty();
    assertThat(usage.at("/usage/completion_tokens").asInt()).isPositive();
  }

  @Test
  void chatWithToolsStreamsACallWhoseArgumentsHoldTheMessage() throws Exception {
    ObjectNode req = chat(true);
    req.set("tools", MAPPER.readTree(
        "[{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"parameters\":{\"type\":\"object\"}}}]"));
    List<Sse> events = postSse("/v1/chat/completions", req);
    StringBuilder args = new StringBuilder();
    String name = null;
    String finish = null;
    int argChunks = 0;
    for (Sse e : events.subList(0, events.size() - 1)) {
      JsonNode c = json(e.data());
      JsonNode call = c.at("/choices/0/delta/tool_calls/0");
      if (!call.isMissingNode()) {
        assertThat(call.path("index").asInt()).isZero();
        if (call.at("/function/name").isTextual()) {
          name = call.at("/function/name").asText();
          assertThat(call.path("id").asText()).startsWith("call_");
        }
        String piece = call.at("/function/arguments").asText();
        if (!piece.isEmpty()) {
          argChunks++;
        }
        args.append(piece);
      }
      if (c.at("/choices/0/finish_reason").isTextual()) {
        finish = c.at("/choices/0/finish_reason").asText();
      }
    }
    assertThat(name).isEqualTo("lookup");
    assertThat(finish).isEqualTo("tool_calls");
    assertThat(argChunks).isGreaterThan(3);
    assertThat(json(args.toString()).path("text").asText()).isEqualTo(PROMPT);
  }

  @Test
  void toolChoiceNoneAndToolResultsGiveText() throws Exception {
    ObjectNode req = chat(false);
    req.set("tools", MAPPER.readTree(
        "[{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"parameters\":{\"type\":\"object\"}}}]"));
    JsonNode call = postJson("/v1/chat/completions", req);
    assertThat(call.at("/choices/0/message/tool_calls/0/function/name").asText()).isEqualTo("lookup");
    assertThat(call.at("/choices/0/message/content").isNull()).isTrue();

    req.put("tool_choice", "none");
    assertThat(postJson("/v1/chat/completions", req).at("/choices/0/message/content").asText())
        .isEqualTo(PROMPT);

    req.remove("tool_choice");
    ((com.fasterxml.jackson.databind.node.ArrayNode) req.get("messages"))
        .add(call.at("/choices/0/message"))
        .add(MAPPER.createObjectNode().put("role", "tool").put("tool_call_id", "x").put("content", "found"));
    JsonNode afterTool = postJson("/v1/chat/completions", req);
    assertThat(afterTool.at("/choices/0/message/content").asText()).isEqualTo(PROMPT);
    assertThat(afterTool.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
  }

  @Test
  void completionsEchoThePromptWholeAndStreamed() throws Exception {
    ObjectNode req = MAPPER.createObjectNode().put("model", "m").put("prompt", PROMPT);
    JsonNode body = postJson("/v1/completions", req);
    assertThat(body.path("object").asText()).isEqualTo("text_completion");
    assertThat(body.at("/choices/0/text").asText()).isEqualTo(PROMPT);

    req.put("stream", true);
    List<Sse> events = postSse("/v1/completions", req);
    assertThat(events.getLast().data()).isEqualTo("[DONE]");
    StringBuilder text = new StringBuilder();
    events.subList(0, events.size() - 1).forEach(e -> text.append(json(e.data()).at("/choices/0/text").asText()));
    assertThat(text.toString()).isEqualTo(PROMPT);
  }

  @Test
  void responsesEchoTheInputWholeAndAsTypedEvents() throws Exception {
    ObjectNode req = MAPPER.createObjectNode().put("model", "m").put("input", PROMPT);
    JsonNode body = postJson("/v1/responses", req);
    assertThat(body.path("object").asText()).isEqualTo("response");
    assertThat(body.path("status").asText()).isEqualTo("completed");
    assertThat(body.at("/output/0/content/0/type").asText()).isEqualTo("output_text");
    assertThat(body.at("/output/0/content/0/text").asText()).isEqualTo(PROMPT);

    req.put("stream", true);
    List<Sse> events = postSse("/v1/responses", req);
    assertThat(events.getFirst().event()).isEqualTo("response.created");
    assertThat(events.getLast().event()).isEqualTo("response.completed");
    StringBuilder text = new StringBuilder();
    long seq = 0;
    for (Sse e : events) {
      JsonNode data = json(e.data());
      assertThat(data.path("type").asText()).isEqualTo(e.event());
      assertThat(data.path("sequence_number").asLong()).isEqualTo(seq++);
      if ("response.output_text.delta".equals(e.event())) {
        text.append(data.path("delta").asText());
      }
    }
    assertThat(text.toString()).isEqualTo(PROMPT);
    assertThat(json(events.getLast().data()).at("/response/output/0/content/0/text").asText()).isEqualTo(PROMPT);
  }

  @Test
  void responsesWithAFunctionToolStreamArgumentDeltas() throws Exception {
    ObjectNode req = (ObjectNode) MAPPER.readTree("{\"model\":\"m\",\"stream\":true,\"input\":[{\"role\":\"user\","
        + "\"content\":[{\"type\":\"input_text\",\"text\":" + MAPPER.writeValueAsString(PROMPT) + "}]}],"
        + "\"tools\":[{\"type\":\"function\",\"name\":\"save\",\"parameters\":{\"type\":\"object\"}}]}");
    StringBuilder args = new StringBuilder();
    JsonNode completed = null;
    for (Sse e : postSse("/v1/responses", req)) {
      if ("response.function_call_arguments.delta".equals(e.event())) {
        args.append(json(e.data()).path("delta").asText());
      }
      if ("response.completed".equals(e.event())) {
        completed = json(e.data());
      }
    }
    assertThat(json(args.toString()).path("text").asText()).isEqualTo(PROMPT);
    assertThat(completed.at("/response/output/0/type").asText()).isEqualTo("function_call");
    assertThat(completed.at("/response/output/0/name").asText()).isEqualTo("save");
  }

  @Test
  void embeddingsAreDeterministicUnitVectorsAlsoAsBase64() throws Exception {
    ObjectNode req = MAPPER.createObjectNode().put("model", "e").put("dimensions", 8);
    req.putArray("input").add("alpha").add("beta").add("alpha");
    JsonNode body = postJson("/v1/embeddings", req);
    assertThat(body.path("object").asText()).isEqualTo("list");
    JsonNode data = body.path("data");
    assertThat(data).hasSize(3);
    assertThat(data.get(0).path("embedding")).hasSize(8).isEqualTo(data.get(2).path("embedding"));
    assertThat(data.get(0).path("embedding")).isNotEqualTo(data.get(1).path("embedding"));
    double norm = 0;
    for (JsonNode v : data.get(0).path("embedding")) {
      norm += v.asDouble() * v.asDouble();
    }
    assertThat(norm).isBetween(0.999, 1.001);

    req.put("encoding_format", "base64");
    JsonNode b64 = postJson("/v1/embeddings", req);
    ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(b64.at("/data/0/embedding").asText()))
        .order(ByteOrder.LITTLE_ENDIAN);
    assertThat(buf.remaining()).isEqualTo(32);
    assertThat((double) buf.getFloat()).isEqualTo(data.get(0).path("embedding").get(0).asDouble(),
        org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void modelsAreListed() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/v1/models")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r.body()).at("/data/0/object").asText()).isEqualTo("model");
  }

  @Test
  void badRequestsGetTheErrorEnvelope() throws Exception {
    HttpResponse<String> malformed = post("/v1/chat/completions", "{not json");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(json(malformed.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");

    HttpResponse<String> unknown = post("/v1/fine_tuning/jobs", "{}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown.body()).at("/error/message").asText()).contains("/v1/fine_tuning/jobs");

    HttpResponse<String> wrongMethod = http.send(HttpRequest.newBuilder(uri("/v1/chat/completions")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
  }

  @Test
  void recordsEveryBodyAsOneJsonLineEvenUnderConcurrency() throws Exception {
    post("/v1/chat/completions", "{not json");
    int n = 40;
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ObjectNode req = chat(i % 2 == 0);
        req.put("n_marker", i);
        futures.add(pool.submit(() -> post("/v1/chat/completions", MAPPER.writeValueAsString(req))));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    }
    List<String> lines = Files.readAllLines(record, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(n + 1);
    assertThat(json(lines.getFirst()).asText()).isEqualTo("{not json");
    List<Integer> markers = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      JsonNode body = json(line);
      assertThat(body.at("/messages/1/content").asText()).isEqualTo(PROMPT);
      markers.add(body.path("n_marker").asInt());
    }
    assertThat(markers).hasSize(n).doesNotHaveDuplicates();
  }

  @Test
  void appendsToAnExistingRecordFile() throws Exception {
    post("/v1/embeddings", "{\"input\":\"one\"}");
    mock.close();
    mock = MockLlm.start(0, record);
    post("/v1/embeddings", "{\"input\":\"two\"}");
    assertThat(Files.readAllLines(record)).hasSize(2);
  }

  // ------------------------------------------------------------------------------------------ helpers

  private static ObjectNode chat(boolean stream) {
    ObjectNode req = MAPPER.createObjectNode().put("model", "gpt-test").put("stream", stream);
    req.putArray("messages")
        .add(MAPPER.createObjectNode().put("role", "system").put("content", "be brief"))
        .add(MAPPER.createObjectNode().put("role", "user").put("content", PROMPT));
    return req;
  }

  private URI uri(String path) {
    return mock.baseUrl().resolve(path);
  }

  private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode postJson(String path, JsonNode body) throws Exception {
    HttpResponse<String> r = post(path, MAPPER.writeValueAsString(body));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    return json(r.body());
  }

  record Sse(String event, String data) {}

  private List<Sse> postSse(String path, JsonNode body) throws Exception {
    HttpResponse<String> r = post(path, MAPPER.writeValueAsString(body));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
    List<Sse> events = new ArrayList<>();
    for (String block : r.body().split("\n\n")) {
      if (block.isBlank()) {
        continue;
      }
      String event = null;
      String data = null;
      for (String line : block.split("\n")) {
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = line.substring(6);
        }
      }
      events.add(new Sse(event, data));
    }
    return events;
  }

  private static JsonNode json(String s) {
    try {
      return MAPPER.readTree(s);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + s, e);
    }
  }
}
