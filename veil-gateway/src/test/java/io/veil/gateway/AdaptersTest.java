package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where each adapter finds request text, and what it refuses to forward uninspected. */
class AdaptersTest {
  private static final TextTransform MARK = s -> s.replace("Jane", "<PERSON_1>");

  private static ObjectNode json(String s) throws Exception {
    return (ObjectNode) Json.MAPPER.readTree(s);
  }

  @Test
  void chatTransformsEveryRoleAndPartButNotToolNames() throws Exception {
    ObjectNode body = json("{\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"Jane\",\"description\":\"x\"}}],"
        + "\"messages\":[{\"role\":\"developer\",\"content\":\"Jane\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Jane\"}]},"
        + "{\"role\":\"assistant\",\"refusal\":\"Jane\",\"function_call\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":\\\"Jane\\\"}\"}},"
        + "{\"role\":\"tool\",\"tool_call_id\":\"1\",\"content\":\"Jane\"}]}");
    new ChatCompletionsAdapter().pseudonymize(body, MARK);
    String out = body.get("messages").toString();
    assertThat(out).doesNotContain("Jane");
    assertThat(body.at("/tools/0/function/name").asText()).isEqualTo("Jane");
    assertThatThrownBy(() -> new ChatCompletionsAdapter().pseudonymize(json("{\"messages\":[{\"role\":\"user\",\"content\":"
        + "[{\"type\":\"input_audio\",\"input_audio\":{}}]}]}"), MARK)).isInstanceOf(GatewayException.class);
    assertThatThrownBy(() -> new ChatCompletionsAdapter().pseudonymize(json("{}"), MARK)).isInstanceOf(GatewayException.class);
  }

