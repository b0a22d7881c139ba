package io.veil.gateway;

/**
 * One server-sent event: an optional {@code event:} name and its {@code data:} payload (lines joined
 * with {@code \n}). Comments and {@code retry:} fields are not kept.
 *
 * @param event the event name, or null
 * @param data the data, possibly multi-line; "[DONE]" ends OpenAI chat streams
 */
record SseEvent(String event, String data) {
  static final String DONE = "[DONE]";

  boolean isDone() {
    return DONE.equals(data.strip());
  }

  @Override
  public String toString() {
    return "SseEvent[event=" + event + ", " + data.length() + " chars]";
  }
}
