package io.veil.gateway.mock;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/** Where a stub endpoint writes its answer: one JSON body, or a stream of server-sent events. */
interface Reply {

  /** Sends a whole JSON body with the given status. */
  void json(int status, JsonNode body) throws IOException;

  /** Sends one server-sent event and flushes it; {@code event} is the SSE event name, or {@code null}. */
  void event(String event, JsonNode data) throws IOException;

  /** Sends the chat/completions stream terminator {@code data: [DONE]} and flushes it. */
  void done() throws IOException;
}
