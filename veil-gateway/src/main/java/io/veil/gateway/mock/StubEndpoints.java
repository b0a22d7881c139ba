package io.veil.gateway.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The OpenAI-compatible answers of the mock LLM, one method per endpoint. Each answer echoes the prompt (see
 * {@link MockPrompt}) in the provider's JSON shapes, whole or as a stream of small deltas. Thread-safe.
 */
final class StubEndpoints {

  static final String DEFAULT_MODEL = "mock-llm";
  static final int DEFAULT_EMBEDDING_DIMENSIONS = 256;
  static final int MAX_EMBEDDING_DIMENSIONS = 4096;

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final ObjectMapper mapper;
  private final long seed;
  private final AtomicLong ids = new AtomicLong();

  StubEndpoints(ObjectMapper mapper, long seed) {
    this.mapper = mapper;
    this.seed = seed;
  }

  // ---------------------------------------------------------------- /v1/chat/completions

  void chatCompletions(JsonNode request, Reply reply) throws IOException {
    MockPrompt prompt = MockPrompt.ofChat(request);
    String id = "chatcmpl-mock" + ids.incrementAndGet();
    long created = now();
    String model = model(request);
    int promptTokens = tokens(request.path("messages").toString());
    String answer = prompt.toolName() == null ? prompt.text() : toolArguments(prompt.text());
    int completionTokens = tokens(answer);
    String finish = prompt.toolName() == null ? "stop" : "tool_calls";

    if (!request.path("stream").asBoolean(false)) {
      ObjectNode message = F.objectNode().put("role", "assistant");
      if (prompt.toolName() == null) {
        message.put("content", answer);
      } else {
        message.putNull("content");
        message.set("tool_calls", F.arrayNode().add(F.objectNode()
            .put("id", "call_mock" + ids.incrementAndGet())
            .put("type", "function")
            .set("function", F.objectNode().put("name", prompt.toolName()).put("arguments", answer))));
      }
      message.putNull("refusal");
      message.set("annotations", F.arrayNode());
      ObjectNode body = chatEnvelope(id, "chat.completion", created, model);
      body.set("choices", F.arrayNode().add(F.objectNode()
          .put("index", 0)
          .<ObjectNode>set("message", message)
          .putNull("logprobs")
          .put("finish_reason", finish)));
      body.set("usage", usage(promptTokens, completionTokens));
      reply.json(200, body);
      return;
    }

    boolean includeUsage = request.path("stream_options").path("include_usage").asBoolean(false);
    // first chunk: the role (and, for a tool call, the call's id and name)
    ObjectNode firstDelta = F.objectNode().put("role", "assistant");
    if (prompt.toolName() == null) {
      firstDelta.put("content", "");
    } else {
      firstDelta.putNull("content");
      firstDelta.set("tool_calls", F.arrayNode().add(F.objectNode()
          .put("index", 0)
          .put("id", "call_mock" + ids.incrementAndGet())
          .put("type", "function")
          .set("function", F.objectNode().put("name", prompt.toolName()).put("arguments", ""))));
    }
    firstDelta.putNull("refusal");
    reply.event(null, chatChunk(id, created, model, firstDelta, null, includeUsage));
    for (String piece : ChunkSplitter.split(answer, ChunkSplitter.seedFor(answer, seed))) {
      ObjectNode delta = F.objectNode();
      if (prompt.toolName() == null) {
        delta.put("content", piece);
      } else {
        delta.set("tool_calls", F.arrayNode().add(F.objectNode()
            .put("index", 0)
            .set("function", F.objectNode().put("arguments", piece))));
      }
      reply.event(null, chatChunk(id, created, model, delta, null, includeUsage));
    }
    reply.event(null, chatChunk(id, created, model, F.objectNode(), finish, includeUsage));
    if (includeUsage) {
      ObjectNode last = chatEnvelope(id, "chat.completion.chunk", created, model);
      last.set("choices", F.arrayNode());
      last.set("usage", usage(promptTokens, completionTokens));
      reply.event(null, last);
    }
    reply.done();
  }

  private ObjectNode chatChunk(String id, long created, String model, ObjectNode delta, String finish,
      boolean includeUsage) {
    ObjectNode chunk = chatEnvelope(id, "chat.completion.chunk", created, model);
    ObjectNode choice = F.objectNode().put("index", 0);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    chunk.set("choices", F.arrayNode().add(choice));
    if (includeUsage) {
      chunk.putNull("usage");
    }
    return chunk;
  }

