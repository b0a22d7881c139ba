package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.veil.core.RestoreFormat;
import io.veil.core.StreamingRestorer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/chat/completions}: string and content-part messages of every role, tool calls
 * (string values inside the JSON arguments), tool results, {@code response_format}; streamed
 * answers restored per choice and per tool call.
 */
final class ChatCompletionsAdapter implements ProtocolAdapter {
  private static final Set<String> FIELDS = Set.of("model", "messages", "frequency_penalty", "logit_bias", "logprobs",
      "top_logprobs", "max_tokens", "max_completion_tokens", "n", "presence_penalty", "response_format", "seed", "stop",
      "stream", "stream_options", "temperature", "top_p", "tools", "tool_choice", "parallel_tool_calls", "user",
      "safety_identifier", "store", "reasoning_effort", "service_tier", "verbosity", "functions", "function_call",
      "prediction", "web_search_options");
  private static final Set<String> TEXT_PARTS = Set.of("text", "input_text", "output_text", "reasoning_text",
      "summary_text");
  private static final Set<String> MESSAGE_FIELDS = Set.of("role", "content", "tool_calls", "tool_call_id", "refusal",
      "function_call");
  /**
   * A legacy {@code function} result message: its {@code name} is the function's name, which the API requires (a
   * participant's {@code name} on other roles is personal data and is dropped).
   */
  private static final Set<String> FUNCTION_MESSAGE_FIELDS = Set.of("role", "content", "name");
  private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
  /** What is forwarded of a text part, a refusal part, a tool call and its function: nothing else. */
  private static final Set<String> TEXT_PART_FIELDS = Set.of("type", "text");
  private static final Set<String> REFUSAL_PART_FIELDS = Set.of("type", "refusal");
  private static final Set<String> TOOL_CALL_FIELDS = Set.of("id", "type", "function");
  private static final Set<String> FUNCTION_FIELDS = Set.of("name", "arguments");
  /** Top-level fields transformed here or by the minimization stage; the others are {@link VerbatimFields}. */
  private static final Set<String> REVIEWED = Set.of("messages", "tools", "functions", "stop", "user",
      "safety_identifier", "prediction", "web_search_options");
  /** Predicted output: {@code {"type":"content","content": string | text parts}}. */
  private static final Set<String> PREDICTION_FIELDS = Set.of("type", "content");
  private static final Set<String> WEB_SEARCH_FIELDS = Set.of("search_context_size", "user_location");
  private static final Set<String> USER_LOCATION_FIELDS = Set.of("type", "approximate");
  private static final Map<String, String> SCHEMA_OWNERS = Map.of("response_format", "/json_schema");

  private final ProtocolVocabulary vocabulary;

  /** With the protocol words of the OpenAI API reference. */
  ChatCompletionsAdapter() {
    this(ProtocolVocabulary.STANDARD);
  }

  /** With {@code vocabulary}'s words for the fields that have a fixed set of values. */
  ChatCompletionsAdapter(ProtocolVocabulary vocabulary) {
    this.vocabulary = java.util.Objects.requireNonNull(vocabulary, "vocabulary");
  }

  @Override
  public Set<String> allowedFields() {
    return FIELDS;
  }

  @Override
  public void minimize(ObjectNode body, GatewayPolicy policy, RequestStats stats) {
    JsonNode messages = body.get("messages");
    if (!(messages instanceof ArrayNode arr)) {
      return;
    }
    for (JsonNode m : arr) {
      if (m instanceof ObjectNode msg) {
        dropUnknown(msg, messageFields(msg), stats);
      }
    }
    if (policy.maxHistoryMessages() > 0) {
      capHistory(arr, policy.maxHistoryMessages(), stats);
    }
  }

  /** The fields of {@code msg} that are forwarded: by its role. */
  private static Set<String> messageFields(ObjectNode msg) {
    return "function".equals(msg.path("role").asText(null)) ? FUNCTION_MESSAGE_FIELDS : MESSAGE_FIELDS;
  }

