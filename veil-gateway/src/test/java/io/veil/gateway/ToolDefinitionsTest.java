package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.core.vault.InMemoryTokenVault;
import io.veil.gateway.keys.ClientKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tool definitions and JSON schemas: their text for the model is pseudonymized, their code is not, and a
 * tool call that picks an {@code enum} value's token gets the value back. Before: {@code tools} and
 * {@code response_format} were forwarded as they came, so an enum of customers' e-mails reached the provider.
 */
class ToolDefinitionsTest {
  private static final TextTransform MARK = s -> s.replace("Jane", "<PERSON_1>");

  private static ObjectNode json(String s) throws Exception {
    return (ObjectNode) Json.MAPPER.readTree(s);
  }

  /** A schema using every kind of keyword; "Jane" stands for personal data wherever it is. */
  private static final String SCHEMA = "{\"type\":\"object\",\"title\":\"Jane\",\"description\":\"For Jane\","
      + "\"properties\":{\"Jane\":{\"type\":\"string\",\"description\":\"Jane's login\",\"enum\":[\"Jane\",\"Bob\",3],"
      + "\"default\":\"Jane\",\"examples\":[\"Jane\",{\"Jane\":\"Jane\"}],\"const\":\"Jane\",\"pattern\":\"^[a-z]+$\","
      + "\"format\":\"Jane\",\"x-note\":\"Jane\",\"$comment\":\"Jane\"},"
      + "\"list\":{\"type\":\"array\",\"items\":{\"enum\":[\"Jane\"]},\"prefixItems\":[{\"description\":\"Jane\"}]}},"
      + "\"required\":[\"Jane\"],\"$defs\":{\"Jane\":{\"description\":\"Jane\",\"$ref\":\"#/$defs/Jane\"}},"
      + "\"anyOf\":[{\"description\":\"Jane\"},true],\"not\":{\"const\":{\"Jane\":[\"Jane\"]}},"
      + "\"additionalProperties\":false}";

  /** Everything that is code, as it was: names, keywords, types, patterns, formats, refs, required. */
  private static void assertCodeKeptTextTransformed(JsonNode schema) {
    assertThat(schema.at("/properties").has("Jane")).as("property names are code").isTrue();
    JsonNode p = schema.at("/properties/Jane");
    assertThat(p.get("type").asText()).isEqualTo("string");
    assertThat(p.get("pattern").asText()).as("a pattern without personal data").isEqualTo("^[a-z]+$");
    assertThat(p.get("format").asText()).isEqualTo("Jane");
    assertThat(schema.get("required").toString()).isEqualTo("[\"Jane\"]");
    assertThat(schema.at("/$defs").has("Jane")).isTrue();
    assertThat(schema.at("/$defs/Jane/$ref").asText()).isEqualTo("#/$defs/Jane");
    assertThat(schema.get("additionalProperties").asBoolean(true)).isFalse();
    assertThat(p.at("/examples/1").has("Jane")).as("keys inside an instance are kept").isTrue();

    assertThat(schema.get("title").asText()).isEqualTo("<PERSON_1>");
    assertThat(schema.get("description").asText()).isEqualTo("For <PERSON_1>");
    assertThat(p.get("description").asText()).isEqualTo("<PERSON_1>'s login");
    assertThat(p.get("enum").toString()).isEqualTo("[\"<PERSON_1>\",\"Bob\",3]");
    assertThat(p.get("default").asText()).isEqualTo("<PERSON_1>");
    assertThat(p.get("examples").toString()).isEqualTo("[\"<PERSON_1>\",{\"Jane\":\"<PERSON_1>\"}]");
    assertThat(p.get("const").asText()).isEqualTo("<PERSON_1>");
    assertThat(p.get("x-note").asText()).isEqualTo("<PERSON_1>");
    assertThat(p.get("$comment").asText()).isEqualTo("<PERSON_1>");
    assertThat(schema.at("/properties/list/items/enum/0").asText()).isEqualTo("<PERSON_1>");
    assertThat(schema.at("/properties/list/prefixItems/0/description").asText()).isEqualTo("<PERSON_1>");
    assertThat(schema.at("/$defs/Jane/description").asText()).isEqualTo("<PERSON_1>");
    assertThat(schema.at("/anyOf/0/description").asText()).isEqualTo("<PERSON_1>");
    assertThat(schema.at("/not/const").toString()).isEqualTo("{\"Jane\":[\"<PERSON_1>\"]}");
  }

