package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuzzes the JSON request adapters (chat completions, responses, completions, embeddings) with
 * request bodies the fuzzer assembles from the OpenAI vocabulary (roles, part and item types, tool
 * calls, arguments as JSON documents) and arbitrary strings. Some strings carry a marker standing for
 * personal data; the text transform replaces it, as detection would. After the gateway's own
 * minimization (top-level allow-list, then the adapter's) and {@code pseudonymize}, either the
 * adapter refused the request with a {@link GatewayException} (a 4xx, nothing forwarded), or:
 * <ul>
 *   <li>no marker is left anywhere under the fields that carry conversation text ({@code messages},
 *       {@code input}, {@code instructions}, {@code prompt}, {@code suffix}, {@code stop}), except in the
 *       identifier fields the protocol needs verbatim ({@link #VERBATIM});</li>
 *   <li>nothing but a {@link GatewayException} is thrown.</li>
 * </ul>
 */
class AdaptersFuzzTest {
  static final String MARK = "SECRET";
  /**
   * Fields forwarded as they are: call ids and function names, which the model chose, and the
   * provider's reasoning ciphertext (checked to be base64 only; see ResponsesAdapter.checkOpaque).
   */
  static final Set<String> VERBATIM = Set.of("id", "call_id", "tool_call_id", "name", "encrypted_content");
  private static final List<String> TEXT_ROOTS = List.of("messages", "input", "instructions", "prompt", "suffix",
      "stop");
  private static final List<String> KEYS = List.of("messages", "input", "instructions", "prompt", "suffix", "role",
      "content", "type", "text", "refusal", "tool_calls", "function", "function_call", "arguments", "name", "id",
      "call_id", "tool_call_id", "output", "summary", "encrypted_content", "status", "annotations", "index",
      "model", "user", "metadata", "stop", "tools", "extra", "audio", "image_url", "input_audio", "file");
  private static final List<String> WORDS = List.of("user", "assistant", "system", "developer", "tool", "function",
      "text", "input_text", "output_text", "refusal", "message", "function_call", "function_call_output",
      "reasoning", "item_reference", "summary_text", "image_url", "input_image", "input_audio", "{}", "[]",
      "{\"a\":\"SECRET\"}", "[\"SECRET\",1]", "\"SECRET\"", "gpt-4o", "");
  private static final ProtocolAdapter[] ADAPTERS = {new ChatCompletionsAdapter(), new ResponsesAdapter(),
      new CompletionsAdapter(), new EmbeddingsAdapter()};
  private static final TextTransform REPLACE_MARK = s -> s.replace(MARK, "<PERSON_1>");

  @FuzzTest(maxDuration = "60s")
  void requestTextIsTransformedOrRefused(FuzzedDataProvider data) {
    ProtocolAdapter adapter = ADAPTERS[data.consumeInt(0, ADAPTERS.length - 1)];
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    int fields = data.consumeInt(1, 4);
    for (int i = 0; i < fields; i++) {
      String key = data.consumeBoolean() ? TEXT_ROOTS.get(data.consumeInt(0, TEXT_ROOTS.size() - 1))
          : data.pickValue(KEYS);
      body.set(key, value(data, 0));
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) { // what MinimizationInterceptor does
      if (!adapter.allowedFields().contains(it.next())) {
        it.remove();
      }
    }
    String before = body.toString();
    try {
      adapter.minimize(body, GatewayPolicy.defaults("fuzz"), new RequestStats());
      adapter.pseudonymize(body, REPLACE_MARK);
    } catch (GatewayException refused) {
      assertThat(refused.status()).as("refusal status").isBetween(400, 499);
      assertThat(String.valueOf(refused.getMessage())).as("refusal message").doesNotContain(MARK);
      return;
    }
    for (String root : TEXT_ROOTS) {
      List<String> leaks = new ArrayList<>();
      findMarks(body.get(root), "/" + root, leaks);
      assertThat(leaks).as("marker left in %s forwarded by %s (request %s)", root,
          adapter.getClass().getSimpleName(), before).isEmpty();
    }
  }

  private static void findMarks(JsonNode node, String path, List<String> out) {
    if (node == null) {
      return;
    }
    if (node.isTextual()) {
      String field = path.substring(path.lastIndexOf('/') + 1);
      if (node.asText().contains(MARK) && !VERBATIM.contains(field)) {
        out.add(path);
      }
    } else if (node instanceof ObjectNode obj) {
      for (Map.Entry<String, JsonNode> e : obj.properties()) {
        if (e.getKey().contains(MARK)) {
          out.add(path + "/" + e.getKey() + " (key)");
        }
        findMarks(e.getValue(), path + "/" + e.getKey(), out);
      }
    } else if (node instanceof ArrayNode arr) {
      for (int i = 0; i < arr.size(); i++) {
        findMarks(arr.get(i), path + "/" + i, out);
      }
    }
  }

  private static JsonNode value(FuzzedDataProvider data, int depth) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    int kind = data.consumeInt(0, depth >= 5 ? 3 : 5);
    return switch (kind) {
      case 0 -> f.textNode(data.pickValue(WORDS));
      case 1 -> f.textNode(data.consumeString(12) + (data.consumeBoolean() ? MARK : ""));
      case 2 -> f.numberNode(data.consumeInt());
      case 3 -> data.consumeBoolean() ? f.nullNode() : f.booleanNode(data.consumeBoolean());
      case 4 -> {
        ArrayNode a = f.arrayNode();
        int n = data.consumeInt(0, 3);
        for (int i = 0; i < n; i++) {
          a.add(value(data, depth + 1));
        }
        yield a;
      }
      default -> {
        ObjectNode o = f.objectNode();
        int n = data.consumeInt(0, 4);
        for (int i = 0; i < n; i++) {
          String key = data.consumeInt(0, 20) == 0 ? data.consumeString(6) + MARK : data.pickValue(KEYS);
          o.set(key, value(data, depth + 1));
        }
        yield o;
      }
    };
  }
}
