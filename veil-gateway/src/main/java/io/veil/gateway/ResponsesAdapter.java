package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.core.RestoreFormat;
import io.veil.core.StreamingRestorer;
import java.util.ArrayList;
import java.util.HashMap;
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
      "max_tool_calls", "top_logprobs", "include");
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
    ChatCompletionsAdapter.requireText(body, "instructions");
    if (body.path("instructions").isTextual()) {
      body.put("instructions", t.apply(body.get("instructions").asText()));
    }
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
        default -> ChatCompletionsAdapter.transformContent(item, "output", t);
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

  @Override
  public StreamTransformer streamTransformer(Restorers restorers) {
    return new ResponsesStream(restorers);
  }

  /**
   * Delta events go through streaming restorers (text per output/content index, arguments per
   * output index); before the matching {@code .done} event, what was held back leaves as one more
   * delta event; every other event is restored whole.
   */
  static final class ResponsesStream implements StreamTransformer {
    private final Restorers restorers;
    private final Map<String, StreamingRestorer> open = new HashMap<>();
    /** The last delta event per key: the shape of the extra delta that carries the held-back tail. */
    private final Map<String, ObjectNode> lastDelta = new HashMap<>();

    ResponsesStream(Restorers restorers) {
      this.restorers = restorers;
    }

    @Override
    public List<SseEvent> onEvent(SseEvent event) {
      JsonNode root = StreamTransformer.json(event);
      if (!(root instanceof ObjectNode ev)) {
        return List.of(event);
      }
      String type = ev.path("type").asText(event.event() == null ? "" : event.event());
      String key = ev.path("output_index").asInt(0) + ":" + ev.path("content_index").asInt(0);
      List<SseEvent> out = new ArrayList<>(2);
      switch (type) {
        case "response.output_text.delta", "response.refusal.delta" -> push(ev, "text" + key, RestoreFormat.TEXT);
        case "response.function_call_arguments.delta" -> push(ev, "args" + ev.path("output_index").asInt(0), RestoreFormat.JSON_STRING);
        case "response.output_text.done", "response.refusal.done" -> {
          flush(event, ev, "text" + key, type.replace(".done", ".delta"), out);
          JsonText.restoreAll(ev, restorers::restore);
        }
        case "response.function_call_arguments.done" -> {
          flush(event, ev, "args" + ev.path("output_index").asInt(0), "response.function_call_arguments.delta", out);
          JsonText.restoreAll(ev, restorers::restore);
        }
        default -> JsonText.restoreAll(ev, restorers::restore);
      }
      out.add(new SseEvent(event.event(), Json.write(ev)));
      return out;
    }

    private void push(ObjectNode ev, String key, RestoreFormat format) {
      lastDelta.put(key, ev);
      if (ev.path("delta").isTextual()) {
        ev.put("delta", open.computeIfAbsent(key, k -> restorers.streaming(format)).push(ev.get("delta").asText()));
      }
    }

    private void flush(SseEvent event, ObjectNode done, String key, String deltaType, List<SseEvent> out) {
      StreamingRestorer r = open.remove(key);
      if (r == null) {
        return;
      }
      String tail = r.finish();
      if (tail.isEmpty()) {
        return;
      }
      ObjectNode template = lastDelta.remove(key);
      ObjectNode delta = template == null ? Json.MAPPER.createObjectNode() : template.deepCopy();
      delta.put("type", deltaType);
      for (String f : List.of("sequence_number", "item_id", "output_index", "content_index")) {
        if (done.has(f)) {
          delta.set(f, done.get(f));
        }
      }
      if (delta.path("logprobs").isArray()) {
        delta.putArray("logprobs");
      }
      delta.put("delta", tail);
      out.add(new SseEvent(event.event() == null ? null : deltaType, Json.write(delta)));
    }

    @Override
    public List<SseEvent> onEnd() {
      open.clear();
      lastDelta.clear();
      return List.of();
    }
  }
}
