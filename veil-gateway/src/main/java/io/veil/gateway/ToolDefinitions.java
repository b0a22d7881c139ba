package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The text a request's tool definitions and JSON schemas carry for the model: what a tool is for
 * ({@code description}), what its parameters mean, and the values a schema names ({@code enum},
 * {@code const}, {@code default}, {@code examples}). Apps put personal data there (an {@code enum} of
 * employee names, a description naming a customer), so it is pseudonymized with the conversation's
 * tokens like any message: the model sees {@code "enum": ["<PERSON_1>", "<PERSON_2>"]}, chooses
 * {@code <PERSON_1>} exactly (strict mode makes it), and the tool call's arguments are restored on the
 * way back as any arguments are.
 *
 * <p>A {@code pattern} (and a {@code patternProperties} name) is a regular expression: it is forwarded as it is
 * when the transform finds nothing in it, and refused (400 {@code veil_unsupported_content}) when it would change,
 * never altered: a token in a regular expression would change what it matches.
 *
 * <p>What stays as it is, because it is code the app and the provider both read: tool and function
 * names, schema keywords, {@code type}, {@code format}, {@code $ref}, {@code required},
 * property names (the keys of {@code properties}, {@code $defs}, …) and every non-string value. A schema
 * keyword Veil does not know is kept as it is, except vendor extensions ({@code x-…}), whose strings are
 * pseudonymized.
 *
 * <p>An {@code enum} whose values become equal after the transform (anonymization writes one
 * {@code <PERSON>} for every name) keeps the first of them: a schema with repeated enum values is
 * refused by strict providers, and the model's choice between them could not be told apart anyway.
 *
 * <p>Covered: chat {@code tools[].function} and {@code tools[].custom}, the legacy {@code functions[]},
 * chat {@code response_format.json_schema}; Responses {@code tools[]} of type {@code function} and
 * {@code custom}, {@code text.format} of type {@code json_schema}; a custom tool's grammar {@code definition}.
 * Responses built-in tools of other types: {@link BuiltInTools}. A chat tool of another type is refused (400
 * {@code veil_unsupported_content} naming the type), and so is any other field of a tool or function that is not
 * protocol words ({@link VerbatimFields#requireWordsExcept}), a {@code tools} that is not an array of objects and
 * {@code parameters} that are not a schema.
 *
 * <p>Stateless; thread-safe. <b>Security:</b> a {@code description} that is not a string is refused
 * (400), since it would carry text past the transform; so is a tool or function name that is not a protocol word.
 */
final class ToolDefinitions {
  private ToolDefinitions() {}

  private static final Set<String> FUNCTION_READ = Set.of("description", "parameters");
  private static final Set<String> CUSTOM_READ = Set.of("description", "format");
  private static final Set<String> GRAMMAR_READ = Set.of("definition", "grammar");
  /** Keywords whose value is text for the model. */
  private static final Set<String> TEXT = Set.of("description", "title", "$comment");
  /** Keywords whose value is an instance (any JSON): its strings, not its keys. */
  private static final Set<String> VALUE = Set.of("const", "default");
  /** Keywords whose value is an array of instances. */
  private static final Set<String> VALUES = Set.of("enum", "examples");
  /** Keywords whose value maps names (code) to subschemas. */
  private static final Set<String> SCHEMA_MAP = Set.of("properties", "patternProperties", "$defs", "definitions",
      "dependentSchemas");
  /** Keywords whose value is a subschema, or an array of subschemas. */
  private static final Set<String> SUBSCHEMA = Set.of("items", "additionalProperties", "not", "if", "then", "else",
      "contains", "propertyNames", "unevaluatedProperties", "unevaluatedItems", "additionalItems", "anyOf", "oneOf",
      "allOf", "prefixItems");

  /** Chat completions: {@code tools}, {@code functions} and {@code response_format}. */
  static void chat(ObjectNode body, TextTransform t) {
    for (ObjectNode tool : objects(body, "tools")) {
      // the SDKs always send "type"; an entry without one is read by what it holds, as before
      String type = tool.path("type").asText(tool.has("custom") ? "custom" : "function");
      String label = "tools[" + ChatCompletionsAdapter.safeType(type) + "]";
      if (!type.equals("function") && !type.equals("custom")) {
        throw GatewayException.badRequest(ErrorCodes.UNSUPPORTED_CONTENT, "chat tools of type '"
            + ChatCompletionsAdapter.safeType(type) + "' cannot be inspected for personal data and are not forwarded");
      }
      VerbatimFields.requireWordsExcept(tool, label, Set.of(type));
      if (!(tool.get(type) instanceof ObjectNode definition)) {
        throw ChatCompletionsAdapter.unsupportedShape(label, "{\"type\": \"" + type + "\", \"" + type + "\": {…}}");
      }
      if (type.equals("function")) {
        function(definition, label, t);
      } else {
        custom(definition, label, t);
      }
    }
    for (ObjectNode fn : objects(body, "functions")) {
      function(fn, "functions", t);
    }
    if (body.path("response_format").get("json_schema") instanceof ObjectNode js) {
      text(js, "description", t);
      schema(js.get("schema"), t);
    }
  }

  /** Responses: {@code tools} (built-in types: {@link BuiltInTools}) and {@code text.format}. */
  static void responses(ObjectNode body, TextTransform t, ProtocolVocabulary vocabulary) {
    for (ObjectNode tool : objects(body, "tools")) {
      String type = tool.path("type").asText("");
      if (type.equals("function")) {
        function(tool, "tools[function]", t);
      } else if (type.equals("custom")) {
        custom(tool, "tools[custom]", t);
      } else {
        BuiltInTools.responses(tool, type, t, vocabulary);
      }
    }
    if (body.path("text").get("format") instanceof ObjectNode format
        && format.path("type").asText("").equals("json_schema")) {
      text(format, "description", t);
      schema(format.get("schema"), t);
    }
  }

  /** The entries of an array field, each an object; a field that is not an array, or an entry not an object, is refused. */
  private static List<ObjectNode> objects(ObjectNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    List<ObjectNode> entries = new ArrayList<>();
    for (JsonNode e : v) {
      if (e instanceof ObjectNode o) {
        entries.add(o);
      }
    }
    if (!v.isArray() || entries.size() != v.size()) {
      throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "'" + field + "' must be an array of objects");
    }
    return entries;
  }

  /** A function definition: its description and its parameters' schema; the name, {@code strict} and the rest are code. */
  private static void function(ObjectNode fn, String label, TextTransform t) {
    VerbatimFields.requireWordsExcept(fn, label, FUNCTION_READ);
    text(fn, "description", t);
    JsonNode parameters = fn.get("parameters");
    if (parameters != null && !parameters.isNull() && !parameters.isObject() && !parameters.isBoolean()) {
      throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "a function's 'parameters' must be a JSON schema");
    }
    schema(parameters, t);
  }

  /**
   * A custom tool: its description, and the {@code definition} of a Lark grammar {@code format}, whose quoted
   * literals constrain what the model writes as an {@code enum} does, are text; the rest is code. A grammar of any
   * other {@code syntax} ({@code regex}, or none named) is a regular expression: refused if it holds what the
   * transform would replace, as a schema {@code pattern} is ({@link #requireUnchanged}).
   */
  private static void custom(ObjectNode custom, String label, TextTransform t) {
    VerbatimFields.requireWordsExcept(custom, label, CUSTOM_READ);
    text(custom, "description", t);
    JsonNode format = custom.get("format");
    if (format == null || format.isNull()) {
      return;
    }
    if (!(format instanceof ObjectNode f)) {
      throw ChatCompletionsAdapter.unsupportedShape(label + ".format", "an object");
    }
    // Responses: {"type":"grammar","definition","syntax"}; chat: {"type":"grammar","grammar":{"definition","syntax"}}
    VerbatimFields.requireWordsExcept(f, label + ".format", GRAMMAR_READ);
    grammar(f, t);
    JsonNode grammar = f.get("grammar");
    if (grammar != null && !grammar.isNull()) {
      if (!(grammar instanceof ObjectNode g)) {
        throw ChatCompletionsAdapter.unsupportedShape(label + ".format.grammar", "an object");
      }
      VerbatimFields.requireWordsExcept(g, label + ".format.grammar", GRAMMAR_READ);
      grammar(g, t);
    }
  }

  /**
   * A grammar's {@code definition}: transformed in a Lark grammar, kept unchanged or refused in a regex. A Lark
   * grammar's regular-expression terminals ({@code /…/}) follow the rule of a regex: refused if they hold what the
   * transform would replace (before, they were transformed as text, and a value written with escapes passed).
   */
  private static void grammar(ObjectNode owner, TextTransform t) {
    JsonNode definition = owner.get("definition");
    if (definition != null && definition.isTextual() && !"lark".equals(owner.path("syntax").asText(null))) {
      requireUnchanged(definition.asText(), "a regex grammar's 'definition'",
          "use a Lark grammar, whose quoted literals are pseudonymized and restored", t);
      return;
    }
    if (definition != null && definition.isTextual()) {
      for (String regex : larkRegexTerminals(definition.asText())) {
        requireUnchanged(regex, "a regular expression in a Lark grammar's 'definition'",
            "write such values as quoted literals, which are pseudonymized and restored", t);
      }
    }
    text(owner, "definition", t);
  }

  /**
   * The bodies of a Lark grammar's regular expressions ({@code /…/}, a {@code \/} inside), skipping quoted
   * literals ({@code "…"}) and {@code //} comments. An unterminated one runs to the end of its line.
   */
  static List<String> larkRegexTerminals(String grammar) {
    List<String> out = new ArrayList<>();
    int n = grammar.length();
    int i = 0;
    while (i < n) {
      char c = grammar.charAt(i);
      if (c == '"') {
        i = closing(grammar, i + 1, '"') + 1;
      } else if (c == '/' && i + 1 < n && grammar.charAt(i + 1) == '/') {
        int eol = grammar.indexOf('\n', i);
        i = eol < 0 ? n : eol + 1;
      } else if (c == '/') {
        int end = closing(grammar, i + 1, '/');
        out.add(grammar.substring(i + 1, end));
        i = end + 1;
      } else {
        i++;
      }
    }
    return out;
  }

  /** The index of the first {@code quote} from {@code from} not escaped by a backslash, or of the line's end. */
  private static int closing(String s, int from, char quote) {
    int i = from;
    while (i < s.length() && s.charAt(i) != quote && s.charAt(i) != '\n') {
      i += s.charAt(i) == '\\' && i + 1 < s.length() && s.charAt(i + 1) != '\n' ? 2 : 1;
    }
    return Math.min(i, s.length());
  }

  private static void text(ObjectNode owner, String field, TextTransform t) {
    JsonNode v = owner.get(field);
    if (v == null || v.isNull()) {
      return;
    }
    if (!v.isTextual()) {
      throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "a tool or schema '" + field + "' must be a string");
    }
    owner.put(field, t.apply(v.asText()));
  }

  /** Transforms the text of a JSON schema in place (booleans and other non-objects are schemas too). */
  static void schema(JsonNode node, TextTransform t) {
    if (node instanceof ArrayNode arr) {
      // the array forms of items / anyOf / oneOf / allOf / prefixItems
      for (JsonNode s : arr) {
        schema(s, t);
      }
      return;
    }
    if (!(node instanceof ObjectNode schema)) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode v = e.getValue();
      if (TEXT.contains(key)) {
        if (v.isTextual()) {
          e.setValue(TextNode.valueOf(t.apply(v.asText())));
        } else if (!v.isNull()) {
          throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "a schema '" + key + "' must be a string");
        }
      } else if (VALUE.contains(key) || key.startsWith("x-")) {
        if (v.isTextual()) {
          e.setValue(TextNode.valueOf(t.apply(v.asText())));
        } else {
          JsonText.transformStrings(v, t);
        }
      } else if (VALUES.contains(key) && v instanceof ArrayNode values) {
        instances(values, t, key.equals("enum"));
      } else if (key.equals("pattern") && v.isTextual()) {
        requireUnchanged(v.asText(), "a schema 'pattern'", ENUM_INSTEAD, t);
      } else if (SCHEMA_MAP.contains(key) && v instanceof ObjectNode map) {
        for (Map.Entry<String, JsonNode> sub : map.properties()) {
          if (key.equals("patternProperties")) {
            requireUnchanged(sub.getKey(), "a schema 'patternProperties' name", ENUM_INSTEAD, t);
          }
          schema(sub.getValue(), t);
        }
      } else if (SUBSCHEMA.contains(key)) {
        schema(v, t);
      }
    }
  }

  private static final String ENUM_INSTEAD = "name such values in an 'enum', which is pseudonymized and restored";

  /**
   * Refuses a regular expression (a schema {@code pattern}, a {@code patternProperties} name, a regex grammar's
   * {@code definition}) that holds what the transform would replace: a token or surrogate put into a regular
   * expression changes what it matches (its characters may be operators), so it is neither forwarded as it is nor
   * silently altered. The expression is read as written and as {@link #literalText} spells it (a literal value in a
   * regular expression has its punctuation escaped). The transform's tokens minted here are not forwarded nor kept
   * (the request is refused, and the gateway stores a request's mints only when the whole request was read).
   *
   * @param what names the place, e.g. {@code a schema 'pattern'}; never the expression
   * @param instead what the client can do instead
   * @throws GatewayException 400 {@code veil_unsupported_content}
   */
  private static void requireUnchanged(String regex, String what, String instead, TextTransform t) {
    String literal = literalText(regex);
    if (!t.apply(regex).equals(regex) || !literal.equals(regex) && !t.apply(literal).equals(literal)) {
      throw GatewayException.badRequest(ErrorCodes.UNSUPPORTED_CONTENT, what + " holds personal data; a regular"
          + " expression cannot be pseudonymized without changing what it matches, so the request was not forwarded ("
          + instead + ")");
    }
  }

  /**
   * The text a regular expression spells with its literal characters escaped: {@code \.} {@code \-}
   * {@code \ } {@code \(} (a backslash before a character that is no letter or digit) and a class of one
   * character ({@code [.]}, {@code [@]}) become the character. That is how a literal value is written in a regular
   * expression ({@code ^jane\.doe@example\.com$}, {@code 123\-45\-6789}), and the detectors read text: on
   * the expression as written they found neither, and it went to the provider. Escapes of a class ({@code \d},
   * {@code \s}) stay as written. Linear in the length; the result is never longer than {@code regex}.
   */
  static String literalText(String regex) {
    StringBuilder out = null;
    int n = regex.length();
    for (int i = 0; i < n; i++) {
      char c = regex.charAt(i);
      int skip = 0; // characters of the escape or class dropped around the one kept
      if (c == '\\' && i + 1 < n && !Character.isLetterOrDigit(regex.charAt(i + 1))) {
        skip = 1;
      } else if (c == '[' && i + 2 < n && regex.charAt(i + 2) == ']' && "^\\]".indexOf(regex.charAt(i + 1)) < 0) {
        skip = 1; // [x]
      } else if (c == '[' && i + 3 < n && regex.charAt(i + 1) == '\\' && regex.charAt(i + 3) == ']'
          && !Character.isLetterOrDigit(regex.charAt(i + 2))) {
        skip = 2; // [\x]
      }
      if (skip == 0) {
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      if (out == null) {
        out = new StringBuilder(n).append(regex, 0, i);
      }
      out.append(regex.charAt(i + skip));
      i += skip + (c == '[' ? 1 : 0);
    }
    return out == null ? regex : out.toString();
  }

  /** The strings in a list of instances; for an {@code enum}, later duplicates of a transformed value go. */
  private static void instances(ArrayNode values, TextTransform t, boolean distinct) {
    JsonText.transformStrings(values, t);
    if (!distinct) {
      return;
    }
    Set<JsonNode> seen = new HashSet<>();
    for (int i = 0; i < values.size(); ) {
      if (seen.add(values.get(i))) {
        i++;
      } else {
        values.remove(i);
      }
    }
  }
}