  private static ObjectNode chatEnvelope(String id, String object, long created, String model) {
    return F.objectNode()
        .put("id", id)
        .put("object", object)
        .put("created", created)
        .put("model", model)
        .put("system_fingerprint", "fp_veil_mock")
        .put("service_tier", "default");
  }

  // ---------------------------------------------------------------- /v1/completions

  void completions(JsonNode request, Reply reply) throws IOException {
    List<String> prompts = new ArrayList<>();
    JsonNode p = request.path("prompt");
    if (p.isArray()) {
      p.forEach(e -> prompts.add(e.isTextual() ? e.asText() : e.toString()));
    } else if (!p.isMissingNode() && !p.isNull()) {
      prompts.add(p.asText());
    }
    if (prompts.isEmpty()) {
      prompts.add("");
    }
    String id = "cmpl-mock" + ids.incrementAndGet();
    long created = now();
    String model = model(request);
    int promptTokens = prompts.stream().mapToInt(StubEndpoints::tokens).sum();
    int completionTokens = promptTokens;

    if (!request.path("stream").asBoolean(false)) {
      ObjectNode body = completionEnvelope(id, created, model);
      ArrayNode choices = body.putArray("choices");
      for (int i = 0; i < prompts.size(); i++) {
        choices.add(completionChoice(i, prompts.get(i), "stop"));
      }
      body.set("usage", usage(promptTokens, completionTokens));
      reply.json(200, body);
      return;
    }
    boolean includeUsage = request.path("stream_options").path("include_usage").asBoolean(false);
    for (int i = 0; i < prompts.size(); i++) {
      String text = prompts.get(i);
      for (String piece : ChunkSplitter.split(text, ChunkSplitter.seedFor(text, seed))) {
        reply.event(null, completionChunk(id, created, model, completionChoice(i, piece, null), includeUsage));
      }
      reply.event(null, completionChunk(id, created, model, completionChoice(i, "", "stop"), includeUsage));
    }
    if (includeUsage) {
      ObjectNode last = completionEnvelope(id, created, model);
      last.putArray("choices");
      last.set("usage", usage(promptTokens, completionTokens));
      reply.event(null, last);
    }
    reply.done();
  }

  private static ObjectNode completionEnvelope(String id, long created, String model) {
    return F.objectNode()
        .put("id", id)
        .put("object", "text_completion")
        .put("created", created)
        .put("model", model)
        .put("system_fingerprint", "fp_veil_mock");
  }

  private static ObjectNode completionChunk(String id, long created, String model, ObjectNode choice,
      boolean includeUsage) {
    ObjectNode chunk = completionEnvelope(id, created, model);
    chunk.putArray("choices").add(choice);
    if (includeUsage) {
      chunk.putNull("usage");
    }
    return chunk;
  }

  private static ObjectNode completionChoice(int index, String text, String finish) {
    ObjectNode choice = F.objectNode().put("text", text).put("index", index);
    choice.putNull("logprobs");
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    return choice;
  }

  // ---------------------------------------------------------------- /v1/responses

