package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The request fields Veil forwards as they are, without detection: {@code model}, the sampling numbers,
 * {@code tool_choice}, {@code stream_options}, {@code logit_bias}, {@code reasoning}, {@code include}, the
 * names in {@code response_format} and {@code text.format}, and the like. They are protocol code that the app and
 * the provider both read, so they may hold only numbers, booleans, null and <em>protocol words</em> (at most 256
 * characters of {@code [A-Za-z0-9_.:/@+=-]}, never shaped like an e-mail address), also as object keys, inside
 * objects and arrays. Anything else (a sentence, a name with a space, an address, an e-mail) is refused with 400
 * {@code veil_unsupported_content}, so no text rides past the transform in a field Veil does not read.
 *
 * <p>The shape check cannot tell a one-word value (a surname, a city) from a protocol word: fields whose values are
 * an enumerated vocabulary are also checked against it ({@link ProtocolVocabulary}); identifiers (a model, a name, an
 * id) have none and are shape-checked only.
 *
 * <p>Identifiers inside messages, items and tool definitions ({@code id}, {@code call_id}, {@code tool_call_id},
 * function and tool {@code name}s) follow the same rule ({@link #requireWords}).
 *
 * <p>Checked before the transform. Not checked: the fields the adapter transforms (or the minimization stage
 * hashes), given per call, and sub-trees the adapter transforms itself ({@code json_schema.schema},
 * {@code format.schema} and their descriptions: {@link ToolDefinitions}).
 *
 * <p>Stateless; thread-safe. <b>Security:</b> the refusal names the top-level field (one of the endpoint's
 * allow-listed names), never the value.
 */
final class VerbatimFields {
  private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_.:/@+=-]{0,256}");
  /** An e-mail address inside a word: '@' then a dotted domain ending in letters ({@code x@20240620} is not one). */
  static final Pattern EMAIL_SHAPE = Pattern.compile("@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");

  private VerbatimFields() {}

  /**
   * Refuses a request whose verbatim fields hold text.
   *
   * @param reviewed top-level fields the adapter transforms or that are handled elsewhere (not checked)
   * @param schemaOwners top-level field → the path of an object in it whose {@code schema} and
   *     {@code description} the adapter transforms (those two are not checked; the rest of the field is)
   * @throws GatewayException 400 {@code veil_unsupported_content}
   */
  static void check(ObjectNode body, Set<String> reviewed, Map<String, String> schemaOwners) {
    for (Map.Entry<String, JsonNode> e : body.properties()) {
      String field = e.getKey();
      if (reviewed.contains(field)) {
        continue;
      }
      JsonNode exempt = schemaOwners.containsKey(field) ? e.getValue().at(schemaOwners.get(field)) : null;
      if (!words(e.getValue(), exempt instanceof ObjectNode o ? o : null)) {
        throw notWords(field);
      }
    }
  }

  /**
   * Refuses an object inside the request (a built-in tool, a filter) whose keys are not protocol words or whose
   * fields other than {@code transformed} hold anything but numbers, booleans, null and protocol words.
   *
   * @param label how the refusal names the object ({@code tools[mcp]}): a fixed name or checked words, never a value
   * @param transformed fields the caller reads and transforms itself (not checked here)
   * @throws GatewayException 400 {@code veil_unsupported_content} naming {@code label} and the field, never the value
   */
  static void requireWordsExcept(ObjectNode obj, String label, Set<String> transformed) {
    for (Map.Entry<String, JsonNode> e : obj.properties()) {
      if (!word(e.getKey())) {
        throw notWords(label);
      }
      if (!transformed.contains(e.getKey()) && !words(e.getValue(), null)) {
        throw notWords(label + "." + e.getKey());
      }
    }
  }

  private static GatewayException notWords(String field) {
    return GatewayException.badRequest(ErrorCodes.UNSUPPORTED_CONTENT, "'" + field + "' is forwarded as it is and"
        + " may hold only numbers, booleans and protocol words (no spaces, no e-mail addresses); it cannot be"
        + " inspected for personal data and was not forwarded");
  }

  /** Whether {@code node} holds only numbers, booleans, null and words; {@code exempt}'s schema and description skipped. */
  private static boolean words(JsonNode node, ObjectNode exempt) {
    if (node.isTextual()) {
      return word(node.asText());
    }
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (!word(e.getKey())) {
          return false;
        }
        boolean skipped = node == exempt && (e.getKey().equals("schema") || e.getKey().equals("description"));
        if (!skipped && !words(e.getValue(), exempt)) {
          return false;
        }
      }
      return true;
    }
    if (node.isArray()) {
      for (JsonNode n : node) {
        if (!words(n, exempt)) {
          return false;
        }
      }
      return true;
    }
    return node.isNumber() || node.isBoolean() || node.isNull();
  }

  /**
   * Refuses an identifier inside the request (a tool call's {@code id}, a {@code tool_call_id} or {@code call_id},
   * a function's {@code name}) that is not a protocol word: they are forwarded as they are too.
   *
   * @throws GatewayException 400 {@code veil_unsupported_content}, naming the field, never the value
   */
  static void requireWords(ObjectNode obj, String... fields) {
    for (String f : fields) {
      JsonNode v = obj.get(f);
      if (v != null && v.isTextual() && !word(v.asText())) {
        throw GatewayException.badRequest(ErrorCodes.UNSUPPORTED_CONTENT, "'" + f + "' is an identifier forwarded as"
            + " it is and may hold only protocol words (no spaces, no e-mail addresses); it cannot be inspected for"
            + " personal data and was not forwarded");
      }
    }
  }

  static boolean word(String s) {
    return WORD.matcher(s).matches() && !EMAIL_SHAPE.matcher(s).find();
  }
}