  @Test
  void chatToolsFunctionsAndResponseFormatHaveTheirTextTransformedAndTheirCodeKept() throws Exception {
    ObjectNode body = json("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"Jane\",\"description\":\"Ask Jane\",\"strict\":true,"
        + "\"parameters\":" + SCHEMA + "}},{\"type\":\"custom\",\"custom\":{\"name\":\"c\",\"description\":\"Jane\"}}],"
        + "\"functions\":[{\"name\":\"old\",\"description\":\"Jane\",\"parameters\":" + SCHEMA + "}],"
        + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"Jane\"}},"
        + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"Jane\",\"description\":\"Jane\","
        + "\"schema\":" + SCHEMA + "}}}");
    new ChatCompletionsAdapter().pseudonymize(body, MARK);

    assertThat(body.at("/tools/0/function/name").asText()).isEqualTo("Jane");
    assertThat(body.at("/tools/0/function/description").asText()).isEqualTo("Ask <PERSON_1>");
    assertThat(body.at("/tools/0/function/strict").asBoolean()).isTrue();
    assertCodeKeptTextTransformed(body.at("/tools/0/function/parameters"));
    assertThat(body.at("/tools/1/custom/description").asText()).isEqualTo("<PERSON_1>");
    assertThat(body.at("/functions/0/name").asText()).isEqualTo("old");
    assertThat(body.at("/functions/0/description").asText()).isEqualTo("<PERSON_1>");
    assertCodeKeptTextTransformed(body.at("/functions/0/parameters"));
    assertThat(body.at("/tool_choice/function/name").asText()).isEqualTo("Jane");
    assertThat(body.at("/response_format/json_schema/name").asText()).isEqualTo("Jane");
    assertThat(body.at("/response_format/json_schema/description").asText()).isEqualTo("<PERSON_1>");
    assertCodeKeptTextTransformed(body.at("/response_format/json_schema/schema"));
  }

  @Test
  void responsesToolsAndTextFormatHaveTheirTextTransformedAndTheirCodeKept() throws Exception {
    ObjectNode body = json("{\"input\":\"hi\",\"tools\":[{\"type\":\"function\",\"name\":\"Jane\",\"description\":\"Jane\","
        + "\"parameters\":" + SCHEMA + "},{\"type\":\"custom\",\"name\":\"c\",\"description\":\"Jane\"},"
        + "{\"type\":\"web_search\"}],"
        + "\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"Jane\",\"description\":\"Jane\",\"schema\":" + SCHEMA + "}}}");
    new ResponsesAdapter().pseudonymize(body, MARK);

    assertThat(body.at("/tools/0/name").asText()).isEqualTo("Jane");
    assertThat(body.at("/tools/0/description").asText()).isEqualTo("<PERSON_1>");
    assertCodeKeptTextTransformed(body.at("/tools/0/parameters"));
    assertThat(body.at("/tools/1/description").asText()).isEqualTo("<PERSON_1>");
    assertThat(body.at("/tools/2/type").asText()).isEqualTo("web_search");
    assertThat(body.at("/text/format/name").asText()).isEqualTo("Jane");
    assertThat(body.at("/text/format/description").asText()).isEqualTo("<PERSON_1>");
    assertCodeKeptTextTransformed(body.at("/text/format/schema"));
  }

