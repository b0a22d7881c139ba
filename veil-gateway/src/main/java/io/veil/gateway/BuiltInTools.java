package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Responses API's built-in tools in {@code tools[]} (every type but {@code function} and {@code custom}, which
 * {@link ToolDefinitions} reads): the provider runs them, so most of what they hold is settings and ids, but some
 * of it is text about a person or a place. Per type (shapes of the openai-python {@code ToolParam} types):
 *
 * <ul>
 *   <li>{@code web_search}, {@code web_search_preview} (and their dated names): {@code user_location}'s city,
 *       region, country and timezone describe where the user is and are transformed like message text, with the
 *       conversation's tokens (as chat's {@code web_search_options.user_location} is); {@code filters},
 *       {@code search_context_size}: protocol words (domains are words).
 *   <li>{@code file_search}: the string {@code value}s of its {@code filters} (comparison filters, nested in
 *       compound ones) can be a name or an e-mail and are transformed; keys, operators, {@code vector_store_ids},
 *       {@code ranking_options}, {@code max_num_results}: protocol words and numbers. A transformed value matches
 *       only attributes stored with the same token: filtering on personal data needs the token in the store.
 *   <li>{@code mcp}: {@code server_description} is text for the model and is transformed; {@code headers} and
 *       {@code authorization} are the client's credentials for its MCP server (see Security);
 *       {@code server_url}, {@code server_label}, {@code connector_id}, {@code allowed_tools},
 *       {@code require_approval} and the rest: protocol words (a URL with a query string or %-escapes is refused:
 *       credentials go in {@code headers}).
 *   <li>{@code code_interpreter}, {@code image_generation}, {@code computer_use_preview}, {@code computer},
 *       {@code local_shell}, {@code shell}, {@code apply_patch}, {@code programmatic_tool_calling}: settings
 *       and ids only, every field a protocol word, number or boolean (an inline base64 mask image is refused).
 * </ul>
 *
 * <p>Any other type (one Veil does not know yet, {@code namespace}, {@code tool_search}) is refused with 400
 * {@code veil_unsupported_content} naming the type, and so is a field outside these rules: an unknown field
 * with text, a non-string where text is read.
 *
 * <p>Stateless; thread-safe. <b>Security:</b> {@code mcp.headers} values and {@code mcp.authorization} are
 * forwarded as they are, without detection: they are credentials the provider must present to the client's
 * MCP server, and sending them is the client's explicit intent (a transformed token would not authenticate). To
 * keep that door from carrying personal data they must look like a credential: an optional scheme
 * ({@code Bearer}, {@code Basic}, {@code Token}, {@code Bot}, {@code ApiKey}, {@code DPoP}, {@code PrivateToken})
 * and one token of {@code [A-Za-z0-9_.:/@+=~-]}, at most 8192 characters in all, not shaped like an e-mail
 * address (so {@code "Bearer abc.def"} passes, {@code "jane@example.com"}, {@code "Jane Doe"} or a sentence does
 * not); header names must be protocol words. As in every verbatim field, a value of one word (a bare first name)
 * is not inspected: a credential cannot be told from it. Every refusal names the field, never the value, and
 * nothing here is logged: a credential is never echoed in an error, a log line or a metric.
 */
final class BuiltInTools {
  private BuiltInTools() {}

  private static final Set<String> WEB_SEARCH = Set.of("web_search", "web_search_2025_08_26", "web_search_preview",
      "web_search_preview_2025_03_11");
  /** Types that hold settings and ids only. */
  private static final Set<String> SETTINGS_ONLY = Set.of("code_interpreter", "image_generation",
      "computer_use_preview", "computer", "local_shell", "shell", "apply_patch", "programmatic_tool_calling");
  /** Every built-in type read here (a Responses {@code tool_choice} may name one of them). */
  static final Set<String> TYPES;

  static {
    java.util.Set<String> all = new java.util.HashSet<>(WEB_SEARCH);
    all.addAll(SETTINGS_ONLY);
    all.add("file_search");
    all.add("mcp");
    TYPES = Set.copyOf(all);
  }

  /** Per type, the fields read here; every other field must be protocol words ({@link VerbatimFields}). */
  private static final Map<String, Set<String>> READ = Map.of("file_search", Set.of("filters"),
      "mcp", Set.of("server_description", "headers", "authorization"));
  private static final Set<String> WEB_SEARCH_READ = Set.of("user_location");
  /** A web search's {@code user_location}: {@code {"type":"approximate", city, region, country, timezone}}. */
  private static final Set<String> LOCATION_FIELDS = Set.of("type", "city", "region", "country", "timezone");
  /** An approximate location's strings: free text (city, region) and codes (country, timezone), all transformed. */
  static final Set<String> APPROXIMATE_FIELDS = Set.of("city", "region", "country", "timezone");
  private static final Set<String> COMPARISON_FIELDS = Set.of("type", "key", "value");
  private static final Set<String> COMPOUND_FIELDS = Set.of("type", "filters");
  /** An HTTP authentication scheme from the IANA registry's token-carrying ones, then one token. */
  private static final Pattern CREDENTIAL = Pattern.compile(
      "(?:(?i:Bearer|Basic|Token|Bot|ApiKey|DPoP|PrivateToken) )?[A-Za-z0-9_.:/@+=~-]+");
  private static final int MAX_CREDENTIAL = 8192;

