package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.veil.core.RestoreFormat;
import io.veil.core.StreamingRestorer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** {@code POST /v1/completions} (legacy): string prompts; streamed {@code text} restored per choice. */
final class CompletionsAdapter implements ProtocolAdapter {
  private static final Set<String> FIELDS = Set.of("model", "prompt", "suffix", "max_tokens", "temperature", "top_p",
      "n", "stream", "stream_options", "logprobs", "echo", "stop", "presence_penalty", "frequency_penalty", "best_of",
      "logit_bias", "seed", "user");

  /** Top-level fields transformed here or by the minimization stage; the others are {@link VerbatimFields}. */
  private static final Set<String> REVIEWED = Set.of("prompt", "suffix", "stop", "user");

  @Override
  public Set<String> allowedFields() {
    return FIELDS;
  }

  @Override
  public void pseudonymize(ObjectNode body, TextTransform t) {
    VerbatimFields.check(body, REVIEWED, Map.of());
    ProtocolVocabulary.requireTokenIds(body);
    transformStrings(body, "prompt", t, true);
    // stop sequences are text, pseudonymized with the prompt's tokens (the model stops at the same place)
    transformStrings(body, "stop", t, false);
    ChatCompletionsAdapter.requireText(body, "suffix");
    if (body.path("suffix").isTextual()) {
      body.put("suffix", t.apply(body.get("suffix").asText()));
    }
  }

  /** A string or an array of strings; token arrays cannot be inspected and are refused. */
  static void transformStrings(ObjectNode body, String field, TextTransform t, boolean required) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "'" + field + "' is required");
      }
      return;
    }
    if (v.isTextual()) {
      body.put(field, t.apply(v.asText()));
      return;
    }
    if (v instanceof ArrayNode arr) {
      for (int i = 0; i < arr.size(); i++) {
        if (!arr.get(i).isTextual()) {
          throw GatewayException.badRequest(ErrorCodes.UNSUPPORTED_CONTENT, "'" + field
              + "' must be a string or an array of strings: token arrays cannot be inspected for personal data");
        }
        arr.set(i, TextNode.valueOf(t.apply(arr.get(i).asText())));
      }
      return;
    }
    throw GatewayException.badRequest(ErrorCodes.INVALID_REQUEST, "'" + field + "' must be a string or an array of strings");
  }

  @Override
  public String firstUserText(ObjectNode body) {
    JsonNode p = body.get("prompt");
    if (p != null && p.isTextual()) {
      return p.asText();
    }
    return p != null && p.isArray() && p.size() > 0 && p.get(0).isTextual() ? p.get(0).asText() : null;
  }

  @Override
  public StreamTransformer streamTransformer(Restorers restorers, RestoreFormat answerText) {
    return new StreamTransformer() {
      private final Map<Integer, StreamingRestorer> open = new TreeMap<>();
      private ObjectNode template;

      @Override
      public List<SseEvent> onEvent(SseEvent event) {
        if (event.isDone()) {
          return endWith(event);
        }
        JsonNode root = StreamTransformer.json(event);
        if (!(root instanceof ObjectNode chunk) || !(chunk.get("choices") instanceof ArrayNode choices)) {
          if (root instanceof ObjectNode obj) {
            JsonText.restoreAll(obj, restorers::restore);
            return List.of(new SseEvent(event.event(), Json.write(obj)));
          }
          return List.of(event);
        }
        template = chunk;
        for (JsonNode c : choices) {
          if (c instanceof ObjectNode choice) {
            int index = choice.path("index").asInt(0);
            if (choice.path("text").isTextual()) {
              String text = StreamTransformer.openText(open, index, i -> restorers.streaming(RestoreFormat.TEXT))
                  .push(choice.get("text").asText());
              choice.put("text", text);
            }
            if (choice.hasNonNull("finish_reason") && open.containsKey(index)) {
              choice.put("text", choice.path("text").asText("") + open.remove(index).finish());
            }
          }
        }
        return List.of(new SseEvent(event.event(), Json.write(chunk)));
      }

      @Override
      public List<SseEvent> onEnd() {
        if (open.isEmpty() || template == null) {
          open.clear();
          return List.of();
        }
        ObjectNode chunk = template.deepCopy();
        ArrayNode choices = chunk.putArray("choices");
        open.forEach((index, r) -> {
          ObjectNode choice = choices.addObject();
          choice.put("index", index);
          choice.put("text", r.finish());
          choice.putNull("finish_reason");
        });
        open.clear();
        return List.of(new SseEvent(null, Json.write(chunk)));
      }
    };
  }
}
