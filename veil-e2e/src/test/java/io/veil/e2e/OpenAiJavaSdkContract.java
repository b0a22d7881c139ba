package io.veil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every OpenAI-compatible endpoint of the stack must do for the official Java SDK, whatever stands between
 * the SDK and the mock provider: the answer the client sees is its own last message, verbatim, whole or
 * streamed, also inside tool-call arguments. Subclasses say where the SDK points.
 */
abstract class OpenAiJavaSdkContract {

  /** A prompt with personal data of the structured kinds; the mock echoes it, so the client must see it back. */
  static final String SAMPLE = "Please update the file of Maria Keller: email maria.keller@example.org, "
      + "phone +1 (415) 555-0137, card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, "
      + "SSN 078-05-1120. Thanks!";
  static final List<String> SAMPLE_VALUES = List.of("maria.keller@example.org", "(415) 555-0137",
      "4111 1111 1111 1111", "DE89 3704 0044 0532 0130 00", "078-05-1120");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  abstract JavaSdkCalls sdk();

  @Test
  void chatAnswerIsTheUserMessage() {
    assertThat(sdk().chat(SAMPLE)).isEqualTo(SAMPLE);
  }

  @Test
  void streamedChatReassemblesToTheUserMessage() {
    JavaSdkCalls.Streamed s = sdk().chatStreamed(SAMPLE);
    assertThat(s.text()).isEqualTo(SAMPLE);
    assertThat(s.pieces()).as("streamed in small pieces").isGreaterThan(SAMPLE.length() / 8);
  }

  @Test
  void toolCallArgumentsCarryTheUserMessage() throws Exception {
    JavaSdkCalls.ToolCall call = sdk().chatToolCall(SAMPLE);
    assertThat(call.name()).isEqualTo(JavaSdkCalls.TOOL);
    assertThat(MAPPER.readTree(call.arguments()).path("text").asText()).isEqualTo(SAMPLE);
  }

  @Test
  void streamedToolCallArgumentsReassemble() throws Exception {
    JavaSdkCalls.ToolCall call = sdk().chatToolCallStreamed(SAMPLE);
    assertThat(call.name()).isEqualTo(JavaSdkCalls.TOOL);
    assertThat(call.pieces()).isGreaterThan(SAMPLE.length() / 8);
    JsonNode args = MAPPER.readTree(call.arguments());
    assertThat(args.path("text").asText()).isEqualTo(SAMPLE);
  }

  @Test
  void responsesAnswerIsTheInput() {
    assertThat(sdk().response(SAMPLE)).isEqualTo(SAMPLE);
  }

  @Test
  void streamedResponsesReassembleToTheInput() {
    JavaSdkCalls.Streamed s = sdk().responseStreamed(SAMPLE);
    assertThat(s.text()).isEqualTo(SAMPLE);
    assertThat(s.pieces()).isGreaterThan(SAMPLE.length() / 8);
  }

  @Test
  void streamedResponsesFunctionCallArgumentsReassemble() throws Exception {
    JavaSdkCalls.ToolCall call = sdk().responseToolCallStreamed(SAMPLE);
    assertThat(call.name()).isEqualTo(JavaSdkCalls.TOOL);
    assertThat(MAPPER.readTree(call.arguments()).path("text").asText()).isEqualTo(SAMPLE);
  }

  @Test
  void embeddingsAreConsistentForTheSameInput() {
    List<Float> a = sdk().embedding(SAMPLE);
    List<Float> b = sdk().embedding(SAMPLE);
    List<Float> other = sdk().embedding("A text without anything personal in it.");
    assertThat(a).isNotEmpty().isEqualTo(b).isNotEqualTo(other);
  }

  @Test
  void modelsAreListed() {
    assertThat(sdk().models()).isNotEmpty();
  }
}
