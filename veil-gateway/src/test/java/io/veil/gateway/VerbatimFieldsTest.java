package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fields every adapter forwards as they are, without detection: protocol words pass, text is refused
 * before anything is transformed or forwarded. Before this check, any JSON in them reached the provider.
 */
class VerbatimFieldsTest {
  private static final TextTransform MARK = s -> s.replace("Jane", "<PERSON_1>");
  private static final ProtocolAdapter CHAT = new ChatCompletionsAdapter();
  private static final ProtocolAdapter RESPONSES = new ResponsesAdapter();
  private static final ProtocolAdapter COMPLETIONS = new CompletionsAdapter();
  private static final ProtocolAdapter EMBEDDINGS = new EmbeddingsAdapter();

  private static ProtocolAdapter adapter(String name) {
    return switch (name) {
      case "chat" -> CHAT;
      case "responses" -> RESPONSES;
      case "completions" -> COMPLETIONS;
      default -> EMBEDDINGS;
    };
  }

  private static String text(String adapter) {
    return switch (adapter) {
      case "chat" -> "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
      case "responses" -> "\"input\":\"hi\"";
      case "completions" -> "\"prompt\":\"hi\"";
      default -> "\"input\":\"hi\"";
    };
  }

  private static ObjectNode body(String adapter, String fields) throws Exception {
    return (ObjectNode) Json.MAPPER.readTree("{" + text(adapter) + "," + fields + "}");
  }