  /**
   * A schema {@code pattern} (and a {@code patternProperties} name) is a regular expression: one holding personal
   * data was forwarded as it was (qa5/tools9 left it), "^Jane Doe$" reached the provider. Altering it would change
   * what it matches, so it is refused, in every place a schema goes: chat tools, legacy functions,
   * response_format, Responses tools and text.format, nested subschemas.
   */
  @Test
  void aSchemaPatternHoldingPersonalDataIsRefusedNotAltered() throws Exception {
    String[] schemas = {
        "{\"type\":\"string\",\"pattern\":\"^Jane Doe$\"}",
        "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"array\",\"items\":{\"pattern\":\"Jane\"}}}}",
        "{\"type\":\"object\",\"patternProperties\":{\"^Jane_\":{\"type\":\"string\"}}}",
        "{\"anyOf\":[{\"$defs\":{\"d\":{\"pattern\":\"(Jane|Bob)\"}}}]}"};
    for (String schema : schemas) {
      List<String> bodies = List.of(
          "chat:{\"messages\":[],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":"
              + schema + "}}]}",
          "chat:{\"messages\":[],\"functions\":[{\"name\":\"f\",\"parameters\":" + schema + "}]}",
          "chat:{\"messages\":[],\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"r\","
              + "\"schema\":" + schema + "}}}",
          "responses:{\"input\":\"hi\",\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"parameters\":" + schema + "}]}",
          "responses:{\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"r\",\"schema\":"
              + schema + "}}}");
      for (String b : bodies) {
        boolean chat = b.startsWith("chat:");
        ObjectNode body = json(b.substring(b.indexOf(':') + 1));
        assertThatThrownBy(() -> {
          if (chat) {
            new ChatCompletionsAdapter().pseudonymize(body, MARK);
          } else {
            new ResponsesAdapter().pseudonymize(body, MARK);
          }
        }).as(b).isInstanceOf(GatewayException.class).hasMessageNotContaining("Jane").hasMessageContaining("pattern")
            .extracting(e -> ((GatewayException) e).code()).isEqualTo(ErrorCodes.UNSUPPORTED_CONTENT);
      }
    }
    // a regular expression with nothing to transform is code: forwarded as it is
    ObjectNode plain = json("{\"messages\":[],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\","
        + "\"parameters\":{\"type\":\"object\",\"patternProperties\":{\"^x_\":{\"pattern\":\"^[0-9]{4}$\"}}}}}]}");
    new ChatCompletionsAdapter().pseudonymize(plain, MARK);
    assertThat(plain.at("/tools/0/function/parameters/patternProperties/^x_/pattern").asText()).isEqualTo("^[0-9]{4}$");
  }

  /**
   * A custom tool's grammar constrains what the model writes as an enum does: its definition's literals are text
   * (transformed), its syntax is code. Before, the format was forwarded as it came.
   */
  @Test
  void aCustomToolsLarkGrammarDefinitionIsTransformedInBothShapes() throws Exception {
    ObjectNode chat = json("{\"messages\":[],\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"c\",\"format\":"
        + "{\"type\":\"grammar\",\"grammar\":{\"definition\":\"start: \\\"Jane\\\"\",\"syntax\":\"lark\"}}}}]}");
    new ChatCompletionsAdapter().pseudonymize(chat, MARK);
    assertThat(chat.at("/tools/0/custom/format/grammar/definition").asText()).isEqualTo("start: \"<PERSON_1>\"");
    assertThat(chat.at("/tools/0/custom/format/grammar/syntax").asText()).isEqualTo("lark");
    ObjectNode responses = json("{\"input\":\"hi\",\"tools\":[{\"type\":\"custom\",\"name\":\"c\",\"format\":"
        + "{\"type\":\"grammar\",\"definition\":\"start: \\\"Jane\\\" | \\\"Bob\\\"\",\"syntax\":\"lark\"}}]}");
    new ResponsesAdapter().pseudonymize(responses, MARK);
    assertThat(responses.at("/tools/0/format/definition").asText()).isEqualTo("start: \"<PERSON_1>\" | \"Bob\"");
  }