  void responses(JsonNode request, Reply reply) throws IOException {
    MockPrompt prompt = MockPrompt.ofResponses(request);
    String id = "resp_mock" + ids.incrementAndGet();
    long created = now();
    String model = model(request);
    boolean tool = prompt.toolName() != null;
    String answer = tool ? toolArguments(prompt.text()) : prompt.text();
    String itemId = (tool ? "fc_mock" : "msg_mock") + ids.incrementAndGet();
    String callId = "call_mock" + ids.incrementAndGet();
    ObjectNode usage = F.objectNode()
        .put("input_tokens", tokens(request.path("input").toString()))
        .<ObjectNode>set("input_tokens_details", F.objectNode().put("cached_tokens", 0))
        .put("output_tokens", tokens(answer))
        .<ObjectNode>set("output_tokens_details", F.objectNode().put("reasoning_tokens", 0));
    usage.put("total_tokens", usage.path("input_tokens").asInt() + usage.path("output_tokens").asInt());

    ObjectNode part = F.objectNode().put("type", "output_text").put("text", answer);
    part.set("annotations", F.arrayNode());
    part.set("logprobs", F.arrayNode());
    ObjectNode doneItem = tool
        ? functionCallItem(itemId, callId, prompt.toolName(), answer, "completed")
        : messageItem(itemId, "completed", F.arrayNode().add(part));

    if (!request.path("stream").asBoolean(false)) {
      reply.json(200, responseObject(request, id, created, model, "completed",
          F.arrayNode().add(doneItem), usage));
      return;
    }
    int[] seq = {0};
    reply.event("response.created", typed("response.created", seq)
        .set("response", responseObject(request, id, created, model, "in_progress", F.arrayNode(), null)));
    reply.event("response.in_progress", typed("response.in_progress", seq)
        .set("response", responseObject(request, id, created, model, "in_progress", F.arrayNode(), null)));
    ObjectNode addedItem = tool
        ? functionCallItem(itemId, callId, prompt.toolName(), "", "in_progress")
        : messageItem(itemId, "in_progress", F.arrayNode());
    reply.event("response.output_item.added", typed("response.output_item.added", seq)
        .put("output_index", 0).set("item", addedItem));
    List<String> pieces = ChunkSplitter.split(answer, ChunkSplitter.seedFor(answer, seed));
    if (tool) {
      for (String piece : pieces) {
        reply.event("response.function_call_arguments.delta", typed("response.function_call_arguments.delta", seq)
            .put("item_id", itemId).put("output_index", 0).put("delta", piece));
      }
      reply.event("response.function_call_arguments.done", typed("response.function_call_arguments.done", seq)
          .put("item_id", itemId).put("output_index", 0).put("name", prompt.toolName()).put("arguments", answer));
    } else {
      ObjectNode emptyPart = F.objectNode().put("type", "output_text").put("text", "");
      emptyPart.set("annotations", F.arrayNode());
      emptyPart.set("logprobs", F.arrayNode());
      reply.event("response.content_part.added", typed("response.content_part.added", seq)
          .put("item_id", itemId).put("output_index", 0).put("content_index", 0).set("part", emptyPart));
      for (String piece : pieces) {
        reply.event("response.output_text.delta", typed("response.output_text.delta", seq)
            .put("item_id", itemId).put("output_index", 0).put("content_index", 0).put("delta", piece)
            .set("logprobs", F.arrayNode()));
      }
      reply.event("response.output_text.done", typed("response.output_text.done", seq)
          .put("item_id", itemId).put("output_index", 0).put("content_index", 0).put("text", answer)
          .set("logprobs", F.arrayNode()));
      reply.event("response.content_part.done", typed("response.content_part.done", seq)
          .put("item_id", itemId).put("output_index", 0).put("content_index", 0).set("part", part));
    }
    reply.event("response.output_item.done", typed("response.output_item.done", seq)
        .put("output_index", 0).set("item", doneItem));
    reply.event("response.completed", typed("response.completed", seq)
        .set("response", responseObject(request, id, created, model, "completed",
            F.arrayNode().add(doneItem), usage)));
  }

  private static ObjectNode typed(String type, int[] sequence) {
    return F.objectNode().put("type", type).put("sequence_number", sequence[0]++);
  }

  private static ObjectNode messageItem(String id, String status, ArrayNode content) {
    ObjectNode item = F.objectNode().put("id", id).put("type", "message").put("status", status)
        .put("role", "assistant");
    item.set("content", content);
    return item;
  }

  private static ObjectNode functionCallItem(String id, String callId, String name, String arguments,
      String status) {
    return F.objectNode().put("id", id).put("type", "function_call").put("status", status)
        .put("arguments", arguments).put("call_id", callId).put("name", name);
  }

  private static ObjectNode responseObject(JsonNode request, String id, long created, String model,
      String status, ArrayNode output, ObjectNode usage) {
    ObjectNode r = F.objectNode()
        .put("id", id)
        .put("object", "response")
        .put("created_at", created)
        .put("status", status)
        .put("background", false);
    r.putNull("error");
    r.putNull("incomplete_details");
    r.set("instructions", request.path("instructions").isTextual() ? request.get("instructions") : F.nullNode());
    r.putNull("max_output_tokens");
    r.put("model", model);
    r.set("output", output);
    r.put("parallel_tool_calls", true);
    r.putNull("previous_response_id");
    r.set("reasoning", F.objectNode().putNull("effort").putNull("summary"));
    r.put("store", request.path("store").asBoolean(true));
    r.put("temperature", 1.0);
    r.set("text", F.objectNode().set("format", F.objectNode().put("type", "text")));
    r.set("tool_choice", request.path("tool_choice").isTextual() || request.path("tool_choice").isObject()
        ? request.get("tool_choice") : F.textNode("auto"));
    r.set("tools", request.path("tools").isArray() ? request.get("tools") : F.arrayNode());
    r.put("top_p", 1.0);
    r.put("truncation", "disabled");
    r.set("usage", usage == null ? F.nullNode() : usage);
    r.putNull("user");
    r.set("metadata", F.objectNode());
    return r;
  }