  /** Text in a field forwarded as it is: refused with 400 veil_unsupported_content, the value not echoed. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "chat        | \"model\":\"jane.doe@example.com\"",
      "chat        | \"model\":\"gpt-4o Jane Doe\"",
      "chat        | \"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"},\"note\":\"call Jane Doe\"}",
      "chat        | \"stream_options\":{\"include_usage\":true,\"why\":\"Jane Doe, 12 Baker Street\"}",
      "chat        | \"logit_bias\":{\"Jane Doe\":5}",
      "chat        | \"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"r\",\"schema\":{},\"note\":\"Jane Doe\"}}",
      "chat        | \"response_format\":{\"type\":\"json_object\",\"schema\":{\"description\":\"Jane Doe\"}}",
      "chat        | \"function_call\":{\"name\":\"jane.doe@example.com\"}",
      "chat        | \"reasoning_effort\":\"low, for Jane Doe\"",
      "responses   | \"reasoning\":{\"effort\":\"low\",\"summary\":\"about Jane Doe\"}",
      "responses   | \"text\":{\"verbosity\":\"low\",\"hint\":\"Jane Doe\"}",
      "responses   | \"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"jane.doe@example.com\",\"schema\":{}}}",
      "responses   | \"text\":{\"format\":{\"type\":\"text\",\"description\":\"Jane Doe\"}}",
      "responses   | \"include\":[\"message.output_text.logprobs\",\"Jane Doe\"]",
      "responses   | \"previous_response_id\":\"resp 1 of Jane Doe\"",
      "chat        | \"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"jane.doe@example.com\"}}]",
      "chat        | \"functions\":[{\"name\":\"call Jane Doe\"}]",
      "chat        | \"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"Jane Doe\"}}]",
      "responses   | \"tools\":[{\"type\":\"function\",\"name\":\"Jane Doe\",\"parameters\":{}}]",
      "completions | \"logit_bias\":{\"50256\":-100,\"x\":\"Jane Doe\"}",
      "embeddings  | \"encoding_format\":\"float for Jane Doe\"",
  })
  void textInAVerbatimFieldIsRefused(String adapter, String fields) throws Exception {
    ObjectNode b = body(adapter, fields);
    assertThatThrownBy(() -> adapter(adapter).pseudonymize(b, MARK)).isInstanceOfSatisfying(GatewayException.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.code()).isEqualTo(ErrorCodes.UNSUPPORTED_CONTENT);
      assertThat(e.getMessage()).doesNotContain("Jane").doesNotContain("jane").doesNotContain("example.com");
    });
  }

  /** What SDKs and apps really send there passes unchanged. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "chat        | \"model\":\"gpt-4o-2024-08-06\",\"temperature\":0.2,\"n\":1,\"seed\":7,\"stream\":true,\"stream_options\":{\"include_usage\":true},\"logprobs\":false,\"top_logprobs\":null",
      "chat        | \"model\":\"claude-3-5-sonnet@20240620\",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}},\"parallel_tool_calls\":false",
      "chat        | \"model\":\"ft:gpt-4o-mini:acme:support-v2:9abcDEF\",\"logit_bias\":{\"50256\":-100},\"service_tier\":\"flex\",\"reasoning_effort\":\"low\",\"verbosity\":\"medium\"",
      "chat        | \"model\":\"meta-llama/Llama-3.1-8B-Instruct\",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"person_card\",\"strict\":true,\"description\":\"about Jane Doe\",\"schema\":{\"type\":\"object\",\"properties\":{\"full name\":{\"type\":\"string\",\"description\":\"the name, e.g. Jane Doe\"}}}}}",
      "chat        | \"model\":\"llama3:8b\",\"tool_choice\":\"required\",\"function_call\":\"auto\",\"store\":false,\"max_completion_tokens\":100",
      "responses   | \"model\":\"o4-mini\",\"reasoning\":{\"effort\":\"high\",\"summary\":\"auto\"},\"include\":[\"reasoning.encrypted_content\"],\"truncation\":\"auto\",\"previous_response_id\":\"resp_68af4030592c81938ec0a5fbab4a3e9f\"",
      "responses   | \"text\":{\"verbosity\":\"low\",\"format\":{\"type\":\"json_schema\",\"name\":\"card\",\"description\":\"Jane Doe's card\",\"schema\":{\"enum\":[\"Jane Doe\"]}}},\"tool_choice\":{\"type\":\"allowed_tools\",\"mode\":\"auto\",\"tools\":[{\"type\":\"function\",\"name\":\"f\"}]}",
      "completions | \"model\":\"gpt-3.5-turbo-instruct\",\"echo\":true,\"best_of\":2,\"logit_bias\":{\"50256\":-100}",
      "embeddings  | \"model\":\"text-embedding-3-small\",\"encoding_format\":\"base64\",\"dimensions\":256",
  })
  void protocolValuesPass(String adapter, String fields) throws Exception {
    ObjectNode b = body(adapter, fields);
    assertThatCode(() -> adapter(adapter).pseudonymize(b, MARK)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "gpt-4o", "a=b", "x@20240620", "resp_1", "file_search_call.results", "50256"})
  void protocolWords(String s) {
    assertThat(VerbatimFields.word(s)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Jane Doe", "jane.doe@example.com", "a\tb", "Zoë", "line\nbreak", "é"})
  void notProtocolWords(String s) {
    assertThat(VerbatimFields.word(s)).isFalse();
  }

  /** Identifiers inside messages and items are forwarded as they are: they must be protocol words too (review7). */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "chat      | {\"messages\":[{\"role\":\"tool\",\"tool_call_id\":\"jane.doe@example.com\",\"content\":\"ok\"}]}",
      "chat      | {\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"call for Jane Doe\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}]}",
      "chat      | {\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"Jane Doe\",\"arguments\":\"{}\"}}]}]}",
      "chat      | {\"messages\":[{\"role\":\"assistant\",\"function_call\":{\"name\":\"jane.doe@example.com\",\"arguments\":\"{}\"}}]}",
      "responses | {\"input\":[{\"type\":\"function_call\",\"call_id\":\"Jane Doe\",\"name\":\"f\",\"arguments\":\"{}\"}]}",
      "responses | {\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"jane.doe@example.com\",\"output\":\"ok\"}]}",
      "responses | {\"input\":[{\"type\":\"item_reference\",\"id\":\"msg of Jane Doe\"}]}",
  })
  void textInAnIdentifierIsRefused(String adapter, String json) throws Exception {
    ObjectNode b = (ObjectNode) Json.MAPPER.readTree(json);
    assertThatThrownBy(() -> adapter(adapter).pseudonymize(b, MARK)).isInstanceOfSatisfying(GatewayException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCodes.UNSUPPORTED_CONTENT);
      assertThat(e.getMessage()).doesNotContain("Jane").doesNotContain("jane");
    });
  }
}
