package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The verbatim request fields whose values come from a closed protocol vocabulary (the OpenAI API reference's enums,
 * as the official SDKs type them): {@code reasoning_effort}, {@code service_tier}, {@code verbosity},
 * {@code response_format.type}, {@code tool_choice}, Responses' {@code include}, {@code truncation},
 * {@code reasoning.summary}, embeddings' {@code encoding_format}, the settings of built-in tools, and the like.
 * {@link VerbatimFields} only checks a value's shape, and a one-word value (a surname, a city) has the shape of a
 * protocol word; here such a field may hold only one of its listed words, and {@code logit_bias} keys only token ids
 * (digits). Anything else is refused with 400 {@code veil_unsupported_content} naming the field and the allowed
 * words, never the value. Identifiers (a model, a function name, an id) have no vocabulary and stay shape-checked.
 *
 * <p>A value the provider adds after this list was written is refused until it is added here or by the operator:
 * {@code protocol.extraWords} ({@link #withExtraWords}) adds words to a listed field without a release. Failing
 * closed on a setting costs a 400; failing open would forward whatever word a client put there.
 *
 * <p>Immutable; thread-safe. <b>Security:</b> every added word must have the shape of a protocol word (lowercase
 * letters, digits, {@code . _ -}; no spaces, no capitals), so configuration cannot turn a vocabulary field into a
 * free-text channel; a field with no vocabulary cannot be given one (its key is refused).
 */
final class ProtocolVocabulary {
  /** Pointers per endpoint, and per Responses built-in tool type (pointers into the tool object). */
  private final Map<String, Set<String>> chat;
  private final Map<String, Set<String>> responses;
  private final Map<String, Set<String>> embeddings;
  private final Map<String, Map<String, Set<String>>> builtInTools;

  private ProtocolVocabulary(Map<String, Set<String>> chat, Map<String, Set<String>> responses,
      Map<String, Set<String>> embeddings, Map<String, Map<String, Set<String>>> builtInTools) {
    this.chat = chat;
    this.responses = responses;
    this.embeddings = embeddings;
    this.builtInTools = builtInTools;
  }

  private static final Set<String> EFFORT = Set.of("none", "minimal", "low", "medium", "high", "xhigh");
  private static final Set<String> SERVICE_TIER = Set.of("auto", "default", "flex", "scale", "priority");
  private static final Set<String> LOW_MEDIUM_HIGH = Set.of("low", "medium", "high");
  private static final Set<String> FORMAT_TYPE = Set.of("text", "json_object", "json_schema");
  private static final Set<String> TOOL_CHOICE = Set.of("none", "auto", "required");
  private static final Set<String> ALLOWED_TOOLS_MODE = Set.of("auto", "required");

  /** Chat completions (JSON pointers into the body). */
  static final Map<String, Set<String>> CHAT = Map.of(
      "/reasoning_effort", EFFORT,
      "/service_tier", SERVICE_TIER,
      "/verbosity", LOW_MEDIUM_HIGH,
      "/response_format/type", FORMAT_TYPE,
      "/tool_choice", TOOL_CHOICE,
      "/tool_choice/type", Set.of("function", "custom", "allowed_tools"),
      "/tool_choice/allowed_tools/mode", ALLOWED_TOOLS_MODE,
      "/function_call", Set.of("none", "auto"),
      "/web_search_options/search_context_size", LOW_MEDIUM_HIGH);

  /** Responses. */
  static final Map<String, Set<String>> RESPONSES = Map.ofEntries(
      Map.entry("/reasoning/effort", EFFORT),
      Map.entry("/reasoning/summary", Set.of("auto", "concise", "detailed")),
      Map.entry("/reasoning/generate_summary", Set.of("auto", "concise", "detailed")),
      Map.entry("/service_tier", SERVICE_TIER),
      Map.entry("/truncation", Set.of("auto", "disabled")),
      Map.entry("/text/format/type", FORMAT_TYPE),
      Map.entry("/text/verbosity", LOW_MEDIUM_HIGH),
      Map.entry("/include", Set.of("file_search_call.results", "web_search_call.results",
          "web_search_call.action.sources", "message.input_image.image_url", "computer_call_output.output.image_url",
          "code_interpreter_call.outputs", "reasoning.encrypted_content", "message.output_text.logprobs")),
      Map.entry("/tool_choice", TOOL_CHOICE),
      Map.entry("/tool_choice/type", union(Set.of("function", "custom", "mcp", "allowed_tools"),
          BuiltInTools.TYPES)),
      Map.entry("/tool_choice/mode", ALLOWED_TOOLS_MODE));

  /** Embeddings. */
  static final Map<String, Set<String>> EMBEDDINGS = Map.of("/encoding_format", Set.of("float", "base64"));

  private static final Map<String, Set<String>> WEB_SEARCH_TOOL = Map.of(
      "/search_context_size", LOW_MEDIUM_HIGH, "/user_location/type", Set.of("approximate"));

  /** Per Responses built-in tool type: pointers into the tool object. Types without settings words have none. */
  static final Map<String, Map<String, Set<String>>> BUILT_IN_TOOLS = Map.of(
      "web_search", WEB_SEARCH_TOOL,
      "web_search_2025_08_26", WEB_SEARCH_TOOL,
      "web_search_preview", WEB_SEARCH_TOOL,
      "web_search_preview_2025_03_11", WEB_SEARCH_TOOL,
      "file_search", Map.of("/ranking_options/ranker", Set.of("auto", "default-2024-11-15")),
      "mcp", Map.of("/require_approval", Set.of("always", "never"),
          "/connector_id", Set.of("connector_dropbox", "connector_gmail", "connector_googlecalendar",
              "connector_googledrive", "connector_microsoftteams", "connector_outlookcalendar",
              "connector_outlookemail", "connector_sharepoint")),
      "code_interpreter", Map.of("/container/type", Set.of("auto"),
          "/container/memory_limit", Set.of("1g", "4g", "16g", "64g")),
      "image_generation", Map.of(
          "/background", Set.of("transparent", "opaque", "auto"),
          "/input_fidelity", Set.of("high", "low"),
          "/moderation", Set.of("auto", "low"),
          "/output_format", Set.of("png", "webp", "jpeg"),
          "/quality", Set.of("low", "medium", "high", "auto"),
          "/size", Set.of("1024x1024", "1024x1536", "1536x1024", "auto"),
          "/action", Set.of("generate", "edit", "auto")),
      "computer_use_preview", Map.of("/environment", Set.of("windows", "mac", "linux", "ubuntu", "browser")));

  /** The words the OpenAI API reference lists, nothing added. */
  static final ProtocolVocabulary STANDARD = new ProtocolVocabulary(CHAT, RESPONSES, EMBEDDINGS, BUILT_IN_TOOLS);

  /** What an added word must look like: a protocol word, never free text. */
  private static final Pattern WORD = Pattern.compile("[a-z0-9]+(?:[._-][a-z0-9]+)*");
  private static final int MAX_WORD = 64;

  Map<String, Set<String>> chat() {
    return chat;
  }

  Map<String, Set<String>> responses() {
    return responses;
  }

  Map<String, Set<String>> embeddings() {
    return embeddings;
  }

  /** The settings words of a Responses built-in tool type (none for a type without settings words). */
  Map<String, Set<String>> builtInTool(String type) {
    return builtInTools.getOrDefault(type, Map.of());
  }

  /**
   * This vocabulary with words added per field. A key names a listed field as {@code endpoint.field.path}
   * ({@code chat.reasoning_effort}, {@code responses.include}, {@code responses.text.format.type},
   * {@code embeddings.encoding_format}) or a built-in tool's setting as {@code responses.tools.TYPE.field.path}
   * ({@code responses.tools.mcp.require_approval}): the field a refusal names, with its endpoint in front.
   *
   * @throws IllegalArgumentException naming the key, for a key that names no listed field or a word that is not
   *     1-64 characters of lowercase letters and digits joined by {@code .}, {@code _} or {@code -} (the message
   *     never repeats the word)
   */
  ProtocolVocabulary withExtraWords(Map<String, ? extends Collection<String>> extra) {
    if (extra.isEmpty()) {
      return this;
    }
    Map<String, Set<String>> c = new HashMap<>(chat);
    Map<String, Set<String>> r = new HashMap<>(responses);
    Map<String, Set<String>> e = new HashMap<>(embeddings);
    Map<String, Map<String, Set<String>>> tools = new HashMap<>();
    builtInTools.forEach((type, fields) -> tools.put(type, new HashMap<>(fields)));
    for (Map.Entry<String, ? extends Collection<String>> entry : extra.entrySet()) {
      String key = entry.getKey();
      for (String word : entry.getValue()) {
        if (word == null || word.length() > MAX_WORD || !WORD.matcher(word).matches()) {
          throw new IllegalArgumentException("protocol.extraWords." + key + ": each value must be a protocol word"
              + " (1-" + MAX_WORD + " lowercase letters and digits joined by '.', '_' or '-'), not free text");
        }
      }
      int dot = key.indexOf('.');
      String endpoint = dot < 0 ? key : key.substring(0, dot);
      String path = dot < 0 ? "" : key.substring(dot + 1);
      Map<String, Set<String>> fields = switch (endpoint) {
        case "chat" -> c;
        case "responses" -> r;
        case "embeddings" -> e;
        default -> null;
      };
      if (endpoint.equals("responses") && path.startsWith("tools.")) {
        String rest = path.substring("tools.".length());
        int cut = rest.indexOf('.');
        fields = cut < 0 ? null : tools.get(rest.substring(0, cut));
        path = cut < 0 ? "" : rest.substring(cut + 1);
      }
      String pointer = "/" + path.replace('.', '/');
      if (fields == null || !fields.containsKey(pointer)) {
        throw new IllegalArgumentException("protocol.extraWords." + key + " names no field with a protocol vocabulary"
            + " (use endpoint.field as a refusal names it: chat.reasoning_effort, responses.include,"
            + " responses.tools.mcp.require_approval, embeddings.encoding_format)");
      }
      fields.put(pointer, union(fields.get(pointer), Set.copyOf(entry.getValue())));
    }
    Map<String, Map<String, Set<String>>> t = new HashMap<>();
    tools.forEach((type, fields) -> t.put(type, Map.copyOf(fields)));
    return new ProtocolVocabulary(Map.copyOf(c), Map.copyOf(r), Map.copyOf(e), Map.copyOf(t));
  }

  /** A {@code file_search} comparison filter's operator and a compound filter's. */
  static final Set<String> COMPARISON = Set.of("eq", "ne", "gt", "gte", "lt", "lte", "in", "nin");
  static final Set<String> COMPOUND = Set.of("and", "or");

  private static final Pattern TOKEN_ID = Pattern.compile("[0-9]{1,10}");

  /**
   * Refuses a request whose vocabulary fields hold a string (or, in an array, an element) outside their words.
   * Absent and null fields pass; a value that is not a string (the object form of {@code tool_choice}) is left to
   * the pointers into it and to {@link VerbatimFields}.
   *
   * @param label prefix for the refusal ({@code ""} for the body, {@code tools[mcp]} for a tool)
   * @throws GatewayException 400 {@code veil_unsupported_content} naming the field and its words, never the value
   */
  static void check(JsonNode root, String label, Map<String, Set<String>> vocabulary) {
    for (Map.Entry<String, Set<String>> rule : vocabulary.entrySet()) {
      JsonNode v = root.at(rule.getKey());
      if (v.isArray()) {
        for (JsonNode e : v) {
          require(e, label, rule.getKey(), rule.getValue());
        }
      } else {
        require(v, label, rule.getKey(), rule.getValue());
      }
    }
  }

  /** One value of a vocabulary ({@code field} names it in the refusal). */
  static void require(JsonNode v, String label, String pointer, Set<String> words) {
    if (v.isTextual() && !words.contains(v.asText())) {
      String path = pointer.substring(1).replace('/', '.');
      throw notInVocabulary(label.isEmpty() ? path : label + "." + path, words);
    }
  }

  /**
   * Refuses {@code logit_bias} keys that are not token ids: the key is forwarded as it is, and a word there is
   * not a token.
   *
   * @throws GatewayException 400 {@code veil_unsupported_content}
   */
  static void requireTokenIds(JsonNode body) {
    JsonNode bias = body.get("logit_bias");
    if (bias != null && bias.isObject()) {
      for (Map.Entry<String, JsonNode> e : bias.properties()) {
        if (!TOKEN_ID.matcher(e.getKey()).matches()) {
          throw ChatCompletionsAdapter.unsupportedShape("logit_bias", "an object whose keys are token ids (digits)");
        }
      }
    }
  }

  private static GatewayException notInVocabulary(String field, Set<String> words) {
    return GatewayException.badRequest(ErrorCodes.UNSUPPORTED_CONTENT, "'" + field + "' must be one of "
        + String.join(", ", new TreeSet<>(words)) + "; it is forwarded as it is, and other values were not forwarded");
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}
