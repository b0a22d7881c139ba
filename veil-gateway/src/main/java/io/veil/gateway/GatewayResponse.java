package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** What the chain answers: a whole JSON document or a stream of events. */
sealed interface GatewayResponse {
  int status();

  /** Headers to send to the client (lower-case names), besides the content type. */
  Map<String, String> headers();

  /** A complete JSON answer. */
  record Json(int status, Map<String, String> headers, JsonNode body) implements GatewayResponse {
    public Json {
      headers = Map.copyOf(headers);
    }
  }

  /** A server-sent event stream; the writer pulls and flushes event by event. */
  record Stream(int status, Map<String, String> headers, EventStream events) implements GatewayResponse {
    public Stream {
      headers = Map.copyOf(headers);
    }
  }
}
