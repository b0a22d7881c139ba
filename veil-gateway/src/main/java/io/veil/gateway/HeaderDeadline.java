package io.veil.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deadline for receiving a request's headers on HTTP/1.x connections (the slowloris defence): Jetty's
 * idle timeout restarts with every byte, so a client that sends one header line every few seconds would
 * otherwise hold its connection for ever. The clock starts with the request's first byte (an idle
 * keep-alive connection is left to the idle timeout); a request whose headers are not complete when it
 * runs out gets {@code 408} in the provider's error envelope and its connection is closed.
 *
 * <p>One sweep over the open HTTP/1.x connections runs every quarter of the deadline (at most once a second),
 * so a connection is closed between the deadline and the deadline plus one sweep period. Register it on the
 * connector as a bean: it is then a {@link Connection.Listener} of every connection the connector opens.
 *
 * <p>Thread safety: safe; the connection set is concurrent and the parser's state is read through its
 * volatile field. HTTP/2 streams and TLS handshakes are not covered (Jetty's own limits and the idle
 * timeout bound those).
 *
 * <p><b>Security:</b> logs neither the client's address nor anything it sent.
 */
final class HeaderDeadline extends AbstractLifeCycle implements Connection.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(HeaderDeadline.class);

  private final long timeoutNanos;
  private final long periodMillis;
  private final Scheduler scheduler;
  private final byte[] response;
  private final Set<HttpConnection> open = ConcurrentHashMap.newKeySet();
  private volatile Scheduler.Task next;

  /** @param scheduler the connector's scheduler (started before this bean). */
  HeaderDeadline(Duration timeout, Scheduler scheduler) {
    if (timeout.toMillis() < 1) {
      throw new IllegalArgumentException("header timeout must be positive");
    }
    this.timeoutNanos = timeout.toNanos();
    this.periodMillis = Math.clamp(timeout.toMillis() / 4, 50, 1000);
    this.scheduler = scheduler;
    this.response = response(timeout);
  }

  /** The bytes written before the connection closes: a complete HTTP/1.1 408 with a JSON error envelope. */
  static byte[] response(Duration timeout) {
    String body = Json.write(Json.error("The request's headers were not received within " + timeout.toSeconds()
        + " s; the connection is closed", ErrorCodes.TYPE_INVALID_REQUEST, ErrorCodes.REQUEST_TIMEOUT));
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nContent-Length: " + b.length
        + "\r\nConnection: close\r\n\r\n";
    return (head + body).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  protected void doStart() throws Exception {
    super.doStart();
    schedule();
  }

  @Override
  protected void doStop() throws Exception {
    Scheduler.Task t = next;
    if (t != null) {
      t.cancel();
    }
    open.clear();
    super.doStop();
  }

  private void schedule() {
    if (isRunning() || isStarting()) {
      next = scheduler.schedule(this::sweep, periodMillis, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void onOpened(Connection connection) {
    if (connection instanceof HttpConnection http) {
      open.add(http);
    }
  }

  @Override
  public void onClosed(Connection connection) {
    if (connection instanceof HttpConnection http) {
      open.remove(http);
    }
  }

  /** Open HTTP/1.x connections being watched; for tests. */
  int watched() {
    return open.size();
  }

  void sweep() {
    try {
      long now = NanoTime.now();
      for (HttpConnection c : open) {
        if (overdue(c.getParser(), now)) {
          expire(c);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("header deadline sweep failed: {}", e.getClass().getName());
    } finally {
      schedule();
    }
  }

  /** True while the parser is inside a request's line or headers (bytes seen, headers not complete) for too long. */
  private boolean overdue(HttpParser p, long now) {
    if (p.isStart() || !p.inHeaderState()) {
      return false;
    }
    long began = p.getBeginNanoTime(); // written before the volatile state left START
    // read the state again: had the parser moved on to a new request meanwhile, began would be that one's
    return !p.isStart() && p.inHeaderState() && NanoTime.elapsed(began, now) >= timeoutNanos;
  }

  private void expire(HttpConnection c) {
    open.remove(c);
    EndPoint ep = c.getEndPoint();
    if (ep.getConnection() != c || !ep.isOpen()) {
      return; // upgraded (h2c) or already closing
    }
    LOG.debug("request headers not received within the deadline; connection closed");
    try {
      ep.write(Callback.from(ep::close, ep::close), ByteBuffer.wrap(response));
    } catch (RuntimeException e) {
      ep.close(); // a write still pending: no room for the 408, just close
    }
  }
}