  @Test
  void responsesTransformsInstructionsItemsOutputsAndReasoningSummaries() throws Exception {
    ObjectNode body = json("{\"instructions\":\"Jane\",\"input\":[{\"role\":\"user\",\"content\":\"Jane\"},"
        + "{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[{\"type\":\"summary_text\",\"text\":\"Jane\"}],\"encrypted_content\":\"abc\"},"
        + "{\"type\":\"function_call\",\"call_id\":\"c\",\"name\":\"f\",\"arguments\":\"{\\\"n\\\":\\\"Jane\\\"}\"},"
        + "{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":\"Jane\"},{\"type\":\"item_reference\",\"id\":\"msg_1\"}]}");
    new ResponsesAdapter().pseudonymize(body, MARK);
    assertThat(body.toString()).doesNotContain("Jane").contains("abc").contains("msg_1");
    assertThatThrownBy(() -> new ResponsesAdapter().pseudonymize(json("{\"input\":[{\"type\":\"input_image\"}]}"), MARK))
        .isInstanceOf(GatewayException.class);
    assertThat(new ResponsesAdapter().firstUserText(json("{\"input\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))).isEqualTo("hi");
  }

  @Test
  void completionsAndEmbeddingsAcceptStringsAndRefuseTokenArrays() throws Exception {
    ObjectNode c = json("{\"prompt\":[\"Jane\",\"x Jane\"],\"suffix\":\"Jane\"}");
    new CompletionsAdapter().pseudonymize(c, MARK);
    assertThat(c.toString()).doesNotContain("Jane");
    ObjectNode e = json("{\"input\":\"Jane\"}");
    new EmbeddingsAdapter().pseudonymize(e, MARK);
    assertThat(e.get("input").asText()).isEqualTo("<PERSON_1>");
    assertThatThrownBy(() -> new EmbeddingsAdapter().pseudonymize(json("{\"input\":[1,2]}"), MARK)).isInstanceOf(GatewayException.class);
    assertThatThrownBy(() -> new CompletionsAdapter().pseudonymize(json("{\"prompt\":{}}"), MARK)).isInstanceOf(GatewayException.class);
  }

  /**
   * Stop sequences are text ("\nJane:" in a transcript) and were forwarded as the client sent them (review7):
   * they are pseudonymized with the conversation's tokens, and token arrays or objects there are refused.
   */
  @Test
  void stopSequencesAreTransformed() throws Exception {
    ObjectNode chat = json("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stop\":[\"\\nJane:\",\"END\"]}");
    new ChatCompletionsAdapter().pseudonymize(chat, MARK);
    assertThat(chat.get("stop").toString()).isEqualTo("[\"\\n<PERSON_1>:\",\"END\"]");
    ObjectNode chatOne = json("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stop\":\"Jane:\"}");
    new ChatCompletionsAdapter().pseudonymize(chatOne, MARK);
    assertThat(chatOne.get("stop").asText()).isEqualTo("<PERSON_1>:");
    ObjectNode completion = json("{\"prompt\":\"hi\",\"stop\":\"Jane:\"}");
    new CompletionsAdapter().pseudonymize(completion, MARK);
    assertThat(completion.get("stop").asText()).isEqualTo("<PERSON_1>:");
    assertThatThrownBy(() -> new ChatCompletionsAdapter().pseudonymize(json("{\"messages\":[],\"stop\":{\"a\":\"Jane\"}}"),
        MARK)).isInstanceOf(GatewayException.class);
    assertThatThrownBy(() -> new CompletionsAdapter().pseudonymize(json("{\"prompt\":\"hi\",\"stop\":[\"x\",[\"Jane\"]]}"),
        MARK)).isInstanceOf(GatewayException.class);
  }

  /**
   * A legacy {@code function} result message must carry the function's {@code name} (the API and both official SDKs
   * require it); it was dropped with the participant {@code name} of the other roles, so the provider refused every
   * legacy function-calling conversation (qa11). It is forwarded as an identifier (a name that is not a protocol word
   * is refused, never forwarded); a user's {@code name} is still dropped, by both stages.
   */
  @Test
  void aFunctionResultKeepsItsFunctionNameAndAParticipantNameIsDropped() throws Exception {
    ChatCompletionsAdapter chat = new ChatCompletionsAdapter();
    ObjectNode body = json("{\"messages\":[{\"role\":\"user\",\"name\":\"Jane\",\"content\":\"Jane\"},"
        + "{\"role\":\"assistant\",\"content\":null,\"function_call\":{\"name\":\"lookup\",\"arguments\":\"{}\"}},"
        + "{\"role\":\"function\",\"name\":\"lookup\",\"content\":\"{\\\"owner\\\":\\\"Jane\\\"}\"}]}");
    chat.minimize(body, GatewayPolicy.defaults("default"), new RequestStats());
    chat.pseudonymize(body, MARK);
    assertThat(body.at("/messages/2/name").asText()).isEqualTo("lookup");
    assertThat(body.at("/messages/2/content").asText()).isEqualTo("{\"owner\":\"<PERSON_1>\"}");
    assertThat(body.at("/messages/0").has("name")).isFalse();
    assertThat(body.toString()).doesNotContain("Jane");
    assertThatThrownBy(() -> chat.pseudonymize(json("{\"messages\":[{\"role\":\"function\",\"name\":\"Jane Doe\","
        + "\"content\":\"x\"}]}"), MARK)).isInstanceOf(GatewayException.class).hasMessageNotContaining("Jane");
  }

  /**
   * Predicted output, the web search's user location and a reusable prompt's variables are text the official SDKs
   * send; they were refused as verbatim fields (and dropped by the minimization stage in the gateway). They are
   * transformed with the conversation's tokens; shapes Veil does not read are still refused, naming the field only.
   */
  @Test
  void predictionUserLocationAndPromptVariablesAreTransformed() throws Exception {
    ObjectNode chat = json("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
        + "\"prediction\":{\"type\":\"content\",\"content\":\"Dear Jane\"},"
        + "\"web_search_options\":{\"search_context_size\":\"low\",\"user_location\":{\"type\":\"approximate\","
        + "\"approximate\":{\"city\":\"Jane town\",\"region\":\"Jane\",\"country\":\"US\",\"timezone\":\"America/Chicago\"}}}}");
    new ChatCompletionsAdapter().pseudonymize(chat, MARK);
    assertThat(chat.at("/prediction/content").asText()).isEqualTo("Dear <PERSON_1>");
    assertThat(chat.at("/web_search_options/user_location/approximate/city").asText()).isEqualTo("<PERSON_1> town");
    assertThat(chat.at("/web_search_options/user_location/approximate/region").asText()).isEqualTo("<PERSON_1>");
    assertThat(chat.at("/web_search_options/user_location/approximate/timezone").asText()).isEqualTo("America/Chicago");
    assertThat(chat.at("/web_search_options/search_context_size").asText()).isEqualTo("low");
    ObjectNode parts = json("{\"messages\":[],\"prediction\":{\"type\":\"content\",\"content\":"
        + "[{\"type\":\"text\",\"text\":\"Jane\"},{\"type\":\"text\",\"text\":\" wrote\"}]}}");
    new ChatCompletionsAdapter().pseudonymize(parts, MARK);
    assertThat(parts.get("prediction").toString()).doesNotContain("Jane").contains("<PERSON_1>");
    ObjectNode responses = json("{\"prompt\":{\"id\":\"pmpt_123\",\"version\":\"2\",\"variables\":"
        + "{\"customer_name\":\"Jane\",\"note\":{\"type\":\"input_text\",\"text\":\"for Jane\"}}}}");
    new ResponsesAdapter().pseudonymize(responses, MARK);
    assertThat(responses.at("/prompt/variables/customer_name").asText()).isEqualTo("<PERSON_1>");
    assertThat(responses.at("/prompt/variables/note/text").asText()).isEqualTo("for <PERSON_1>");
    assertThat(responses.at("/prompt/id").asText()).isEqualTo("pmpt_123");
    assertThat(new ChatCompletionsAdapter().allowedFields()).contains("prediction", "web_search_options");
    assertThat(new ResponsesAdapter().allowedFields()).contains("prompt");
  }

  @Test
  void predictionUserLocationAndPromptShapesVeilDoesNotReadAreRefused() throws Exception {
    String[] chat = {
        "\"prediction\":{\"type\":\"other\",\"content\":\"Jane\"}",
        "\"prediction\":{\"type\":\"content\",\"content\":\"x\",\"extra\":\"Jane\"}",
        "\"prediction\":{\"type\":\"content\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"Jane\"}}]}",
        "\"prediction\":\"Jane\"",
        "\"web_search_options\":{\"user_location\":{\"type\":\"exact\",\"approximate\":{\"city\":\"Jane\"}}}",
        "\"web_search_options\":{\"user_location\":{\"type\":\"approximate\",\"approximate\":{\"street\":\"Jane\"}}}",
        "\"web_search_options\":{\"user_location\":{\"type\":\"approximate\",\"approximate\":{\"city\":[\"Jane\"]}}}",
        "\"web_search_options\":{\"search_context_size\":\"Jane Doe\"}",
        "\"web_search_options\":{\"note\":\"Jane\"}"};
    for (String field : chat) {
      assertThatThrownBy(() -> new ChatCompletionsAdapter().pseudonymize(json("{\"messages\":[]," + field + "}"), MARK))
          .as(field).isInstanceOf(GatewayException.class).hasMessageNotContaining("Jane")
          .extracting(e -> ((GatewayException) e).code()).isEqualTo(ErrorCodes.UNSUPPORTED_CONTENT);
    }
    String[] prompts = {
        "{\"id\":\"pmpt_1\",\"variables\":{\"photo\":{\"type\":\"input_image\",\"image_url\":\"https://x/Jane.png\"}}}",
        "{\"id\":\"pmpt_1\",\"variables\":{\"doc\":{\"type\":\"input_file\",\"file_data\":\"Jane\"}}}",
        "{\"id\":\"pmpt_1\",\"variables\":{\"Jane Doe\":\"x\"}}",
        "{\"id\":\"pmpt_1\",\"variables\":{\"n\":[\"Jane\"]}}",
        "{\"id\":\"jane@example.com\"}",
        "{\"id\":\"pmpt_1\",\"version\":\"Jane Doe\"}",
        "{\"id\":\"pmpt_1\",\"note\":\"Jane\"}",
        "{\"variables\":{\"n\":\"Jane\"}}"};
    for (String prompt : prompts) {
      assertThatThrownBy(() -> new ResponsesAdapter().pseudonymize(json("{\"prompt\":" + prompt + "}"), MARK))
          .as(prompt).isInstanceOf(GatewayException.class).hasMessageNotContaining("Jane").hasMessageNotContaining("jane");
    }
  }

  /**
   * Responses built-in tools were forwarded as they came (review7/review8 left them): per type, text about a person
   * or a place is transformed, settings, ids and credentials are kept. Each row: the tool sent, the tool forwarded.
   */
  @Test
  void builtInToolsTransformTheirTextAndKeepTheirCode() throws Exception {
    String[][] rows = {
        {"{\"type\":\"web_search\",\"search_context_size\":\"low\",\"filters\":{\"allowed_domains\":[\"example.com\"]},"
            + "\"user_location\":{\"type\":\"approximate\",\"city\":\"Jane town\",\"region\":\"Jane\",\"country\":\"US\","
            + "\"timezone\":\"America/Chicago\"}}",
         "{\"type\":\"web_search\",\"search_context_size\":\"low\",\"filters\":{\"allowed_domains\":[\"example.com\"]},"
            + "\"user_location\":{\"type\":\"approximate\",\"city\":\"<PERSON_1> town\",\"region\":\"<PERSON_1>\","
            + "\"country\":\"US\",\"timezone\":\"America/Chicago\"}}"},
        {"{\"type\":\"web_search_preview_2025_03_11\",\"user_location\":{\"type\":\"approximate\",\"city\":\"Jane\"}}",
         "{\"type\":\"web_search_preview_2025_03_11\",\"user_location\":{\"type\":\"approximate\",\"city\":\"<PERSON_1>\"}}"},
        {"{\"type\":\"file_search\",\"vector_store_ids\":[\"vs_1\"],\"max_num_results\":5,\"ranking_options\":"
            + "{\"ranker\":\"auto\",\"score_threshold\":0.5},\"filters\":{\"type\":\"and\",\"filters\":["
            + "{\"type\":\"eq\",\"key\":\"owner\",\"value\":\"Jane Doe\"},{\"type\":\"in\",\"key\":\"tags\","
            + "\"value\":[\"Jane\",3,true]},{\"type\":\"gte\",\"key\":\"year\",\"value\":2024}]}}",
         "{\"type\":\"file_search\",\"vector_store_ids\":[\"vs_1\"],\"max_num_results\":5,\"ranking_options\":"
            + "{\"ranker\":\"auto\",\"score_threshold\":0.5},\"filters\":{\"type\":\"and\",\"filters\":["
            + "{\"type\":\"eq\",\"key\":\"owner\",\"value\":\"<PERSON_1> Doe\"},{\"type\":\"in\",\"key\":\"tags\","
            + "\"value\":[\"<PERSON_1>\",3,true]},{\"type\":\"gte\",\"key\":\"year\",\"value\":2024}]}}"},
        {"{\"type\":\"mcp\",\"server_label\":\"crm\",\"server_url\":\"https://mcp.example.com/sse\","
            + "\"server_description\":\"Jane's CRM\",\"headers\":{\"Authorization\":\"Bearer sk-Jane_1\",\"X-Key\":\"Jane\"},"
            + "\"authorization\":\"ya29.Jane\",\"allowed_tools\":{\"tool_names\":[\"lookup\"],\"read_only\":true},"
            + "\"require_approval\":{\"never\":{\"tool_names\":[\"lookup\"]}}}",
         "{\"type\":\"mcp\",\"server_label\":\"crm\",\"server_url\":\"https://mcp.example.com/sse\","
            + "\"server_description\":\"<PERSON_1>'s CRM\",\"headers\":{\"Authorization\":\"Bearer sk-Jane_1\",\"X-Key\":\"Jane\"},"
            + "\"authorization\":\"ya29.Jane\",\"allowed_tools\":{\"tool_names\":[\"lookup\"],\"read_only\":true},"
            + "\"require_approval\":{\"never\":{\"tool_names\":[\"lookup\"]}}}"},
        {"{\"type\":\"mcp\",\"server_label\":\"mail\",\"connector_id\":\"connector_gmail\",\"require_approval\":\"always\"}",
         "{\"type\":\"mcp\",\"server_label\":\"mail\",\"connector_id\":\"connector_gmail\",\"require_approval\":\"always\"}"},
        {"{\"type\":\"code_interpreter\",\"container\":{\"type\":\"auto\",\"file_ids\":[\"file_1\"],\"memory_limit\":\"4g\"}}",
         "{\"type\":\"code_interpreter\",\"container\":{\"type\":\"auto\",\"file_ids\":[\"file_1\"],\"memory_limit\":\"4g\"}}"},
        {"{\"type\":\"image_generation\",\"size\":\"1024x1024\",\"quality\":\"high\",\"output_compression\":80,"
            + "\"input_image_mask\":{\"file_id\":\"file_2\"}}",
         "{\"type\":\"image_generation\",\"size\":\"1024x1024\",\"quality\":\"high\",\"output_compression\":80,"
            + "\"input_image_mask\":{\"file_id\":\"file_2\"}}"},
        {"{\"type\":\"computer_use_preview\",\"display_width\":1024,\"display_height\":768,\"environment\":\"browser\"}",
         "{\"type\":\"computer_use_preview\",\"display_width\":1024,\"display_height\":768,\"environment\":\"browser\"}"},
        {"{\"type\":\"local_shell\"}", "{\"type\":\"local_shell\"}"}};
    for (String[] row : rows) {
      ObjectNode body = json("{\"input\":\"hi\",\"tools\":[" + row[0] + "]}");
      new ResponsesAdapter().pseudonymize(body, MARK);
      JsonNodeAssert.doc(body.at("/tools/0").toString(), row[1]);
    }
  }

  /**
   * What Veil cannot read in a built-in tool, or a type it does not know, is refused with 400 naming the field or
   * the type, never the value (nor a credential). Before: forwarded as it came.
   */
  @Test
  void builtInToolShapesVeilDoesNotReadAreRefused() throws Exception {
    String mcp = "\"type\":\"mcp\",\"server_label\":\"crm\",\"server_url\":\"https://mcp.example.com/sse\",";
    String fs = "\"type\":\"file_search\",\"vector_store_ids\":[\"vs_1\"],";
    String[] tools = {
        "{\"type\":\"web_search\",\"user_location\":{\"type\":\"approximate\",\"street\":\"Jane\"}}",
        "{\"type\":\"web_search\",\"user_location\":{\"type\":\"approximate\",\"city\":[\"Jane\"]}}",
        "{\"type\":\"web_search\",\"user_location\":{\"type\":\"exact\",\"city\":\"Jane\"}}",
        "{\"type\":\"web_search\",\"filters\":{\"allowed_domains\":[\"Jane Doe\"]}}",
        "{\"type\":\"web_search_preview\",\"search_context_size\":\"jane@example.com\"}",
        "{\"type\":\"web_search\",\"note\":\"Jane Doe\"}",
        "{\"type\":\"file_search\",\"vector_store_ids\":[\"Jane Doe\"]}",
        "{" + fs + "\"filters\":{\"type\":\"eq\",\"key\":\"Jane Doe\",\"value\":\"x\"}}",
        "{" + fs + "\"filters\":{\"type\":\"eq\",\"key\":\"k\",\"value\":{\"n\":\"Jane\"}}}",
        "{" + fs + "\"filters\":{\"type\":\"and\",\"filters\":[{\"type\":\"eq\",\"key\":\"k\",\"value\":\"x\",\"note\":\"Jane\"}]}}",
        "{" + fs + "\"filters\":{\"type\":\"and\",\"filters\":[\"Jane\"]}}",
        "{" + fs + "\"filters\":\"Jane\"}",
        "{" + fs + "\"ranking_options\":{\"ranker\":\"Jane Doe\"}}",
        "{\"type\":\"mcp\",\"server_label\":\"Jane Doe\",\"server_url\":\"https://mcp.example.com/sse\"}",
        "{\"type\":\"mcp\",\"server_label\":\"crm\",\"server_url\":\"https://mcp.example.com/sse?user=jane%40example.com\"}",
        "{\"type\":\"mcp\",\"server_label\":\"crm\",\"server_url\":\"https://jane@example.com/mcp\"}",
        "{" + mcp + "\"headers\":{\"Authorization\":\"Bearer sk-secret9\",\"X-User\":\"jane@example.com\"}}",
        "{" + mcp + "\"headers\":{\"Authorization\":\"Bearer sk-secret9\",\"X-User\":\"Jane Doe\"}}",
        "{" + mcp + "\"headers\":{\"X Jane\":\"sk-secret9\"}}",
        "{" + mcp + "\"headers\":{\"X-Key\":[\"sk-secret9\"]}}",
        "{" + mcp + "\"headers\":\"Bearer sk-secret9\"}",
        "{" + mcp + "\"authorization\":\"Jane Doe\"}",
        "{" + mcp + "\"authorization\":\"Bearer " + "x".repeat(8192) + "\"}",
        "{" + mcp + "\"server_description\":[\"Jane\"]}",
        "{" + mcp + "\"allowed_tools\":[\"Jane Doe\"]}",
        "{" + mcp + "\"require_approval\":{\"never\":{\"tool_names\":[\"jane@example.com\"]}}}",
        "{\"type\":\"code_interpreter\",\"container\":\"Jane Doe\"}",
        "{\"type\":\"image_generation\",\"input_image_mask\":{\"image_url\":\"data:image/png;base64,SmFuZQ==\"}}",
        "{\"type\":\"local_shell\",\"note\":\"Jane Doe\"}",
        "{\"type\":\"namespace\",\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"description\":\"Jane\"}]}",
        "{\"type\":\"Jane Doe\"}",
        "{\"name\":\"f\",\"description\":\"Jane\"}",
        "{\"type\":\"function\",\"name\":\"f\",\"note\":\"Jane Doe\"}",
        "{\"type\":\"custom\",\"name\":\"c\",\"format\":{\"type\":\"grammar\",\"syntax\":\"Jane Doe\"}}",
        "\"Jane\""};
    SoftAssertions rows = new SoftAssertions();
    for (String tool : tools) {
      ObjectNode body = json("{\"input\":\"hi\",\"tools\":[" + tool + "]}");
      rows.assertThat(catchThrowable(() -> new ResponsesAdapter().pseudonymize(body, MARK)))
          .as(tool).isInstanceOf(GatewayException.class).hasMessageNotContaining("Jane").hasMessageNotContaining("jane")
          .hasMessageNotContaining("sk-secret9");
    }
    rows.assertAll();
  }

  /** Found by AdaptersFuzzTest: free text in a tool call's type or index was forwarded verbatim. */
  @Test
  void toolCallsForwardOnlyIdFunctionTypeAndTransformedArguments() throws Exception {
    ObjectNode body = json("{\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\","
        + "\"index\":\"Jane\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":\\\"Jane\\\"}\",\"x\":\"Jane\"}}]}]}");
    new ChatCompletionsAdapter().pseudonymize(body, MARK);
    assertThat(body.toString()).doesNotContain("Jane");
    assertThatThrownBy(() -> new ChatCompletionsAdapter().pseudonymize(json("{\"messages\":[{\"role\":\"assistant\","
        + "\"tool_calls\":[{\"id\":\"c\",\"type\":\"Jane\",\"function\":{\"name\":\"f\"}}]}]}"), MARK))
        .isInstanceOf(GatewayException.class).hasMessageNotContaining("Jane");
    assertThatThrownBy(() -> new ChatCompletionsAdapter().pseudonymize(json("{\"messages\":[{\"role\":\"Jane\","
        + "\"content\":\"hi\"}]}"), MARK)).isInstanceOf(GatewayException.class).hasMessageNotContaining("Jane");
  }

  /** Found by AdaptersFuzzTest: readable text in a reasoning item's encrypted_content was forwarded. */
  @Test
  void reasoningCiphertextMustLookLikeCiphertext() throws Exception {
    ObjectNode ok = json("{\"input\":[{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[],"
        + "\"encrypted_content\":\"gAAAAABo-x_9/+==\"}]}");
    new ResponsesAdapter().pseudonymize(ok, MARK);
    assertThat(ok.at("/input/0/encrypted_content").asText()).isEqualTo("gAAAAABo-x_9/+==");
    assertThatThrownBy(() -> new ResponsesAdapter().pseudonymize(json("{\"input\":[{\"type\":\"reasoning\","
        + "\"encrypted_content\":\"mail Jane at jane@x.io\"}]}"), MARK))
        .isInstanceOf(GatewayException.class).hasMessageNotContaining("Jane");
  }

  /**
   * Tool results are JSON documents as text, and Python's {@code json.dumps} (ensure_ascii) writes every
   * non-ASCII letter as a JSON unicode escape (backslash, u, four hex digits). Detection read the escaped
   * text: of "François Müller" written that way only "Fran" was replaced and the escaped rest
   * reached the provider (reproduced against veil serve); an e-mail lost only its ASCII tail. The
   * string values of a tool result that is a JSON document are now read decoded, as tool-call
   * arguments are; a result that is not JSON stays text.
   */
  @Test
  void toolResultsThatAreJsonAreReadAsDecodedStringValues() throws Exception {
    java.util.List<String> seen = new java.util.ArrayList<>();
    TextTransform record = s -> {
      seen.add(s);
      return s.replace("Fran\u00e7ois M\u00fcller", "<PERSON_1>").replace("j\u00f6rg@example.de", "<EMAIL_1>");
    };
    String result = "{\\\"customer\\\": \\\"Fran\\\\u00e7ois M\\\\u00fcller\\\", \\\"n\\\": 2, "
        + "\\\"mails\\\": [\\\"j\\\\u00f6rg@example.de\\\"]}";
    ObjectNode chat = json("{\"messages\":[{\"role\":\"tool\",\"tool_call_id\":\"1\",\"content\":\"" + result + "\"},"
        + "{\"role\":\"tool\",\"tool_call_id\":\"2\",\"content\":\"3 results for Fran\u00e7ois M\u00fcller\"}]}");
    new ChatCompletionsAdapter().pseudonymize(chat, record);
    JsonNodeAssert.doc(chat.at("/messages/0/content").asText(), "{\"customer\":\"<PERSON_1>\",\"n\":2,\"mails\":[\"<EMAIL_1>\"]}");
    assertThat(chat.at("/messages/1/content").asText()).as("not JSON: text").isEqualTo("3 results for <PERSON_1>");

    ObjectNode responses = json("{\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":\"" + result + "\"}]}");
    new ResponsesAdapter().pseudonymize(responses, record);
    JsonNodeAssert.doc(responses.at("/input/0/output").asText(), "{\"customer\":\"<PERSON_1>\",\"n\":2,\"mails\":[\"<EMAIL_1>\"]}");
    assertThat(seen).noneMatch(s -> s.contains("\\u00"));
  }

  /**
   * The history cap keeps system and developer messages and the latest N others, and never lets the kept history
   * start on a function result whose call was dropped (the provider refuses such a conversation). A legacy
   * {@code function} result was kept as the first message (only {@code tool} was skipped), so a capped legacy
   * function-calling chat was refused upstream. Rows: messages (role letters), cap, roles kept, dropped count.
   */
  @ParameterizedTest(name = "{0} cap {1} -> {2}")
  @CsvSource({
      // s system, d developer, u user, a assistant (with a call where a result follows), t tool, f function
      "s u a u a, 2, s u a, 2",
      "u d u a, 2, d u a, 1",
      "u a t u, 2, u, 3",
      "u a f u, 2, u, 3",
      "u a t t u a, 3, u a, 4",
      "u a f u a, 3, u a, 3",
      "s u a, 5, s u a, 0",
  })
  void theHistoryCapKeepsTheLatestMessagesAndNeverStartsOnAResult(String roles, int cap, String kept, int dropped)
      throws Exception {
    java.util.Map<String, String> role = java.util.Map.of("s", "system", "d", "developer", "u", "user",
        "a", "assistant", "t", "tool", "f", "function");
    StringBuilder messages = new StringBuilder();
    for (String r : roles.split(" ")) {
      messages.append(messages.isEmpty() ? "" : ",").append("{\"role\":\"").append(role.get(r)).append("\"")
          .append(r.equals("t") ? ",\"tool_call_id\":\"c1\"" : r.equals("f") ? ",\"name\":\"lookup\"" : "")
          .append(",\"content\":\"x\"}");
    }
    ObjectNode body = json("{\"messages\":[" + messages + "]}");
    RequestStats stats = new RequestStats();
    new ChatCompletionsAdapter().minimize(body, new GatewayPolicy("capped", 1 << 20, cap, true, true), stats);
    StringBuilder left = new StringBuilder();
    body.get("messages").forEach(m -> left.append(left.isEmpty() ? "" : " ").append(
        role.entrySet().stream().filter(e -> e.getValue().equals(m.path("role").asText())).findFirst().orElseThrow().getKey()));
    assertThat(left.toString()).isEqualTo(kept);
    assertThat(stats.fieldsDropped()).isEqualTo(dropped);
  }

  /** The responses API's cap: the latest N input items, never starting on a function call's output. */
  @Test
  void theResponsesHistoryCapNeverStartsOnAFunctionCallOutput() throws Exception {
    ObjectNode body = json("{\"input\":[{\"role\":\"user\",\"content\":\"a\"},"
        + "{\"type\":\"function_call\",\"call_id\":\"c\",\"name\":\"f\",\"arguments\":\"{}\"},"
        + "{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":\"r\"},"
        + "{\"role\":\"user\",\"content\":\"b\"}]}");
    RequestStats stats = new RequestStats();
    new ResponsesAdapter().minimize(body, new GatewayPolicy("capped", 1 << 20, 2, true, true), stats);
    assertThat(body.get("input")).hasSize(1);
    assertThat(body.at("/input/0/content").asText()).isEqualTo("b");
    assertThat(stats.fieldsDropped()).isEqualTo(3);
  }

  /** JSON text compared as documents. */
  static final class JsonNodeAssert {
    static void doc(String actual, String expected) throws Exception {
      assertThat(Json.MAPPER.readTree(actual)).isEqualTo(Json.MAPPER.readTree(expected));
    }
  }
}
