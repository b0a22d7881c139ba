package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.veil.core.RestoreFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.UnaryOperator;

/** Walks JSON trees to transform string values. */
final class JsonText {
  private JsonText() {}

  /**
   * Transforms the string values inside a JSON document held as text (tool-call arguments); keys and
   * non-string values stay. Text that is not JSON is transformed as a whole.
   */
  static String transformJsonDocument(String json, TextTransform t) {
    JsonNode tree;
    try {
      tree = Json.MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      return t.apply(json);
    }
    if (tree == null) {
      return t.apply(json);
    }
    if (tree.isTextual()) {
      return Json.write(TextNode.valueOf(t.apply(tree.asText())));
    }
    transformStrings(tree, t);
    return Json.write(tree);
  }

  /** Transforms every string value in the tree in place (object keys stay). */
  static void transformStrings(JsonNode node, TextTransform t) {
    if (node instanceof ObjectNode obj) {
      for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isTextual()) {
          e.setValue(TextNode.valueOf(t.apply(e.getValue().asText())));
        } else {
          transformStrings(e.getValue(), t);
        }
      }
    } else if (node instanceof ArrayNode arr) {
      for (int i = 0; i < arr.size(); i++) {
        if (arr.get(i).isTextual()) {
          arr.set(i, TextNode.valueOf(t.apply(arr.get(i).asText())));
        } else {
          transformStrings(arr.get(i), t);
        }
      }
    }
  }

  /**
   * Restores every string value of a response in place. Values of fields named {@code arguments}
   * hold JSON documents (tool-call arguments) and are restored as JSON string content, so a restored
   * value cannot break out of its string. Values of fields named {@code logprobs} are the provider's
   * own tokens (a placeholder spans several; each entry's {@code bytes} must stay its token's UTF-8)
   * and are left as they are, whole as streamed.
   */
  static void restoreAll(JsonNode node, BiFunction<String, RestoreFormat, String> restore) {
    restoreAll(node, restore, NO_DOCUMENTS, null, RestoreFormat.TEXT);
  }

  private static final BiPredicate<ObjectNode, String> NO_DOCUMENTS = (owner, field) -> false;

  /**
   * As {@link #restoreAll(JsonNode, BiFunction)}; in addition the fields for which
   * {@code jsonDocument(owner, fieldName)} is true hold JSON documents as text (an answer in JSON
   * mode) and are restored as JSON string content too.
   */
  static void restoreAll(JsonNode node, BiFunction<String, RestoreFormat, String> restore,
                         BiPredicate<ObjectNode, String> jsonDocument) {
    restoreAll(node, restore, jsonDocument, null, RestoreFormat.TEXT);
  }

  /**
   * As {@link #restoreAll(JsonNode, BiFunction)}; in addition the string values of the fields for which
   * {@code answerField(owner, fieldName)} is true (the answer's text) are restored by {@code answerText}
   * (a text answer that may hold JSON: {@link JsonAwareTextRestorer}).
   */
  static void restoreAll(JsonNode node, BiFunction<String, RestoreFormat, String> restore,
                         BiPredicate<ObjectNode, String> answerField, UnaryOperator<String> answerText) {
    restoreAll(node, restore, answerField, answerText, RestoreFormat.TEXT);
  }

  /**
   * A provider's error object ({@code "error": {"message", …}}: an in-stream error event, a failed response's
   * {@code error}) keeps its placeholders, as a non-2xx answer's error does: a provider's error message may quote the
   * prompt, and error messages end up in the application's logs. <b>Security:</b> restoring it would put the
   * personal data back into them.
   */
  private static boolean providerError(Map.Entry<String, JsonNode> field) {
    return field.getKey().equals("error") && field.getValue().isObject();
  }

  private static void restoreAll(JsonNode node, BiFunction<String, RestoreFormat, String> restore,
                                 BiPredicate<ObjectNode, String> jsonDocument, UnaryOperator<String> answerText,
                                 RestoreFormat format) {
    if (node instanceof ObjectNode obj) {
      for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("logprobs") || providerError(e)) {
          continue;
        }
        boolean special = jsonDocument.test(obj, e.getKey());
        RestoreFormat f = e.getKey().equals("arguments") || (special && answerText == null)
            ? RestoreFormat.JSON_STRING : RestoreFormat.TEXT;
        if (e.getValue().isTextual()) {
          String v = e.getValue().asText();
          String r = special && answerText != null ? answerText.apply(v) : restore.apply(v, f);
          if (!r.equals(v)) {
            e.setValue(TextNode.valueOf(r));
          }
        } else {
          restoreAll(e.getValue(), restore, jsonDocument, answerText, f);
        }
      }
    } else if (node instanceof ArrayNode arr) {
      for (int i = 0; i < arr.size(); i++) {
        if (arr.get(i).isTextual()) {
          arr.set(i, TextNode.valueOf(restore.apply(arr.get(i).asText(), format)));
        } else {
          restoreAll(arr.get(i), restore, jsonDocument, answerText, format);
        }
      }
    }
  }
}