  /**
   * A regex grammar follows the rule of a schema {@code pattern}: a token put into a regular expression changes what
   * it matches, so one that holds personal data is refused (it was transformed before), and one that holds none is
   * forwarded as it came. A grammar that names no syntax is read as a regex (fail closed).
   */
  @ParameterizedTest
  @ValueSource(strings = {"regex", "", "Regex"})
  void aRegexGrammarHoldingPersonalDataIsRefusedInBothShapesAndAPlainOneKept(String syntax) throws Exception {
    String named = syntax.isEmpty() ? "" : ",\"syntax\":\"" + syntax + "\"";
    String chat = "{\"messages\":[],\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"c\",\"format\":"
        + "{\"type\":\"grammar\",\"grammar\":{\"definition\":\"%s\"" + named + "}}}}]}";
    String responses = "{\"input\":\"hi\",\"tools\":[{\"type\":\"custom\",\"name\":\"c\",\"format\":"
        + "{\"type\":\"grammar\",\"definition\":\"%s\"" + named + "}}]}";
    for (ProtocolAdapter adapter : List.of(new ChatCompletionsAdapter(), new ResponsesAdapter())) {
      String shape = adapter instanceof ChatCompletionsAdapter ? chat : responses;
      assertThatThrownBy(() -> adapter.pseudonymize(json(shape.formatted("^(Jane|Bob)$")), MARK))
          .isInstanceOf(GatewayException.class).hasMessageNotContaining("Jane")
          .hasMessageStartingWith("a regex grammar's 'definition' holds personal data; a regular expression cannot be")
          .satisfies(e -> assertThat(((GatewayException) e).code()).isEqualTo(ErrorCodes.UNSUPPORTED_CONTENT));
      ObjectNode plain = json(shape.formatted("^(yes|no) [0-9]{2}$"));
      String before = plain.toString();
      adapter.pseudonymize(plain, MARK);
      assertThat(plain.toString()).isEqualTo(before);
    }
  }

  /** The gateway's transform as the default policy makes it: the built-in detectors, placeholder tokens. */
  private static TextTransform realDetectors() {
    io.veil.core.Veil veil = io.veil.core.Veil.builder().policy(io.veil.core.Policy.defaults()).build();
    return s -> veil.pseudonymize(new io.veil.core.Scope("t", "c"), s).text();
  }