  // ---------------------------------------------------------------- /v1/embeddings

  void embeddings(JsonNode request, Reply reply) throws IOException {
    JsonNode input = request.path("input");
    List<String> inputs = new ArrayList<>();
    if (input.isTextual()) {
      inputs.add(input.asText());
    } else if (input.isArray() && !input.isEmpty() && input.get(0).isNumber()) {
      inputs.add(input.toString()); // one list of token ids
    } else if (input.isArray()) {
      input.forEach(e -> inputs.add(e.isTextual() ? e.asText() : e.toString()));
    }
    if (inputs.isEmpty()) {
      reply.json(400, MockLlm.error("'input' must be a non-empty string or array", "invalid_request_error",
          "invalid_input"));
      return;
    }
    int dimensions = request.path("dimensions").asInt(DEFAULT_EMBEDDING_DIMENSIONS);
    if (dimensions < 1 || dimensions > MAX_EMBEDDING_DIMENSIONS) {
      reply.json(400, MockLlm.error("'dimensions' must be between 1 and " + MAX_EMBEDDING_DIMENSIONS,
          "invalid_request_error", "invalid_dimensions"));
      return;
    }
    boolean base64 = "base64".equals(request.path("encoding_format").asText());
    ObjectNode body = F.objectNode().put("object", "list");
    ArrayNode data = body.putArray("data");
    int promptTokens = 0;
    for (int i = 0; i < inputs.size(); i++) {
      float[] vector = embed(inputs.get(i), dimensions);
      promptTokens += tokens(inputs.get(i));
      ObjectNode e = F.objectNode().put("object", "embedding").put("index", i);
      if (base64) {
        ByteBuffer buf = ByteBuffer.allocate(4 * vector.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : vector) {
          buf.putFloat(v);
        }
        e.put("embedding", Base64.getEncoder().encodeToString(buf.array()));
      } else {
        ArrayNode values = e.putArray("embedding");
        for (float v : vector) {
          values.add(v);
        }
      }
      data.add(e);
    }
    body.put("model", model(request));
    body.set("usage", F.objectNode().put("prompt_tokens", promptTokens).put("total_tokens", promptTokens));
    reply.json(200, body);
  }

  /** A unit vector derived from the SHA-256 of the text: the same text always gives the same vector. */
  static float[] embed(String text, int dimensions) {
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    SplittableRandom random = new SplittableRandom(ByteBuffer.wrap(digest).getLong());
    float[] v = new float[dimensions];
    double norm = 0;
    for (int i = 0; i < dimensions; i++) {
      v[i] = (float) (random.nextDouble() * 2 - 1);
      norm += v[i] * v[i];
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < dimensions; i++) {
      v[i] *= scale;
    }
    return v;
  }

  // ---------------------------------------------------------------- /v1/models

  void models(Reply reply) throws IOException {
    ObjectNode body = F.objectNode().put("object", "list");
    body.putArray("data").add(modelObject(DEFAULT_MODEL));
    reply.json(200, body);
  }

  void model(String id, Reply reply) throws IOException {
    reply.json(200, modelObject(id));
  }

  private static ObjectNode modelObject(String id) {
    return F.objectNode().put("id", id).put("object", "model").put("created", 1_700_000_000L)
        .put("owned_by", "veil-mock");
  }

  // ---------------------------------------------------------------- helpers

  /** The arguments of the mock's tool call: {@code {"text": <prompt text>}}. */
  String toolArguments(String text) {
    try {
      return mapper.writeValueAsString(F.objectNode().put("text", text));
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialize tool arguments", e);
    }
  }

  private static String model(JsonNode request) {
    JsonNode m = request.path("model");
    return m.isTextual() && !m.asText().isEmpty() ? m.asText() : DEFAULT_MODEL;
  }

  /** A rough token count (one token per four characters), enough for plausible {@code usage} numbers. */
  static int tokens(String text) {
    int cp = text.codePointCount(0, text.length());
    return (cp + 3) / 4;
  }

  private static ObjectNode usage(int prompt, int completion) {
    return F.objectNode()
        .put("prompt_tokens", prompt)
        .put("completion_tokens", completion)
        .put("total_tokens", prompt + completion);
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }
}
