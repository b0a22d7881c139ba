package io.veil.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
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

  /** A transformer restoring this endpoint's streamed events. */
  StreamTransformer streamTransformer(Restorers restorers);
}