  /**
   * A literal value in a regular expression is written with its punctuation escaped ({@code jane\.doe},
   * {@code 123\-45}, {@code 4111\ 1111}) or in a class of one character ({@code [.]}); the detectors read text and
   * found nothing in the expression as written, so a schema pattern or regex grammar holding a customer's e-mail,
   * SSN or card number went to the provider. Checked with the real default detectors, both places, both shapes;
   * expressions of classes and repetitions ({@code \d{3}}, an e-mail validator) still pass unchanged.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "^jane\\.doe@example\\.com$",
      "^jane[.]doe@example[.]com$",
      "ssn 123\\-45\\-6789",
      "^card 4111\\ 1111\\ 1111\\ 1111$",
      "^jane[\\.]doe@example[\\.]com$"})
  void aRegexSpellingPersonalDataWithEscapesIsRefused(String regex) throws Exception {
    TextTransform real = realDetectors();
    String pattern = "{\"messages\":[],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\","
        + "\"parameters\":{\"type\":\"string\",\"pattern\":\"%s\"}}}]}";
    String grammar = "{\"input\":\"hi\",\"tools\":[{\"type\":\"custom\",\"name\":\"c\",\"format\":"
        + "{\"type\":\"grammar\",\"definition\":\"%s\",\"syntax\":\"regex\"}}]}";
    String json = regex.replace("\\", "\\\\");
    assertThatThrownBy(() -> new ChatCompletionsAdapter().pseudonymize(json(pattern.formatted(json)), real))
        .isInstanceOf(GatewayException.class).hasMessageStartingWith("a schema 'pattern' holds personal data")
        .hasMessageNotContaining("jane").hasMessageNotContaining("6789").hasMessageNotContaining("4111");
    assertThatThrownBy(() -> new ResponsesAdapter().pseudonymize(json(grammar.formatted(json)), real))
        .isInstanceOf(GatewayException.class).hasMessageStartingWith("a regex grammar's 'definition' holds personal");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "^\\d{3}-\\d{2}-\\d{4}$",
      "^\\(\\d{3}\\) \\d{3}-\\d{4}$",
      "^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$",
      "^(yes|no) [0-9]{2}\\.$"})
  void aRegexOfClassesAndRepetitionsIsForwardedUnchanged(String regex) throws Exception {
    TextTransform real = realDetectors();
    ObjectNode body = json("{\"messages\":[],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\","
        + "\"parameters\":{\"type\":\"string\",\"pattern\":\"" + regex.replace("\\", "\\\\") + "\"}}}]}");
    new ChatCompletionsAdapter().pseudonymize(body, real);
    assertThat(body.at("/tools/0/function/parameters/pattern").asText()).isEqualTo(regex);
  }

  /**
   * A Lark grammar's regular-expression terminal is a regular expression: one spelling a customer's e-mail with
   * escapes was transformed as text, found nothing, and went to the provider; refused now, in both shapes. Quoted
   * literals are still transformed, and terminals of classes pass unchanged.
   */
  @Test
  void aLarkRegexTerminalHoldingPersonalDataIsRefusedAndQuotedLiteralsStillTransformed() throws Exception {
    TextTransform real = realDetectors();
    String chat = "{\"messages\":[],\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"c\",\"format\":"
        + "{\"type\":\"grammar\",\"grammar\":{\"definition\":%s,\"syntax\":\"lark\"}}}}]}";
    String responses = "{\"input\":\"hi\",\"tools\":[{\"type\":\"custom\",\"name\":\"c\",\"format\":"
        + "{\"type\":\"grammar\",\"definition\":%s,\"syntax\":\"lark\"}}]}";
    String leaking = Json.MAPPER.writeValueAsString("start: \"to \" EMAIL\nEMAIL: /jane\\.doe@example\\.com/\n");
    assertThatThrownBy(() -> new ChatCompletionsAdapter().pseudonymize(json(chat.formatted(leaking)), real))
        .isInstanceOf(GatewayException.class).hasMessageNotContaining("jane")
        .hasMessageStartingWith("a regular expression in a Lark grammar's 'definition' holds personal data");
    assertThatThrownBy(() -> new ResponsesAdapter().pseudonymize(json(responses.formatted(leaking)), real))
        .isInstanceOf(GatewayException.class);
    String plain = Json.MAPPER.writeValueAsString(
        "// a comment with a / slash\nstart: \"mail jane.doe@example.com \" CODE\nCODE: /[A-Z]{2}\\/\\d+/\n");
    ObjectNode body = json(responses.formatted(plain));
    new ResponsesAdapter().pseudonymize(body, real);
    String out = body.at("/tools/0/format/definition").asText();
    assertThat(out).doesNotContain("jane.doe@example.com").contains("CODE: /[A-Z]{2}\\/\\d+/");
  }

  @Test
  void larkRegexTerminalsAreFoundOutsideLiteralsAndComments() {
    assertThat(ToolDefinitions.larkRegexTerminals(
        "a: \"x/y/z\" B // not /this/\nB: /b\\/c/i | /d/\n%ignore /\\s+/\nC: /open"))
        .containsExactly("b\\/c", "d", "\\s+", "open");
  }

  @Test
  void literalTextDropsTheEscapesOfLiteralCharactersOnly() {
    assertThat(ToolDefinitions.literalText("a\\.b[.]c[\\-]d\\d[^x][ab]\\\\e\\")).isEqualTo("a.b.c-d\\d[^x][ab]\\e\\");
    assertThat(ToolDefinitions.literalText("[x")).isEqualTo("[x");
    assertThat(ToolDefinitions.literalText("plain")).isSameAs("plain");
  }

