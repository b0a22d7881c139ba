package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites a stream of events one at a time, restoring text as soon as it may leave. Not
 * thread-safe; one per stream.
 */
interface StreamTransformer {
  /** The events to emit for this upstream event (usually just it, rewritten). */
  List<SseEvent> onEvent(SseEvent event);

  /** Events to emit when the upstream stream ends (held-back text). */
  List<SseEvent> onEnd();

  /**
   * The failure for an event whose data is not JSON: the stream ends with an error event
   * ({@code PiiInterceptor.RestoringStream}) rather than passing bytes no SDK can parse.
   */
  /** What {@link #onEnd()} still holds, then the stream's closing {@code [DONE]} event itself. */
  default List<SseEvent> endWith(SseEvent done) {
    List<SseEvent> out = new ArrayList<>(onEnd());
    out.add(done);
    return out;
  }

  /**
   * The event's data as JSON. Not JSON: nothing to restore in it and nothing an SDK can parse, so the
   * stream ends clearly ({@link #malformedEvent()}).
   */
  static JsonNode json(SseEvent event) {
    try {
      return Json.MAPPER.readTree(event.data());
    } catch (IOException e) {
      throw malformedEvent();
    }
  }

  /**
   * The most texts one stream restores at the same time (per choice and field, per tool call, per output item and
   * content part): each holds a restorer, so an upstream inventing new indices would otherwise grow the gateway's
   * memory without bound. OpenAI's own limits (128 choices, a few fields each) stay well below it.
   */
  int MAX_OPEN_TEXTS = 1024;

  /**
   * The restorer of the streamed text {@code key} in {@code open}, made by {@code make} when the text is new;
   * refuses to open one more text when {@code open} already holds {@link #MAX_OPEN_TEXTS}.
   */
  static <K, V> V openText(java.util.Map<K, V> open, K key, java.util.function.Function<? super K, ? extends V> make) {
    if (open.size() >= MAX_OPEN_TEXTS && !open.containsKey(key)) {
      throw new GatewayException(502, ErrorCodes.TYPE_UPSTREAM, ErrorCodes.UPSTREAM_INVALID,
          "The upstream provider's stream holds more than " + MAX_OPEN_TEXTS + " texts at once; the answer is incomplete");
    }
    return open.computeIfAbsent(key, make);
  }

  static GatewayException malformedEvent() {
    return new GatewayException(502, ErrorCodes.TYPE_UPSTREAM, ErrorCodes.UPSTREAM_INVALID,
        "The upstream provider sent a malformed stream event; the answer is incomplete");
  }
}
