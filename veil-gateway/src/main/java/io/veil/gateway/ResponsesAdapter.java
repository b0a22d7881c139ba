package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.core.RestoreFormat;
import io.veil.core.StreamingRestorer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/responses}: string or item input (messages with text parts, function calls and
 * their outputs), {@code instructions}; streamed {@code response.*} events restored per output
 * item and content part.
 */
final class ResponsesAdapter implements ProtocolAdapter {
  private static final Set<String> FIELDS = Set.of("model", "input", "instructions", "max_output_tokens",
      "temperature", "top_p", "tools", "tool_choice", "parallel_tool_calls", "stream", "stream_options", "store",
      "text", "reasoning", "truncation", "user", "safety_identifier", "previous_response_id", "service_tier",
      "max_tool_calls", "top_logprobs", "include", "prompt");
  private static final Set<String> ITEM_TYPES = Set.of("message", "function_call", "function_call_output", "reasoning",
      "item_reference");
  private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");
  /** What is forwarded of each item type: nothing else (ids verbatim, text transformed). */
  private static final java.util.Map<String, Set<String>> ITEM_FIELDS = java.util.Map.of(
      "message", Set.of("type", "role", "content", "id"),
      "function_call", Set.of("type", "id", "call_id", "name", "arguments"),
      "function_call_output", Set.of("type", "id", "call_id", "output"),
      "reasoning", Set.of("type", "id", "summary", "content", "encrypted_content"),
      "item_reference", Set.of("type", "id"));
  private static final Set<String> SUMMARY_FIELDS = Set.of("type", "text");
  /** Top-level fields transformed here or by the minimization stage; the others are {@link VerbatimFields}. */
  private static final Set<String> REVIEWED = Set.of("input", "instructions", "tools", "user", "safety_identifier",
      "prompt");
  /** A reusable prompt: {@code {"id", "version", "variables": {name: string | input_text part}}}. */
  private static final Set<String> PROMPT_FIELDS = Set.of("id", "version", "variables");
  private static final Set<String> INPUT_TEXT_FIELDS = Set.of("type", "text");
  private static final Map<String, String> SCHEMA_OWNERS = Map.of("text", "/format");

  private final ProtocolVocabulary vocabulary;

  /** With the protocol words of the OpenAI API reference. */
  ResponsesAdapter() {
    this(ProtocolVocabulary.STANDARD);
  }

  /** With {@code vocabulary}'s words for the fields that have a fixed set of values. */
  ResponsesAdapter(ProtocolVocabulary vocabulary) {
    this.vocabulary = java.util.Objects.requireNonNull(vocabulary, "vocabulary");
  }

  @Override
  public Set<String> allowedFields() {
    return FIELDS;
  }

  @Override
  public void minimize(ObjectNode body, GatewayPolicy policy, RequestStats stats) {
    if (policy.maxHistoryMessages() > 0 && body.get("input") instanceof ArrayNode items
        && items.size() > policy.maxHistoryMessages()) {
      int drop = items.size() - policy.maxHistoryMessages();
      while (drop < items.size() && items.get(drop).path("type").asText("").equals("function_call_output")) {
        drop++;
      }
      for (int i = 0; i < drop; i++) {
        items.remove(0);
        stats.fieldDropped();
      }
    }
  }