  /**
   * Chat knows function and custom tools only; any other type, and any field of a tool or function Veil does not
   * read that holds text, was forwarded as it came. Refused now (400 naming the field or type, never the value).
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "\"tools\":[{\"type\":\"web_search\",\"user_location\":{\"city\":\"Jane\"}}]",
      "\"tools\":[{\"type\":\"file_search\",\"vector_store_ids\":[\"vs_1\"]}]",
      "\"tools\":[{\"type\":\"Jane Doe\",\"function\":{\"name\":\"f\"}}]",
      "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"},\"note\":\"Jane Doe\"}]",
      "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"x-owner\":\"Jane Doe\"}}]",
      "\"tools\":[{\"type\":\"function\",\"function\":\"Jane Doe\"}]",
      "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":\"Jane Doe\"}}]",
      "\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"c\",\"format\":\"Jane Doe\"}}]",
      "\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"c\",\"format\":{\"type\":\"grammar\",\"grammar\":"
          + "{\"definition\":\"x\",\"syntax\":\"Jane Doe\"}}}}]",
      "\"tools\":[\"Jane Doe\"]",
      "\"tools\":\"Jane Doe\"",
      "\"functions\":[{\"name\":\"f\",\"note\":\"Jane Doe\"}]"})
  void chatToolsOfOtherTypesAndTextInFieldsVeilDoesNotReadAreRefused(String field) {
    assertThatThrownBy(() -> new ChatCompletionsAdapter().pseudonymize(json("{\"messages\":[]," + field + "}"), MARK))
        .isInstanceOf(GatewayException.class).hasMessageNotContaining("Jane");
  }

  /** Anonymization writes one placeholder per type: the enum keeps one, so strict providers accept it. */
  @Test
  void enumValuesThatBecomeEqualAreKeptOnce() throws Exception {
    ObjectNode body = json("{\"messages\":[],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":"
        + "{\"type\":\"object\",\"properties\":{\"who\":{\"enum\":[\"Jane\",\"ok\",\"Bob\",\"ok\"],\"examples\":[\"Jane\",\"Bob\"]}}}}}]}");
    new ChatCompletionsAdapter().pseudonymize(body, s -> s.equals("Jane") || s.equals("Bob") ? "<PERSON>" : s);
    JsonNode who = body.at("/tools/0/function/parameters/properties/who");
    assertThat(who.get("enum").toString()).isEqualTo("[\"<PERSON>\",\"ok\"]");
    assertThat(who.get("examples").toString()).as("examples may repeat").isEqualTo("[\"<PERSON>\",\"<PERSON>\"]");
  }

  @Test
  void aDescriptionThatIsNotAStringIsRefused() {
    assertThatThrownBy(() -> new ChatCompletionsAdapter().pseudonymize(json("{\"messages\":[],\"tools\":[{\"type\":"
        + "\"function\",\"function\":{\"name\":\"f\",\"description\":{\"text\":\"Jane\"}}}]}"), MARK))
        .isInstanceOf(GatewayException.class).hasMessageNotContaining("Jane");
    assertThatThrownBy(() -> new ResponsesAdapter().pseudonymize(json("{\"tools\":[{\"type\":\"function\",\"name\":\"f\","
        + "\"parameters\":{\"properties\":{\"a\":{\"description\":[\"Jane\"]}}}}]}"), MARK))
        .isInstanceOf(GatewayException.class).hasMessageNotContaining("Jane");
  }

  // ---- through the real PiiInterceptor and the real Veil (detection, vault, restore) ----

  private static final String CUSTOMER = "jane.doe@example.com";
  private static final String OTHER = "bob.smith@example.org";
  private static final String CONVERSATION = "qa5-tools";

  @TempDir
  Path dir;

  private final AtomicReference<ObjectNode> forwarded = new AtomicReference<>();

  /** The chain with an upstream that answers from the request it received (as forwarded). */
  private List<Interceptor> chain(Endpoint endpoint, ProtocolAdapter adapter, Function<ObjectNode, GatewayResponse> upstream) {
    Map<Endpoint, ProtocolAdapter> adapters = Map.of(endpoint, adapter);
    return List.of(new ConversationScopeInterceptor(adapters, GatewaySecret.loadOrCreate(dir)),
        new PiiInterceptor(TestVeil.create(InMemoryTokenVault.create()), adapters), c -> {
          forwarded.set(c.request().json().deepCopy());
          return upstream.apply(c.request().json());
        });
  }

