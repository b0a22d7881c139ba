package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.core.Analyzer;
import io.veil.core.RestoreFormat;
import io.veil.core.Scope;
import io.veil.core.StreamingRestorer;
import io.veil.core.Veil;
import io.veil.core.recognizers.BuiltInRecognizers;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fuzzes the streamed chat answer path with the real Veil: a prompt is pseudonymized (minting real
 * tokens), then an upstream answer made of pieces of the pseudonymized prompt and fuzzer strings is
 * cut into SSE chunks for up to three choices, content and tool-call arguments interleaved. The
 * restored stream, reassembled per choice, must equal the whole-text restore of what the upstream
 * sent for that choice (content by {@link JsonAwareTextRestorer}'s rule) (and nothing but a {@link GatewayException} may be thrown).
 */
class ChatStreamFuzzTest {
  /** The real Veil with the built-in pattern recognizers (the name engine adds nothing to restore). */
  private static final Veil VEIL = Veil.builder()
      .analyzer(Analyzer.builder().addRecognizers(BuiltInRecognizers.all()).build()).build();
  private static final Scope SCOPE = new Scope("fuzz", "stream");
  private static final String SENT = VEIL.pseudonymize(SCOPE,
      "Mail jane.doe@example.com or bob@corp.example, card 4111 1111 1111 1111, and jane.doe@example.com again")
      .text();

  @FuzzTest(maxDuration = "60s")
  void streamedChoicesRestoreLikeWholeText(FuzzedDataProvider data) {
    Restorers restorers = new Restorers() {
      @Override
      public String restore(String text, RestoreFormat format) {
        return VEIL.restore(SCOPE, text, format);
      }

      @Override
      public StreamingRestorer streaming(RestoreFormat format) {
        return VEIL.streamingRestorer(SCOPE, format);
      }
    };
    StreamTransformer stream = new ChatCompletionsAdapter().streamTransformer(restorers);
    Map<String, StringBuilder> sent = new TreeMap<>();
    Map<String, StringBuilder> received = new TreeMap<>();
    int chunks = data.consumeInt(0, 40);
    for (int i = 0; i < chunks; i++) {
      int choice = data.consumeInt(0, 2);
      boolean args = data.consumeInt(0, 3) == 0;
      String piece = data.consumeBoolean() ? slice(data, SENT) : data.consumeString(16);
      sent.computeIfAbsent(key(choice, args), k -> new StringBuilder()).append(piece);
      ObjectNode chunk = Json.MAPPER.createObjectNode().put("id", "c").put("object", "chat.completion.chunk");
      ObjectNode c = chunk.putArray("choices").addObject().put("index", choice);
      ObjectNode delta = c.putObject("delta");
      if (args) {
        delta.putArray("tool_calls").addObject().put("index", 0).putObject("function").put("arguments", piece);
      } else {
        delta.put("content", piece);
      }
      collect(stream.onEvent(new SseEvent(null, Json.write(chunk))), received);
    }
    if (data.consumeBoolean()) {
      collect(stream.onEvent(new SseEvent(null, "[DONE]")), received);
    } else {
      collect(stream.onEnd(), received);
    }
    for (Map.Entry<String, StringBuilder> e : sent.entrySet()) {
      // content: a text answer, restored by the rule for JSON written in text (JsonAwareTextRestorer)
      String expected = e.getKey().endsWith("args")
          ? VEIL.restore(SCOPE, e.getValue().toString(), RestoreFormat.JSON_STRING)
          : JsonAwareTextRestorer.restore(e.getValue().toString(), restorers);
      assertThat(String.valueOf(received.get(e.getKey()))).as("restored stream of %s", e.getKey())
          .isEqualTo(expected);
    }
  }

  private static String key(int choice, boolean args) {
    return choice + (args ? "/args" : "/content");
  }

  private static String slice(FuzzedDataProvider data, String s) {
    int a = data.consumeInt(0, s.length());
    int b = data.consumeInt(a, s.length());
    return s.substring(a, b);
  }

  private static void collect(List<SseEvent> events, Map<String, StringBuilder> received) {
    for (SseEvent e : events) {
      if (e.isDone()) {
        continue;
      }
      JsonNode root;
      try {
        root = Json.MAPPER.readTree(e.data());
      } catch (java.io.IOException ex) {
        throw new AssertionError("transformer emitted invalid JSON", ex);
      }
      for (JsonNode c : root.path("choices")) {
        int choice = c.path("index").asInt();
        JsonNode delta = c.path("delta");
        if (delta.path("content").isTextual()) {
          received.computeIfAbsent(key(choice, false), k -> new StringBuilder()).append(delta.get("content").asText());
        }
        for (JsonNode call : delta.path("tool_calls")) {
          if (call.path("function").path("arguments").isTextual()) {
            received.computeIfAbsent(key(choice, true), k -> new StringBuilder())
                .append(call.get("function").get("arguments").asText());
          }
        }
      }
    }
  }

}
