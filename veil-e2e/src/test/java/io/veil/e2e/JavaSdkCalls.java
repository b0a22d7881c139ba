package io.veil.e2e;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The calls the e2e tests make with the official OpenAI Java SDK ({@code com.openai:openai-java}), each
 * returning what a client application would see: the text, reassembled from the stream where streamed.
 */
final class JavaSdkCalls {

  static final String MODEL = "gpt-4o-mini";
  static final String TOOL = "save_contact";

  private final OpenAIClient client;

  JavaSdkCalls(URI baseUrl, String apiKey) {
    this.client = OpenAIOkHttpClient.builder()
        .baseUrl(baseUrl.resolve("/v1").toString())
        .apiKey(apiKey)
        .maxRetries(0)
        .timeout(Duration.ofSeconds(60))
        .build();
  }

  /** A streamed text with the number of non-empty pieces it arrived in. */
  record Streamed(String text, int pieces) {}

  /** A tool call: the function's name and its arguments JSON, reassembled from the deltas when streamed. */
  record ToolCall(String name, String arguments, int pieces) {}

  OpenAIClient client() {
    return client;
  }

  private static ChatCompletionCreateParams.Builder chatParams(String userText, String conversation) {
    ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder()
        .model(MODEL)
        .addSystemMessage("You are a helpful assistant.")
        .addUserMessage(userText);
    if (conversation != null) {
      b.putAdditionalHeader("X-Veil-Conversation", conversation);
    }
    return b;
  }

  String chat(String userText) {
    return chat(userText, null);
  }

  String chat(String userText, String conversation) {
    ChatCompletion c = client.chat().completions().create(chatParams(userText, conversation).build());
    return c.choices().getFirst().message().content().orElseThrow();
  }

  Streamed chatStreamed(String userText) {
    StringBuilder text = new StringBuilder();
    int pieces = 0;
    try (StreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(chatParams(userText, null).build())) {
      for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
        for (ChatCompletionChunk.Choice choice : chunk.choices()) {
          String piece = choice.delta().content().orElse("");
          if (!piece.isEmpty()) {
            pieces++;
            text.append(piece);
          }
        }
      }
    }
    return new Streamed(text.toString(), pieces);
  }

  private static ChatCompletionFunctionTool chatTool() {
    return ChatCompletionFunctionTool.builder()
        .function(FunctionDefinition.builder()
            .name(TOOL)
            .description("Saves the contact details found in a text.")
            .parameters(FunctionParameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("text", Map.of("type", "string"))))
                .build())
            .build())
        .build();
  }

  ToolCall chatToolCall(String userText) {
    ChatCompletion c = client.chat().completions().create(chatParams(userText, null).addTool(chatTool()).build());
    ChatCompletionMessageToolCall call = c.choices().getFirst().message().toolCalls().orElseThrow().getFirst();
    return new ToolCall(call.asFunction().function().name(), call.asFunction().function().arguments(), 1);
  }

  ToolCall chatToolCallStreamed(String userText) {
    StringBuilder args = new StringBuilder();
    String name = null;
    int pieces = 0;
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
        .createStreaming(chatParams(userText, null).addTool(chatTool()).build())) {
      for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
        for (ChatCompletionChunk.Choice choice : chunk.choices()) {
          for (ChatCompletionChunk.Choice.Delta.ToolCall call : choice.delta().toolCalls().orElse(List.of())) {
            if (call.function().isEmpty()) {
              continue;
            }
            if (call.function().get().name().isPresent()) {
              name = call.function().get().name().get();
            }
            String piece = call.function().get().arguments().orElse("");
            if (!piece.isEmpty()) {
              pieces++;
              args.append(piece);
            }
          }
        }
      }
    }
    return new ToolCall(name, args.toString(), pieces);
  }

  private static ResponseCreateParams.Builder responseParams(String input) {
    return ResponseCreateParams.builder().model(MODEL).input(input);
  }

  String response(String input) {
    Response r = client.responses().create(responseParams(input).build());
    StringBuilder text = new StringBuilder();
    for (ResponseOutputItem item : r.output()) {
      item.message().ifPresent(m -> m.content().forEach(c -> c.outputText().ifPresent(t -> text.append(t.text()))));
    }
    return text.toString();
  }

  Streamed responseStreamed(String input) {
    StringBuilder text = new StringBuilder();
    int pieces = 0;
    boolean completed = false;
    try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(responseParams(input).build())) {
      for (ResponseStreamEvent event : (Iterable<ResponseStreamEvent>) stream.stream()::iterator) {
        if (event.outputTextDelta().isPresent()) {
          pieces++;
          text.append(event.outputTextDelta().get().delta());
        }
        completed |= event.completed().isPresent();
      }
    }
    if (!completed) {
      throw new AssertionError("the Responses stream ended without response.completed");
    }
    return new Streamed(text.toString(), pieces);
  }

  ToolCall responseToolCallStreamed(String input) {
    FunctionTool tool = FunctionTool.builder()
        .name(TOOL)
        .parameters(FunctionTool.Parameters.builder()
            .putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty("properties", JsonValue.from(Map.of("text", Map.of("type", "string"))))
            .build())
        .strict(false)
        .build();
    StringBuilder args = new StringBuilder();
    String name = null;
    int pieces = 0;
    try (StreamResponse<ResponseStreamEvent> stream =
        client.responses().createStreaming(responseParams(input).addTool(tool).build())) {
      for (ResponseStreamEvent event : (Iterable<ResponseStreamEvent>) stream.stream()::iterator) {
        if (event.functionCallArgumentsDelta().isPresent()) {
          pieces++;
          args.append(event.functionCallArgumentsDelta().get().delta());
        }
        if (event.outputItemAdded().isPresent() && event.outputItemAdded().get().item().functionCall().isPresent()) {
          name = event.outputItemAdded().get().item().functionCall().get().name();
        }
      }
    }
    return new ToolCall(name, args.toString(), pieces);
  }

  List<Float> embedding(String input) {
    return client.embeddings().create(EmbeddingCreateParams.builder()
            .model("text-embedding-3-small")
            .input(input)
            .build())
        .data().getFirst().embedding();
  }

  List<String> models() {
    return client.models().list().data().stream().map(m -> m.id()).toList();
  }
}
