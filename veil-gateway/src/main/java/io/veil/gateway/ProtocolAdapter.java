package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.core.RestoreFormat;
import java.util.Set;

/**
 * What Veil knows about one OpenAI endpoint: which request fields it forwards, where the request's
 * text is, and how its streamed events carry text back.
 */
interface ProtocolAdapter {

  /** Top-level request fields forwarded; every other field is dropped (and counted). */
  Set<String> allowedFields();

  /**
   * Drops fields Veil does not forward inside the request's messages/items and caps history;
   * counts what it drops.
   */
  default void minimize(ObjectNode body, GatewayPolicy policy, RequestStats stats) {}

  /**
   * Replaces the personal data in every piece of text the request sends, in place.
   *
   * @throws GatewayException 400 for content Veil cannot inspect (it is never forwarded)
   */
  void pseudonymize(ObjectNode body, TextTransform transform);

  /** The first user text of the request (for the conversation fallback), or null. */
  String firstUserText(ObjectNode body);

  /**
   * How the answer's text is written, as the request asked for it: {@link RestoreFormat#JSON_STRING}
   * when the answer text is a JSON document (structured outputs, JSON mode), so a restored value with
   * a quote, backslash or line break is escaped inside its JSON string instead of breaking the
   * document; {@link RestoreFormat#TEXT} otherwise.
   *
   * @param request the request as forwarded
   */
  default RestoreFormat answerTextFormat(ObjectNode request) {
    return RestoreFormat.TEXT;
  }

  /** A transformer restoring this endpoint's streamed events, answer text as plain text. */
  default StreamTransformer streamTransformer(Restorers restorers) {
    return streamTransformer(restorers, RestoreFormat.TEXT);
  }

  /**
   * A transformer restoring this endpoint's streamed events.
   *
   * @param answerText how the answer's text is written ({@link #answerTextFormat(ObjectNode)})
   */
  StreamTransformer streamTransformer(Restorers restorers, RestoreFormat answerText);

  /**
   * Restores a whole JSON answer in place: every string, tool-call arguments as JSON string content,
   * and the answer's text in {@code answerText} format.
   */
  default void restoreAnswer(JsonNode answer, Restorers restorers, RestoreFormat answerText) {
    JsonText.restoreAll(answer, restorers::restore);
  }
}