  static void dropUnknown(ObjectNode obj, Set<String> allowed, RequestStats stats) {
    for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
      if (!allowed.contains(it.next())) {
        it.remove();
        stats.fieldDropped();
      }
    }
  }

  /**
   * Keeps system/developer messages and the latest {@code max} others; never starts on a tool or legacy function
   * result (its call would be gone, and the provider refuses the conversation).
   */
  static void capHistory(ArrayNode messages, int max, RequestStats stats) {
    List<Integer> others = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      String role = messages.get(i).path("role").asText("");
      if (!role.equals("system") && !role.equals("developer")) {
        others.add(i);
      }
    }
    if (others.size() <= max) {
      return;
    }
    int firstKept = others.get(others.size() - max);
    while (firstKept < messages.size() && isResult(messages.get(firstKept).path("role").asText(""))) {
      firstKept++;
    }
    for (int i = messages.size() - 1; i >= 0; i--) {
      String role = messages.get(i).path("role").asText("");
      if (i < firstKept && !role.equals("system") && !role.equals("developer")) {
        messages.remove(i);
        stats.fieldDropped();
      }
    }
  }

  private static boolean isResult(String role) {
    return role.equals("tool") || role.equals("function");
  }

  @Override
  public void pseudonymize(ObjectNode body, TextTransform t) {
    VerbatimFields.check(body, REVIEWED, SCHEMA_OWNERS);
    ProtocolVocabulary.check(body, "", vocabulary.chat());
    ProtocolVocabulary.requireTokenIds(body);
    JsonNode messages = body.get("messages");
    if (messages == null) {
      throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "'messages' is required");
    }
    if (!(messages instanceof ArrayNode arr)) {
      throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "'messages' must be an array");
    }
    for (JsonNode m : arr) {
      if (!(m instanceof ObjectNode msg)) {
        throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "each message must be an object");
      }
      checkRole(msg.get("role"), ROLES);
      // fields Veil does not read are not forwarded (the minimization stage drops them too; this
      // stage must not depend on it)
      keepOnly(msg, messageFields(msg));
      requireText(msg, "tool_call_id", "refusal", "name");
      VerbatimFields.requireWords(msg, "tool_call_id", "name");
      String role = msg.path("role").asText("");
      if (isResult(role) && msg.path("content").isTextual()) {
        msg.put("content", transformToolResult(msg.get("content").asText(), t));
      } else {
        transformContent(msg, "content", t);
      }
      if (msg.get("refusal") != null && msg.get("refusal").isTextual()) {
        msg.put("refusal", t.apply(msg.get("refusal").asText()));
      }
      JsonNode calls = msg.get("tool_calls");
      if (calls != null && !calls.isNull()) {
        if (!(calls instanceof ArrayNode callList)) {
          throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "'tool_calls' must be an array");
        }
        for (JsonNode call : callList) {
          if (!(call instanceof ObjectNode c)) {
            throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "each tool call must be an object");
          }
          keepOnly(c, TOOL_CALL_FIELDS);
          requireText(c, "id");
          VerbatimFields.requireWords(c, "id");
          JsonNode type = c.get("type");
          if (type != null && !type.isNull() && !"function".equals(type.asText(null))) {
            throw GatewayException.badRequest(ErrorCodes.UNSUPPORTED_CONTENT,
                "tool calls of a type other than 'function' cannot be inspected for personal data and are not forwarded");
          }
          transformFunction(c.get("function"), t);
        }
      }
      transformFunction(msg.get("function_call"), t);
    }
    // what the tools and schemas tell the model (descriptions, enum values) is text too
    ToolDefinitions.chat(body, t);
    // stop sequences are text ("\nJane Doe:" for a transcript), pseudonymized with the conversation's tokens so
    // the model still stops where the placeholder or surrogate of that text begins
    CompletionsAdapter.transformStrings(body, "stop", t, false);
    transformPrediction(body, t);
    transformWebSearchOptions(body, t);
  }

  /**
   * Predicted output ({@code {"type":"content","content": string | text parts}}): the text the answer is expected
   * to repeat (a file being edited), so it is transformed like message text, with the conversation's tokens: the
   * model's answer repeats the tokens, which are restored. Any other shape is refused.
   */
  static void transformPrediction(ObjectNode body, TextTransform t) {
    JsonNode p = body.get("prediction");
    if (p == null || p.isNull()) {
      return;
    }
    if (!(p instanceof ObjectNode prediction) || !"content".equals(prediction.path("type").asText(null))
        || !onlyFields(prediction, PREDICTION_FIELDS) || !prediction.has("content")) {
      throw unsupportedShape("prediction", "{\"type\":\"content\",\"content\": a string or text parts}");
    }
    transformContent(prediction, "content", t);
  }

  /**
   * {@code web_search_options}: {@code search_context_size} is a protocol word; {@code user_location}'s
   * {@code approximate} city, region, country and timezone describe where the user is and are transformed like
   * message text, with the conversation's tokens. Any other shape is refused.
   */
  static void transformWebSearchOptions(ObjectNode body, TextTransform t) {
    JsonNode w = body.get("web_search_options");
    if (w == null || w.isNull()) {
      return;
    }
    String shape = "{\"search_context_size\": a word, \"user_location\": {\"type\":\"approximate\","
        + "\"approximate\": {city, region, country, timezone: strings}}}";
    if (!(w instanceof ObjectNode options) || !onlyFields(options, WEB_SEARCH_FIELDS)
        || !(options.path("search_context_size").isMissingNode() || options.path("search_context_size").isTextual())) {
      throw unsupportedShape("web_search_options", shape);
    }
    VerbatimFields.requireWords(options, "search_context_size");
    JsonNode l = options.get("user_location");
    if (l == null || l.isNull()) {
      return;
    }
    if (!(l instanceof ObjectNode location) || !onlyFields(location, USER_LOCATION_FIELDS)
        || !"approximate".equals(location.path("type").asText(null))
        || !(location.get("approximate") instanceof ObjectNode approximate)
        || !onlyFields(approximate, BuiltInTools.APPROXIMATE_FIELDS) || !BuiltInTools.transformApproximate(approximate, t)) {
      throw unsupportedShape("web_search_options", shape);
    }
  }

  /** Whether every field of {@code obj} is one of {@code known}. */
  static boolean onlyFields(ObjectNode obj, Set<String> known) {
    for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
      if (!known.contains(it.next())) {
        return false;
      }
    }
    return true;
  }

  /** 400 {@code veil_unsupported_content} for a field whose shape Veil does not read (names the field, not the value). */
  static GatewayException unsupportedShape(String field, String expected) {
    return GatewayException.badRequest(ErrorCodes.UNSUPPORTED_CONTENT, "'" + field + "' must be " + expected
        + "; other shapes cannot be inspected for personal data and are not forwarded");
  }

  /** Transforms a string content or the text of every text part; refuses parts Veil cannot read. */
  static void transformContent(ObjectNode owner, String field, TextTransform t) {
    JsonNode content = owner.get(field);
    if (content == null || content.isNull()) {
      return;
    }
    if (content.isTextual()) {
      owner.put(field, t.apply(content.asText()));
      return;
    }
    if (!(content instanceof ArrayNode parts)) {
      throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "'" + field + "' must be a string or an array of parts");
    }
    // the text parts of one content are read as one text: a value split across them is found
    List<ObjectNode> textParts = new ArrayList<>();
    for (JsonNode p : parts) {
      String type = p.path("type").asText("");
      if (p instanceof ObjectNode part && p.get("text") != null && p.get("text").isTextual()
          && TEXT_PARTS.contains(type)) {
        keepOnly(part, TEXT_PART_FIELDS);
        textParts.add(part);
      } else if (p instanceof ObjectNode part && type.equals("refusal") && p.path("refusal").isTextual()) {
        keepOnly(part, REFUSAL_PART_FIELDS);
        part.put("refusal", t.apply(p.get("refusal").asText()));
      } else {
        throw GatewayException.badRequest(ErrorCodes.UNSUPPORTED_CONTENT, "content parts of type '" + safeType(type)
            + "' cannot be inspected for personal data and are not forwarded; send text parts only");
      }
    }
    if (textParts.size() == 1) {
      textParts.getFirst().put("text", t.apply(textParts.getFirst().get("text").asText()));
    } else if (textParts.size() > 1) {
      List<String> texts = textParts.stream().map(p -> p.get("text").asText()).toList();
      List<String> out = t.applyJoined(texts);
      for (int i = 0; i < textParts.size(); i++) {
        textParts.get(i).put("text", out.get(i));
      }
    }
  }

  static String safeType(String type) {
    return type.matches("[a-z_]{1,32}") ? type : "?";
  }

  /**
   * A tool's result: when it is a JSON object or array (the usual case), its string values are read
   * decoded, as tool-call arguments are: serializers such as Python's {@code json.dumps} escape every
   * non-ASCII letter, and detection over the escaped text misses or cuts names and e-mails. Anything
   * else is transformed as text.
   */
  static String transformToolResult(String result, TextTransform t) {
    String s = result.strip();
    boolean document = (s.startsWith("{") && s.endsWith("}")) || (s.startsWith("[") && s.endsWith("]"));
    return document ? JsonText.transformJsonDocument(result, t) : t.apply(result);
  }

  static void transformArguments(JsonNode function, TextTransform t) {
    if (function instanceof ObjectNode fn && fn.get("arguments") != null && fn.get("arguments").isTextual()) {
      fn.put("arguments", JsonText.transformJsonDocument(fn.get("arguments").asText(), t));
    }
  }

  /** A function call: only its name (verbatim) and arguments (transformed) are forwarded. */
  private static void transformFunction(JsonNode function, TextTransform t) {
    if (function == null || function.isNull()) {
      return;
    }
    if (!(function instanceof ObjectNode fn)) {
      throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "a function call must be an object");
    }
    keepOnly(fn, FUNCTION_FIELDS);
    requireText(fn, "name", "arguments");
    VerbatimFields.requireWords(fn, "name");
    transformArguments(fn, t);
  }

  /** Removes every field of {@code obj} not in {@code allowed}. */
  static void keepOnly(ObjectNode obj, Set<String> allowed) {
    obj.retain(allowed);
  }

  /**
   * Refuses a non-string value in fields forwarded verbatim (ids, names, types): an object or array
   * there would carry text past the transform.
   */
  static void requireText(ObjectNode obj, String... fields) {
    for (String f : fields) {
      JsonNode v = obj.get(f);
      if (v != null && !v.isNull() && !v.isTextual()) {
        throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "'" + f + "' must be a string");
      }
    }
  }

  /**
   * Refuses a role Veil does not know: the value would be forwarded as it is, so it must be one of
   * the protocol's words (the message does not echo it).
   */
  static void checkRole(JsonNode role, Set<String> roles) {
    if (role != null && !role.isNull() && !(role.isTextual() && roles.contains(role.asText()))) {
      throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "unknown message role; expected one of "
          + String.join(", ", new java.util.TreeSet<>(roles)));
    }
  }

  @Override
  public String firstUserText(ObjectNode body) {
    for (JsonNode m : body.path("messages")) {
      if (m.path("role").asText("").equals("user")) {
        return textOf(m.get("content"));
      }
    }
    return null;
  }

  static String textOf(JsonNode content) {
    if (content == null) {
      return null;
    }
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode p : content) {
      if (p.path("text").isTextual()) {
        sb.append(p.get("text").asText()).append('\n');
      }
    }
    return sb.isEmpty() ? null : sb.toString();
  }

  /** JSON mode and structured outputs: the answer's {@code content} is a JSON document. */
  @Override
  public RestoreFormat answerTextFormat(ObjectNode request) {
    return jsonDocumentFormat(request.path("response_format"));
  }

  /** {@code {"type":"json_object"|"json_schema", …}}: JSON string content; anything else: text. */
  static RestoreFormat jsonDocumentFormat(JsonNode format) {
    String type = format.path("type").asText("");
    return type.equals("json_object") || type.equals("json_schema") ? RestoreFormat.JSON_STRING : RestoreFormat.TEXT;
  }

  /** A message's {@code content} (the answer text; a message is the object that has a {@code role}). */
  private static boolean messageContent(ObjectNode owner, String field) {
    return field.equals("content") && owner.has("role");
  }

  @Override
  public void restoreAnswer(JsonNode answer, Restorers restorers, RestoreFormat answerText) {
    restoreMessage(answer, restorers, answerText);
  }

  /**
   * Restores a whole answer or message: the message content as JSON string content in JSON mode, else by
   * {@link JsonAwareTextRestorer} (JSON the model wrote in a text answer stays JSON); every other string as text.
   */
  private static void restoreMessage(JsonNode node, Restorers restorers, RestoreFormat answerText) {
    if (answerText == RestoreFormat.JSON_STRING) {
      JsonText.restoreAll(node, restorers::restore, ChatCompletionsAdapter::messageContent);
    } else {
      JsonText.restoreAll(node, restorers::restore, ChatCompletionsAdapter::messageContent,
          s -> JsonAwareTextRestorer.restore(s, restorers));
    }
  }

  @Override
  public StreamTransformer streamTransformer(Restorers restorers, RestoreFormat answerText) {
    return new ChatStream(restorers, answerText);
  }

  /**
   * Restores chunks: the text fields of each choice's delta (content, refusal, and the reasoning text
   * some OpenAI-compatible providers stream as {@code reasoning_content} / {@code reasoning}) per
   * choice, arguments per choice and tool-call index.
   */
  static final class ChatStream implements StreamTransformer {
    /** Delta fields that carry streamed text. */
    private static final List<String> TEXT_FIELDS = List.of("content", "refusal", "reasoning_content", "reasoning");

    private final Restorers restorers;
    private final RestoreFormat contentFormat;
    /** Keys: {@code <choice>/<field>} for text, {@code <choice>:<call index>} for tool-call arguments. */
    private final Map<String, StreamingRestorer> open = new LinkedHashMap<>();
    private ObjectNode template;

    ChatStream(Restorers restorers, RestoreFormat contentFormat) {
      this.restorers = restorers;
      this.contentFormat = contentFormat;
    }

    private StreamingRestorer restorer(String key, RestoreFormat format) {
      return StreamTransformer.openText(open, key, k -> restorers.streaming(format));
    }

    /** The content's restorer: JSON string content in JSON mode, else text that may hold JSON. */
    private StreamingRestorer contentRestorer(String key) {
      return StreamTransformer.openText(open, key, k -> contentFormat == RestoreFormat.JSON_STRING
          ? restorers.streaming(RestoreFormat.JSON_STRING) : new JsonAwareTextRestorer(restorers));
    }

    @Override
    public List<SseEvent> onEvent(SseEvent event) {
      if (event.isDone()) {
        return endWith(event);
      }
      JsonNode root = StreamTransformer.json(event);
      if (!(root instanceof ObjectNode chunk)) {
        return List.of(event);
      }
      if (!(chunk.get("choices") instanceof ArrayNode choices)) {
        // e.g. an error object inside the stream: restore whole
        JsonText.restoreAll(chunk, restorers::restore);
        return List.of(new SseEvent(event.event(), Json.write(chunk)));
      }
      template = chunk;
      for (JsonNode c : choices) {
        if (!(c instanceof ObjectNode choice)) {
          continue;
        }
        int index = choice.path("index").asInt(0);
        JsonNode d = choice.get("delta");
        ObjectNode delta = d instanceof ObjectNode od ? od : null;
        if (delta != null) {
          for (String field : TEXT_FIELDS) {
            if (delta.path(field).isTextual()) {
              StreamingRestorer r = field.equals("content") ? contentRestorer(index + "/" + field)
                  : restorer(index + "/" + field, RestoreFormat.TEXT);
              delta.put(field, r.push(delta.get(field).asText()));
            }
          }
          if (delta.get("tool_calls") instanceof ArrayNode calls) {
            for (JsonNode call : calls) {
              if (call.path("function") instanceof ObjectNode fn && fn.path("arguments").isTextual()) {
                String key = index + ":" + call.path("index").asInt(0);
                fn.put("arguments", restorer(key, RestoreFormat.JSON_STRING).push(fn.get("arguments").asText()));
              }
            }
          }
        }
        if (choice.hasNonNull("finish_reason")) {
          if (delta == null) {
            delta = choice.putObject("delta");
          }
          flushChoice(index, delta);
        }
        if (choice.get("message") instanceof ObjectNode message) {
          restoreMessage(message, restorers, contentFormat);
        }
      }
      return List.of(new SseEvent(event.event(), Json.write(chunk)));
    }

    /** Appends what is held back for this choice to its last delta. */
    private void flushChoice(int index, ObjectNode delta) {
      String textPrefix = index + "/";
      String callPrefix = index + ":";
      for (Iterator<Map.Entry<String, StreamingRestorer>> it = open.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, StreamingRestorer> e = it.next();
        String key = e.getKey();
        if (key.startsWith(textPrefix)) {
          String tail = e.getValue().finish();
          it.remove();
          if (!tail.isEmpty()) {
            String field = key.substring(textPrefix.length());
            delta.put(field, delta.path(field).asText("") + tail);
          }
        } else if (key.startsWith(callPrefix)) {
          String tail = e.getValue().finish();
          it.remove();
          if (!tail.isEmpty()) {
            appendArguments(delta, Integer.parseInt(key.substring(callPrefix.length())), tail);
          }
        }
      }
    }

    private static void appendArguments(ObjectNode delta, int callIndex, String tail) {
      ArrayNode calls = delta.get("tool_calls") instanceof ArrayNode a ? a : delta.putArray("tool_calls");
      for (JsonNode call : calls) {
        if (call.path("index").asInt(-1) == callIndex && call.path("function") instanceof ObjectNode fn) {
          fn.set("arguments", TextNode.valueOf(fn.path("arguments").asText("") + tail));
          return;
        }
      }
      ObjectNode call = calls.addObject();
      call.put("index", callIndex);
      call.putObject("function").put("arguments", tail);
    }

    @Override
    public List<SseEvent> onEnd() {
      if (open.isEmpty() || template == null) {
        open.clear();
        return List.of();
      }
      ObjectNode chunk = template.deepCopy();
      ArrayNode choices = chunk.putArray("choices");
      Map<Integer, ObjectNode> deltas = new LinkedHashMap<>();
      for (String key : List.copyOf(open.keySet())) {
        int end = 1; // past a sign
        while (key.charAt(end) != '/' && key.charAt(end) != ':') {
          end++;
        }
        int index = Integer.parseInt(key.substring(0, end));
        ObjectNode delta = deltas.computeIfAbsent(index, i -> {
          ObjectNode choice = choices.addObject();
          choice.put("index", i);
          choice.putNull("finish_reason");
          return choice.putObject("delta");
        });
        flushChoice(index, delta);
      }
      chunk.remove("usage");
      return List.of(new SseEvent(null, Json.write(chunk)));
    }
  }
}
