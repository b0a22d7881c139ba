package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Verbatim fields whose values are a closed protocol vocabulary: a one-word value (a surname) passed the shape-only
 * word check and was forwarded as it was (review8/tools9 left it). Table-driven: each row a field, a value an
 * official SDK sends, and the same field holding a surname.
 */
class ProtocolVocabularyTest {
  private static final TextTransform MARK = s -> s.replace("Kowalski", "<PERSON_1>");
  private static final String CHAT = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
  private static final String MCP = "\"type\":\"mcp\",\"server_label\":\"crm\",\"server_url\":\"https://mcp.example.com/sse\",";
  private static final String FS = "\"type\":\"file_search\",\"vector_store_ids\":[\"vs_1\"],";

  /** endpoint, body with %s where the value goes, an accepted value. */
  private static final String[][] ROWS = {
      {"chat", "{" + CHAT + ",\"reasoning_effort\":%s}", "\"minimal\""},
      {"chat", "{" + CHAT + ",\"service_tier\":%s}", "\"flex\""},
      {"chat", "{" + CHAT + ",\"verbosity\":%s}", "\"low\""},
      {"chat", "{" + CHAT + ",\"response_format\":{\"type\":%s}}", "\"json_object\""},
      {"chat", "{" + CHAT + ",\"tool_choice\":%s}", "\"required\""},
      {"chat", "{" + CHAT + ",\"tool_choice\":{\"type\":%s,\"function\":{\"name\":\"f\"}}}", "\"function\""},
      {"chat", "{" + CHAT + ",\"tool_choice\":{\"type\":\"allowed_tools\",\"allowed_tools\":{\"mode\":%s,"
          + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}}}", "\"auto\""},
      {"chat", "{" + CHAT + ",\"function_call\":%s}", "\"none\""},
      {"chat", "{" + CHAT + ",\"web_search_options\":{\"search_context_size\":%s}}", "\"high\""},
      {"responses", "{\"input\":\"hi\",\"reasoning\":{\"effort\":%s}}", "\"high\""},
      {"responses", "{\"input\":\"hi\",\"reasoning\":{\"summary\":%s}}", "\"detailed\""},
      {"responses", "{\"input\":\"hi\",\"service_tier\":%s}", "\"priority\""},
      {"responses", "{\"input\":\"hi\",\"truncation\":%s}", "\"disabled\""},
      {"responses", "{\"input\":\"hi\",\"text\":{\"format\":{\"type\":%s}}}", "\"text\""},
      {"responses", "{\"input\":\"hi\",\"text\":{\"verbosity\":%s}}", "\"medium\""},
      {"responses", "{\"input\":\"hi\",\"include\":[\"reasoning.encrypted_content\",%s]}", "\"message.output_text.logprobs\""},
      {"responses", "{\"input\":\"hi\",\"tool_choice\":%s}", "\"auto\""},
      {"responses", "{\"input\":\"hi\",\"tool_choice\":{\"type\":%s}}", "\"file_search\""},
      {"responses", "{\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\",\"search_context_size\":%s}]}", "\"low\""},
      {"responses", "{\"input\":\"hi\",\"tools\":[{" + FS + "\"ranking_options\":{\"ranker\":%s}}]}", "\"auto\""},
      {"responses", "{\"input\":\"hi\",\"tools\":[{" + FS + "\"filters\":{\"type\":%s,\"key\":\"k\",\"value\":\"v\"}}]}",
          "\"gte\""},
      {"responses", "{\"input\":\"hi\",\"tools\":[{" + FS + "\"filters\":{\"type\":%s,\"filters\":[]}}]}", "\"or\""},
      {"responses", "{\"input\":\"hi\",\"tools\":[{" + MCP + "\"require_approval\":%s}]}", "\"never\""},
      {"responses", "{\"input\":\"hi\",\"tools\":[{\"type\":\"mcp\",\"server_label\":\"g\",\"connector_id\":%s}]}",
          "\"connector_gmail\""},
      {"responses", "{\"input\":\"hi\",\"tools\":[{\"type\":\"code_interpreter\",\"container\":{\"type\":\"auto\","
          + "\"memory_limit\":%s}}]}", "\"4g\""},
      {"responses", "{\"input\":\"hi\",\"tools\":[{\"type\":\"image_generation\",\"quality\":%s}]}", "\"high\""},
      {"responses", "{\"input\":\"hi\",\"tools\":[{\"type\":\"image_generation\",\"size\":%s}]}", "\"1024x1536\""},
      {"responses", "{\"input\":\"hi\",\"tools\":[{\"type\":\"computer_use_preview\",\"display_width\":1,"
          + "\"display_height\":1,\"environment\":%s}]}", "\"browser\""},
      {"embeddings", "{\"input\":\"hi\",\"encoding_format\":%s}", "\"base64\""}};

  @Test
  void vocabularyFieldsTakeTheProtocolsWordsAndRefuseAnyOtherWord() throws Exception {
    SoftAssertions soft = new SoftAssertions();
    for (String[] row : ROWS) {
      Throwable accepted = catchThrowable(() -> pseudonymize(row[0], String.format(row[1], row[2])));
      soft.assertThat(accepted).as("accepted: " + row[1] + " with " + row[2]).isNull();
      Throwable refused = catchThrowable(() -> pseudonymize(row[0], String.format(row[1], "\"Kowalski\"")));
      soft.assertThat(refused).as("refused: " + row[1]).isInstanceOf(GatewayException.class);
      if (refused instanceof GatewayException g) {
        soft.assertThat(g.code()).as(row[1]).isEqualTo(ErrorCodes.UNSUPPORTED_CONTENT);
        soft.assertThat(g.getMessage()).as(row[1]).doesNotContain("Kowalski").contains(" must be ");
      }
    }
    soft.assertAll();
  }

  @Test
  void logitBiasKeysAreTokenIds() throws Exception {
    pseudonymize("chat", "{" + CHAT + ",\"logit_bias\":{\"50256\":-100}}");
    pseudonymize("completions", "{\"prompt\":\"hi\",\"logit_bias\":{\"50256\":-100}}");
    for (String endpoint : new String[] {"chat", "completions"}) {
      String body = endpoint.equals("chat") ? "{" + CHAT + ",\"logit_bias\":{\"Kowalski\":5}}"
          : "{\"prompt\":\"hi\",\"logit_bias\":{\"Kowalski\":5}}";
      Throwable t = catchThrowable(() -> pseudonymize(endpoint, body));
      assertThat(t).as(endpoint).isInstanceOf(GatewayException.class).hasMessageNotContaining("Kowalski");
    }
  }

  @Test
  void theRefusalNamesTheFieldAndItsWords() {
    Throwable t = catchThrowable(() -> pseudonymize("responses",
        "{\"input\":\"hi\",\"tools\":[{" + MCP + "\"require_approval\":\"Kowalski\"}]}"));
    assertThat(t).hasMessageContaining("'tools[mcp].require_approval' must be one of always, never");
  }

  private static void pseudonymize(String endpoint, String body) throws Exception {
    ObjectNode json = (ObjectNode) Json.MAPPER.readTree(body);
    switch (endpoint) {
      case "chat" -> new ChatCompletionsAdapter().pseudonymize(json, MARK);
      case "responses" -> new ResponsesAdapter().pseudonymize(json, MARK);
      case "completions" -> new CompletionsAdapter().pseudonymize(json, MARK);
      default -> new EmbeddingsAdapter().pseudonymize(json, MARK);
    }
  }
}