  @Override
  public void pseudonymize(ObjectNode body, TextTransform t) {
    // text.format's schema and description are transformed only for a json_schema format (ToolDefinitions)
    boolean schemaFormat = body.path("text").path("format").path("type").asText("").equals("json_schema");
    VerbatimFields.check(body, REVIEWED, schemaFormat ? SCHEMA_OWNERS : Map.of());
    ProtocolVocabulary.check(body, "", vocabulary.responses());
    // what the tools and schemas tell the model (descriptions, enum values) is text too
    ToolDefinitions.responses(body, t, vocabulary);
    ChatCompletionsAdapter.requireText(body, "instructions");
    if (body.path("instructions").isTextual()) {
      body.put("instructions", t.apply(body.get("instructions").asText()));
    }
    transformPrompt(body, t);
    JsonNode input = body.get("input");
    if (input == null || input.isNull()) {
      return;
    }
    if (input.isTextual()) {
      body.put("input", t.apply(input.asText()));
      return;
    }
    if (!(input instanceof ArrayNode items)) {
      throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "'input' must be a string or an array of items");
    }
    for (JsonNode i : items) {
      if (!(i instanceof ObjectNode item)) {
        throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "each input item must be an object");
      }
      String type = item.path("type").asText("message");
      if (!ITEM_TYPES.contains(type)) {
        throw GatewayException.badRequest(ErrorCodes.UNSUPPORTED_CONTENT, "input items of type '"
            + ChatCompletionsAdapter.safeType(type) + "' cannot be inspected for personal data and are not forwarded");
      }
      ChatCompletionsAdapter.keepOnly(item, ITEM_FIELDS.get(type));
      ChatCompletionsAdapter.requireText(item, "type", "id", "call_id", "name", "arguments", "encrypted_content");
      VerbatimFields.requireWords(item, "id", "call_id", "name");
      checkOpaque(item.get("encrypted_content"));
      switch (type) {
        case "message" -> {
          ChatCompletionsAdapter.checkRole(item.get("role"), ROLES);
          ChatCompletionsAdapter.transformContent(item, "content", t);
        }
        case "function_call" -> {
          if (item.path("arguments").isTextual()) {
            item.put("arguments", JsonText.transformJsonDocument(item.get("arguments").asText(), t));
          }
        }
        case "reasoning" -> {
          // summaries were restored on their way to the client: they go back pseudonymized
          JsonNode summary = item.get("summary");
          if (summary != null && !(summary instanceof ArrayNode)) {
            throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "a reasoning 'summary' must be an array");
          }
          for (JsonNode part : item.path("summary")) {
            if (!(part instanceof ObjectNode p) || !p.path("text").isTextual()) {
              throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST,
                  "each reasoning summary part must be an object with a string 'text'");
            }
            ChatCompletionsAdapter.keepOnly(p, SUMMARY_FIELDS);
            ChatCompletionsAdapter.requireText(p, "type");
            p.put("text", t.apply(p.get("text").asText()));
          }
          if (item.has("content")) {
            ChatCompletionsAdapter.transformContent(item, "content", t);
          }
        }
        case "item_reference" -> { } // an id only
        default -> {
          if (item.path("output").isTextual()) {
            item.put("output", ChatCompletionsAdapter.transformToolResult(item.get("output").asText(), t));
          } else {
            ChatCompletionsAdapter.transformContent(item, "output", t);
          }
        }
      }
    }
  }

  /**
   * A reusable prompt ({@code prompt}): its {@code id} and {@code version} are protocol words; each variable's
   * value, a string or an {@code input_text} part, is the text the template is filled with and is transformed
   * like input text, with the conversation's tokens; variable names are protocol words. Image and file variables,
   * which Veil cannot read, and any other shape are refused.
   */
  static void transformPrompt(ObjectNode body, TextTransform t) {
    JsonNode p = body.get("prompt");
    if (p == null || p.isNull()) {
      return;
    }
    String shape = "{\"id\", \"version\": words, \"variables\": {name: a string or an input_text part}}";
    if (!(p instanceof ObjectNode prompt) || !ChatCompletionsAdapter.onlyFields(prompt, PROMPT_FIELDS)
        || !prompt.path("id").isTextual()) {
      throw ChatCompletionsAdapter.unsupportedShape("prompt", shape);
    }
    ChatCompletionsAdapter.requireText(prompt, "version");
    VerbatimFields.requireWords(prompt, "id", "version");
    JsonNode v = prompt.get("variables");
    if (v == null || v.isNull()) {
      return;
    }
    if (!(v instanceof ObjectNode variables)) {
      throw ChatCompletionsAdapter.unsupportedShape("prompt", shape);
    }
    for (Map.Entry<String, JsonNode> e : variables.properties()) {
      if (!VerbatimFields.word(e.getKey())) {
        throw ChatCompletionsAdapter.unsupportedShape("prompt", shape);
      }
      JsonNode value = e.getValue();
      if (value.isTextual()) {
        variables.put(e.getKey(), t.apply(value.asText())); // replaces a value: not a structural change
      } else if (value instanceof ObjectNode part && "input_text".equals(part.path("type").asText(null))
          && part.path("text").isTextual()) {
        ChatCompletionsAdapter.keepOnly(part, INPUT_TEXT_FIELDS);
        part.put("text", t.apply(part.get("text").asText()));
      } else {
        throw ChatCompletionsAdapter.unsupportedShape("prompt", shape);
      }
    }
  }

  /**
   * {@code encrypted_content} is the provider's own ciphertext, forwarded as it is (Veil cannot read
   * it); anything but base64 / base64url characters there is not ciphertext and is refused, so
   * readable text (an e-mail, a sentence) cannot ride along in it.
   */
  static void checkOpaque(JsonNode v) {
    if (v == null || v.isNull()) {
      return;
    }
    String s = v.asText();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean base64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '+' || c == '/' || c == '=' || c == '-' || c == '_';
      if (!base64) {
        throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST,
            "'encrypted_content' must be the provider's base64 ciphertext");
      }
    }
  }

  @Override
  public String firstUserText(ObjectNode body) {
    JsonNode input = body.get("input");
    if (input != null && input.isTextual()) {
      return input.asText();
    }
    if (input instanceof ArrayNode items) {
      for (JsonNode i : items) {
        if (i.path("role").asText("").equals("user")) {
          return ChatCompletionsAdapter.textOf(i.get("content"));
        }
      }
    }
    return null;
  }

  /** JSON mode and structured outputs ({@code text.format}): the output text is a JSON document. */
  @Override
  public RestoreFormat answerTextFormat(ObjectNode request) {
    return ChatCompletionsAdapter.jsonDocumentFormat(request.path("text").path("format"));
  }

  /**
   * The output text: {@code text} of an {@code output_text} part (in {@code response.output},
   * {@code content_part.*} and {@code output_item.*} events) and of the {@code output_text.done} event.
   */
  private static boolean outputText(ObjectNode owner, String field) {
    if (!field.equals("text")) {
      return false;
    }
    String type = owner.path("type").asText("");
    return type.equals("output_text") || type.equals("response.output_text.done");
  }

  private static void restoreWhole(JsonNode node, Restorers restorers, RestoreFormat answerText) {
    if (answerText == RestoreFormat.JSON_STRING) {
      JsonText.restoreAll(node, restorers::restore, ResponsesAdapter::outputText);
    } else {
      // JSON the model wrote in a text answer stays JSON (JsonAwareTextRestorer)
      JsonText.restoreAll(node, restorers::restore, ResponsesAdapter::outputText,
          s -> JsonAwareTextRestorer.restore(s, restorers));
    }
  }

  @Override
  public void restoreAnswer(JsonNode answer, Restorers restorers, RestoreFormat answerText) {
    restoreWhole(answer, restorers, answerText);
  }

  @Override
  public StreamTransformer streamTransformer(Restorers restorers, RestoreFormat answerText) {
    return new ResponsesStream(restorers, answerText);
  }

  /**
   * Delta events go through streaming restorers (output text and refusal per output/content index,
   * reasoning text per output/content index, reasoning summaries per output/summary index, arguments
   * per output index); before the matching {@code .done} event, what was held back leaves as one
   * more delta event; every other event is restored whole. If the stream ends without the
   * {@code .done}, the held-back text leaves as a last delta event.
   */
  static final class ResponsesStream implements StreamTransformer {
    private final Restorers restorers;
    private final RestoreFormat answerText;
    private final Map<String, StreamingRestorer> open = new LinkedHashMap<>();
    /** The last delta event per key: the shape of the extra delta that carries the held-back tail. */
    private final Map<String, ObjectNode> lastDelta = new HashMap<>();
    /** The SSE event name of the last delta per key ({@code null}: the provider sent none). */
    private final Map<String, String> lastEventName = new HashMap<>();

    ResponsesStream(Restorers restorers, RestoreFormat answerText) {
      this.restorers = restorers;
      this.answerText = answerText;
    }

    @Override
    public List<SseEvent> onEvent(SseEvent event) {
      JsonNode root = StreamTransformer.json(event);
      if (!(root instanceof ObjectNode ev)) {
        return List.of(event);
      }
      String type = ev.path("type").asText(event.event() == null ? "" : event.event());
      int output = ev.path("output_index").asInt(0);
      String part = output + ":" + ev.path("content_index").asInt(0);
      // the restorer a streamed text belongs to: its delta events and its .done event share it
      String key = switch (type) {
        case "response.output_text.delta", "response.output_text.done",
             "response.refusal.delta", "response.refusal.done" -> "text" + part;
        case "response.reasoning_text.delta", "response.reasoning_text.done" -> "reasoning" + part;
        case "response.reasoning_summary_text.delta", "response.reasoning_summary_text.done" ->
            "summary" + output + ":" + ev.path("summary_index").asInt(0);
        case "response.function_call_arguments.delta", "response.function_call_arguments.done" -> "args" + output;
        default -> null;
      };
      List<SseEvent> out = new ArrayList<>(2);
      if (key != null && type.endsWith(".delta") && ev.path("delta").isTextual()) {
        RestoreFormat format = type.equals("response.output_text.delta") ? answerText
            : type.equals("response.function_call_arguments.delta") ? RestoreFormat.JSON_STRING : RestoreFormat.TEXT;
        push(event, ev, key, format, type.equals("response.output_text.delta"));
      } else {
        if (key != null && type.endsWith(".done")) {
          flush(event, ev, key, out);
        }
        if (!type.equals("error")) {
          // an error event ({"type":"error","message",…}) keeps its placeholders, as every provider error does
          restoreWhole(ev, restorers, answerText);
        }
      }
      out.add(new SseEvent(event.event(), Json.write(ev)));
      return out;
    }

    private void push(SseEvent event, ObjectNode ev, String key, RestoreFormat format, boolean outputText) {
      StreamingRestorer restorer = StreamTransformer.openText(open, key, k -> outputText && format == RestoreFormat.TEXT
          ? new JsonAwareTextRestorer(restorers) : restorers.streaming(format));
      lastDelta.put(key, template(ev));
      lastEventName.put(key, event.event());
      ev.put("delta", restorer.push(ev.get("delta").asText()));
    }

    /**
     * What {@link #tail} needs of a delta event: its scalar fields but the text (type, ids, indices) and an empty
     * {@code logprobs} where it had them. Not the event itself: the provider's arrays and objects in it would stay
     * in memory for every open text until the stream ends.
     */
    private static ObjectNode template(ObjectNode ev) {
      ObjectNode t = Json.MAPPER.createObjectNode();
      for (Map.Entry<String, JsonNode> e : ev.properties()) {
        if (e.getValue().isValueNode() && !e.getKey().equals("delta")) {
          t.set(e.getKey(), e.getValue());
        } else if (e.getKey().equals("logprobs") && e.getValue().isArray()) {
          t.putArray("logprobs");
        }
      }
      return t;
    }

    /** Before a {@code .done} event: what is held back for its key, as one more delta event. */
    private void flush(SseEvent event, ObjectNode done, String key, List<SseEvent> out) {
      String deltaType = done.path("type").asText(event.event() == null ? "" : event.event()).replace(".done", ".delta");
      ObjectNode delta = tail(key, done);
      if (delta != null) {
        delta.put("type", deltaType);
        out.add(new SseEvent(event.event() == null ? null : deltaType, Json.write(delta)));
      }
    }

    /**
     * The held-back text of {@code key} as a delta event shaped like the provider's last one (its ids
     * and indices from {@code ids} where given), or null when nothing is held back.
     */
    private ObjectNode tail(String key, ObjectNode ids) {
      StreamingRestorer r = open.remove(key);
      ObjectNode template = lastDelta.remove(key);
      lastEventName.remove(key);
      if (r == null) {
        return null;
      }
      String tail = r.finish();
      if (tail.isEmpty()) {
        return null;
      }
      ObjectNode delta = template == null ? Json.MAPPER.createObjectNode() : template; // a copy, removed from the map
      if (ids != null) {
        for (String f : List.of("sequence_number", "item_id", "output_index", "content_index", "summary_index")) {
          if (ids.has(f)) {
            delta.set(f, ids.get(f));
          }
        }
      }
      if (delta.path("logprobs").isArray()) {
        delta.putArray("logprobs");
      }
      delta.put("delta", tail);
      return delta;
    }

    @Override
    public List<SseEvent> onEnd() {
      List<SseEvent> out = new ArrayList<>();
      for (String key : List.copyOf(open.keySet())) {
        String name = lastEventName.get(key);
        ObjectNode delta = tail(key, null);
        if (delta != null) {
          out.add(new SseEvent(name, Json.write(delta)));
        }
      }
      open.clear();
      lastDelta.clear();
      lastEventName.clear();
      return out;
    }
  }
}
