package io.veil.gateway;

import java.io.IOException;

/**
 * A pull-based stream of server-sent events, read from the upstream incrementally.
 *
 * <p>Thread safety: not thread-safe; one reader. {@link #close()} cancels the underlying upstream
 * call and may be called from any state, more than once.
 */
interface EventStream extends AutoCloseable {
  /** The next event, or null at the end of the stream. Blocks until one is available. */
  SseEvent next() throws IOException;

  @Override
  void close();
}