  /**
   * Transforms one Responses built-in tool in place, or refuses it.
   *
   * @throws GatewayException 400 {@code veil_unsupported_content} naming the type or the field, never a value
   */
  static void responses(ObjectNode tool, String type, TextTransform t, ProtocolVocabulary vocabulary) {
    String label = "tools[" + ChatCompletionsAdapter.safeType(type) + "]";
    ProtocolVocabulary.check(tool, label, vocabulary.builtInTool(type));
    if (WEB_SEARCH.contains(type)) {
      VerbatimFields.requireWordsExcept(tool, label, WEB_SEARCH_READ);
      userLocation(tool.get("user_location"), label + ".user_location", t);
    } else if (type.equals("file_search")) {
      VerbatimFields.requireWordsExcept(tool, label, READ.get(type));
      filter(tool.get("filters"), label + ".filters", t);
    } else if (type.equals("mcp")) {
      VerbatimFields.requireWordsExcept(tool, label, READ.get(type));
      mcp(tool, label, t);
    } else if (SETTINGS_ONLY.contains(type)) {
      VerbatimFields.requireWordsExcept(tool, label, Set.of());
    } else {
      throw GatewayException.badRequest(ErrorCodes.UNSUPPORTED_CONTENT, "tools of type '"
          + ChatCompletionsAdapter.safeType(type) + "' cannot be inspected for personal data and are not forwarded");
    }
  }

  private static void userLocation(JsonNode l, String label, TextTransform t) {
    if (l == null || l.isNull()) {
      return;
    }
    if (!(l instanceof ObjectNode location) || !ChatCompletionsAdapter.onlyFields(location, LOCATION_FIELDS)
        || !"approximate".equals(location.path("type").asText(null)) || !transformApproximate(location, t)) {
      throw ChatCompletionsAdapter.unsupportedShape(label,
          "{\"type\":\"approximate\", city, region, country, timezone: strings}");
    }
  }

  /**
   * Transforms the city, region, country and timezone strings of an approximate location in place, with the
   * conversation's tokens; false (nothing refused yet) when one of them is neither a string nor null.
   */
  static boolean transformApproximate(ObjectNode location, TextTransform t) {
    for (String f : APPROXIMATE_FIELDS) {
      JsonNode v = location.get(f);
      if (v == null || v.isNull()) {
        continue;
      }
      if (!v.isTextual()) {
        return false;
      }
      location.put(f, t.apply(v.asText()));
    }
    return true;
  }

  /** A comparison filter's string values are transformed; a compound filter's filters, recursively. */
  private static void filter(JsonNode f, String label, TextTransform t) {
    if (f == null || f.isNull()) {
      return;
    }
    String shape = "{\"type\", \"key\": words, \"value\": a string, number, boolean or a list of them}"
        + " or {\"type\": a word, \"filters\": [filters]}";
    if (!(f instanceof ObjectNode filter)) {
      throw ChatCompletionsAdapter.unsupportedShape(label, shape);
    }
    if (filter.get("filters") instanceof ArrayNode filters && ChatCompletionsAdapter.onlyFields(filter, COMPOUND_FIELDS)) {
      VerbatimFields.requireWordsExcept(filter, label, Set.of("filters"));
      ProtocolVocabulary.require(filter.path("type"), label, "/type", ProtocolVocabulary.COMPOUND);
      for (JsonNode sub : filters) {
        filter(sub, label, t);
      }
      return;
    }
    if (!ChatCompletionsAdapter.onlyFields(filter, COMPARISON_FIELDS) || !scalars(filter.get("value"))) {
      throw ChatCompletionsAdapter.unsupportedShape(label, shape);
    }
    VerbatimFields.requireWordsExcept(filter, label, Set.of("value"));
    ProtocolVocabulary.require(filter.path("type"), label, "/type", ProtocolVocabulary.COMPARISON);
    JsonNode value = filter.get("value");
    if (value != null && value.isTextual()) {
      filter.put("value", t.apply(value.asText()));
    } else if (value != null) {
      JsonText.transformStrings(value, t);
    }
  }

  /** A filter value: null, a string, number or boolean, or an array of those. */
  private static boolean scalars(JsonNode v) {
    if (v instanceof ArrayNode values) {
      for (JsonNode e : values) {
        if (!e.isValueNode()) {
          return false;
        }
      }
      return true;
    }
    return v == null || v.isValueNode();
  }

  private static void mcp(ObjectNode tool, String label, TextTransform t) {
    JsonNode description = tool.get("server_description");
    if (description != null && !description.isNull()) {
      if (!description.isTextual()) {
        throw ChatCompletionsAdapter.unsupportedShape(label + ".server_description", "a string");
      }
      tool.put("server_description", t.apply(description.asText()));
    }
    JsonNode authorization = tool.get("authorization");
    if (authorization != null && !authorization.isNull() && !credential(authorization)) {
      throw notCredential(label + ".authorization");
    }
    JsonNode h = tool.get("headers");
    if (h == null || h.isNull()) {
      return;
    }
    if (!(h instanceof ObjectNode headers)) {
      throw notCredential(label + ".headers");
    }
    for (Map.Entry<String, JsonNode> e : headers.properties()) {
      if (!VerbatimFields.word(e.getKey()) || !credential(e.getValue())) {
        throw notCredential(label + ".headers");
      }
    }
  }

  private static boolean credential(JsonNode v) {
    return v.isTextual() && v.asText().length() <= MAX_CREDENTIAL && CREDENTIAL.matcher(v.asText()).matches()
        && !VerbatimFields.EMAIL_SHAPE.matcher(v.asText()).find();
  }

  /** Names the field only: the value may be a credential. */
  private static GatewayException notCredential(String field) {
    return ChatCompletionsAdapter.unsupportedShape(field, "a credential forwarded as it is (header names: words;"
        + " values: an optional scheme word and one token, no spaces inside, no e-mail addresses)");
  }
}
