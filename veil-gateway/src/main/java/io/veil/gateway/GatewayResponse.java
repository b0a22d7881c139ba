package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** What the chain answers: a whole JSON document or a stream of events. */
sealed interface GatewayResponse {
  int status();

  /** Headers to send to the client (lower-case names), besides the content type. */
  Map<String, String> headers();

  /**
   * A complete JSON answer.
   *
   * <p><b>Security:</b> the body is the restored answer (original values); {@code toString()} shows only the
   * status and the header names.
   */
  record Json(int status, Map<String, String> headers, JsonNode body) implements GatewayResponse {
    public Json {
      headers = Map.copyOf(headers);
    }

    @Override
    public String toString() {
      return "GatewayResponse.Json[status=" + status + ", headers=" + new java.util.TreeSet<>(headers.keySet()) + "]";
    }
  }

  /** A server-sent event stream; the writer pulls and flushes event by event. */
  record Stream(int status, Map<String, String> headers, EventStream events) implements GatewayResponse {
    public Stream {
      headers = Map.copyOf(headers);
    }
  }
}