  private static GatewayResponse call(List<Interceptor> chain, Endpoint endpoint, String body) throws Exception {
    GatewayRequest request = GatewayRequest.of(endpoint, Map.of("content-type", "application/json",
            ConversationScopeInterceptor.HEADER, CONVERSATION), body.getBytes(StandardCharsets.UTF_8))
        .withJson(json(body)).withKey(new ClientKey("vk_1", "acme", "default", 0, Instant.EPOCH, null),
            GatewayPolicy.defaults("default"));
    return RealChain.run(chain, request);
  }

  private static final String PARAMETERS = "{\"type\":\"object\",\"properties\":{\"customer\":{\"type\":\"string\","
      + "\"description\":\"The account, for example " + CUSTOMER + "\",\"enum\":[\"" + CUSTOMER + "\",\"" + OTHER + "\"]}},"
      + "\"required\":[\"customer\"],\"additionalProperties\":false}";

  private static String chatRequest(boolean stream) {
    return "{\"model\":\"m\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Open the account of "
        + CUSTOMER + "\"}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"open_account\",\"description\":"
        + "\"Opens an account; the usual one is " + CUSTOMER + "\",\"strict\":true,\"parameters\":" + PARAMETERS + "}}]}";
  }

  /** The provider's view: no value anywhere, the code intact, and the enum's first choice the token the message got. */
  private String assertForwardedToolsHoldTokensOnly(JsonNode parameters, String description) {
    assertThat(forwarded.get().toString()).doesNotContain(CUSTOMER).doesNotContain(OTHER);
    assertThat(parameters.at("/properties/customer/type").asText()).isEqualTo("string");
    assertThat(parameters.at("/required/0").asText()).isEqualTo("customer");
    JsonNode choices = parameters.at("/properties/customer/enum");
    assertThat(choices).hasSize(2);
    String token = choices.get(0).asText();
    assertThat(token).isNotEqualTo(choices.get(1).asText()).startsWith("<EMAIL_");
    assertThat(description).as("the same value, the same token").endsWith(token);
    return token;
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aChatToolCallChoosingAnEnumTokenGetsTheValueBack(boolean stream) throws Exception {
    List<Interceptor> chain = chain(Endpoint.CHAT_COMPLETIONS, new ChatCompletionsAdapter(), req -> {
      String token = req.at("/tools/0/function/parameters/properties/customer/enum/0").asText();
      String args = "{\"customer\":\"" + token + "\"}";
      if (!stream) {
        ObjectNode answer = Json.MAPPER.createObjectNode().put("id", "c1").put("object", "chat.completion");
        ObjectNode msg = answer.putArray("choices").addObject().put("index", 0).put("finish_reason", "tool_calls")
            .putObject("message").put("role", "assistant");
        msg.putNull("content");
        msg.putArray("tool_calls").addObject().put("id", "call_1").put("type", "function")
            .putObject("function").put("name", "open_account").put("arguments", args);
        return new GatewayResponse.Json(200, Map.of(), answer);
      }
      List<String> chunks = new ArrayList<>();
      chunks.add(chunk("{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
          + "\"function\":{\"name\":\"open_account\",\"arguments\":\"\"}}]}", "null"));
      for (int i = 0; i < args.length(); i += 4) { // the token cut across events
        chunks.add(chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
            + Json.write(Json.MAPPER.getNodeFactory().textNode(args.substring(i, Math.min(args.length(), i + 4)))) + "}}]}",
            "null"));
      }
      chunks.add(chunk("{}", "\"tool_calls\""));
      chunks.add("[DONE]");
      return AnswerShapesTest.stream(chunks);
    });

    GatewayResponse response = call(chain, Endpoint.CHAT_COMPLETIONS, chatRequest(stream));

    assertForwardedToolsHoldTokensOnly(forwarded.get().at("/tools/0/function/parameters"),
        forwarded.get().at("/tools/0/function/description").asText());
    String arguments;
    if (stream) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode n : AnswerShapesTest.drain(response)) {
        sb.append(n.at("/choices/0/delta/tool_calls/0/function/arguments").asText(""));
      }
      arguments = sb.toString();
    } else {
      arguments = ((GatewayResponse.Json) response).body().at("/choices/0/message/tool_calls/0/function/arguments").asText();
    }
    assertThat(Json.MAPPER.readTree(arguments).get("customer").asText()).isEqualTo(CUSTOMER);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aResponsesFunctionCallChoosingAnEnumTokenGetsTheValueBack(boolean stream) throws Exception {
    List<Interceptor> chain = chain(Endpoint.RESPONSES, new ResponsesAdapter(), req -> {
      String token = req.at("/tools/0/parameters/properties/customer/enum/0").asText();
      String args = "{\"customer\":\"" + token + "\"}";
      if (!stream) {
        ObjectNode answer = Json.MAPPER.createObjectNode().put("id", "resp_1").put("object", "response");
        answer.putArray("output").addObject().put("type", "function_call").put("call_id", "call_1")
            .put("name", "open_account").put("arguments", args);
        answer.set("tools", req.get("tools").deepCopy()); // the provider echoes the tools it was given
        return new GatewayResponse.Json(200, Map.of(), answer);
      }
      List<String> events = new ArrayList<>();
      for (int i = 0; i < args.length(); i += 5) {
        events.add("{\"type\":\"response.function_call_arguments.delta\",\"item_id\":\"fc_1\",\"output_index\":0,"
            + "\"delta\":" + Json.write(Json.MAPPER.getNodeFactory().textNode(args.substring(i, Math.min(args.length(), i + 5))))
            + "}");
      }
      events.add("{\"type\":\"response.function_call_arguments.done\",\"item_id\":\"fc_1\",\"output_index\":0,"
          + "\"arguments\":" + Json.write(Json.MAPPER.getNodeFactory().textNode(args)) + "}");
      return AnswerShapesTest.stream(events);
    });

    GatewayResponse response = call(chain, Endpoint.RESPONSES, "{\"model\":\"m\",\"stream\":" + stream
        + ",\"input\":\"Open the account of " + CUSTOMER + "\",\"tools\":[{\"type\":\"function\",\"name\":\"open_account\","
        + "\"description\":\"Opens an account; the usual one is " + CUSTOMER + "\",\"parameters\":" + PARAMETERS + "}]}");

    assertForwardedToolsHoldTokensOnly(forwarded.get().at("/tools/0/parameters"),
        forwarded.get().at("/tools/0/description").asText());
    if (stream) {
      StringBuilder deltas = new StringBuilder();
      String done = null;
      for (JsonNode n : AnswerShapesTest.drain(response)) {
        if (n.get("type").asText().endsWith(".delta")) {
          deltas.append(n.get("delta").asText());
        } else {
          done = n.get("arguments").asText();
        }
      }
      assertThat(Json.MAPPER.readTree(deltas.toString()).get("customer").asText()).isEqualTo(CUSTOMER);
      assertThat(done).isEqualTo(deltas.toString());
    } else {
      JsonNode answer = ((GatewayResponse.Json) response).body();
      assertThat(Json.MAPPER.readTree(answer.at("/output/0/arguments").asText()).get("customer").asText())
          .isEqualTo(CUSTOMER);
      assertThat(answer.at("/tools/0/parameters/properties/customer/enum").toString())
          .as("the echoed tools are the client's own again").isEqualTo("[\"" + CUSTOMER + "\",\"" + OTHER + "\"]");
    }
  }

  private static String chunk(String deltaJson, String finish) {
    return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
        + "\"delta\":" + deltaJson + ",\"finish_reason\":" + finish + "}]}";
  }
}
