package io.veil.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * Bounds how slowly a client may send a request on HTTP/1.x connections (slowloris and slow-body attacks):
 * Jetty's idle timeout restarts with every byte, so a client that sends one header line or a few body bytes
 * every few seconds would otherwise hold its connection for ever.
 * <ul>
 *   <li><b>Headers</b>: the request line and headers must be complete within the header timeout of the
 *       request's first byte (an idle keep-alive connection is left to the idle timeout); otherwise the client
 *       gets {@code 408} in the provider's error envelope and the connection is closed.
 *   <li><b>Body</b>: after a grace period equal to the header timeout, counted from the request's first byte,
 *       the body must keep up with the minimum rate: at {@code t} seconds at least
 *       {@code minBodyBytesPerSecond * (t - grace)} bytes must have arrived; otherwise the connection is closed
 *       (the handler is reading, so no response can be written; the handler sees the client as gone). 0 turns
 *       the body rule off. Jetty 12 keeps {@code HttpConfiguration.setMinRequestDataRate} but no longer
 *       enforces it, and its {@code MinimumDataRateHandler} measures bytes of all requests together, hence this.
 * </ul>
 *
 * <p>One sweep over the open HTTP/1.x connections runs every quarter of the header timeout (at most once a
 * second), so a connection is closed at most one sweep period after its limit. Register it on the connector as
 * a bean: it is then a {@link Connection.Listener} of every connection the connector opens.
 *
 * <p>Thread safety: safe; the connection set is concurrent and the parser's state is read through its
 * volatile field. HTTP/2 streams and TLS handshakes are not covered (Jetty's own limits and the idle
 * timeout bound those; HTTP/2 request bodies are held to the same minimum rate by {@link MinimumRateBody}).
 *
 * <p>Counts its disconnections by {@link Reason} ({@link #disconnections(Reason)}; exported by
 * {@link GatewayMetrics#slowClients(SlowClientGuard)} as {@code veil_slow_client_disconnections_total{reason}}).
 *
 * <p><b>Security:</b> logs and counts neither the client's address nor anything it sent.
 */
final class SlowClientGuard extends AbstractLifeCycle implements Connection.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(SlowClientGuard.class);

  private final long timeoutNanos;
  private final long minBodyBytesPerSecond;
  private final long periodMillis;
  private final Scheduler scheduler;
  private final byte[] response;
  private final Set<HttpConnection> open = ConcurrentHashMap.newKeySet();
  private volatile Scheduler.Task next;
  private final AtomicLong headersTimedOut = new AtomicLong();
  private final AtomicLong bodiesCut = new AtomicLong();
  private final AtomicLong streamBodiesRefused = new AtomicLong();

  /** Why a connection was closed. */
  enum Reason {
    /** The request line and headers were not complete in time: 408, then closed. */
    HEADERS("headers"),
    /** The body fell below the minimum rate after the grace period: closed without an answer. */
    BODY("body"),
    /**
     * An HTTP/2 stream's body fell below the minimum rate ({@link MinimumRateBody}): 408 on the stream, the
     * connection and its other streams go on. Counted through {@link #streamBodyRefused()}.
     */
    STREAM_BODY("stream_body");

    private final String label;

    Reason(String label) {
      this.label = label;
    }

    /** The metric label value. */
    String label() {
      return label;
    }
  }

  /**
   * @param timeout the header timeout, also the body's grace period
   * @param minBodyBytesPerSecond the body's minimum average rate after the grace period; 0: no body rule
   * @param scheduler the connector's scheduler (started before this bean)
   */
  SlowClientGuard(Duration timeout, long minBodyBytesPerSecond, Scheduler scheduler) {
    if (timeout.toMillis() < 1 || minBodyBytesPerSecond < 0) {
      throw new IllegalArgumentException("header timeout must be positive, minimum body rate not negative");
    }
    this.timeoutNanos = timeout.toNanos();
    this.minBodyBytesPerSecond = minBodyBytesPerSecond;
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

  /** Connections this guard has closed for {@code reason} since it was built. */
  long disconnections(Reason reason) {
    return switch (reason) {
      case HEADERS -> headersTimedOut.get();
      case BODY -> bodiesCut.get();
      case STREAM_BODY -> streamBodiesRefused.get();
    };
  }

  /** Counts an HTTP/2 request body refused by {@link MinimumRateBody} (those streams never reach this guard). */
  void streamBodyRefused() {
    streamBodiesRefused.incrementAndGet();
  }

  /** Open HTTP/1.x connections being watched; for tests. */
  int watched() {
    return open.size();
  }

  void sweep() {
    try {
      long now = NanoTime.now();
      for (HttpConnection c : open) {
        HttpParser p = c.getParser();
        if (headersOverdue(p, now)) {
          expire(c);
        } else if (bodyTooSlow(p, now)) {
          cut(c);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("slow client sweep failed: {}", e.getClass().getName());
    } finally {
      schedule();
    }
  }

  /** True while the parser is inside a request's line or headers (bytes seen, headers not complete) for too long. */
  private boolean headersOverdue(HttpParser p, long now) {
    if (p.isStart() || !p.inHeaderState()) {
      return false;
    }
    long began = p.getBeginNanoTime(); // written before the volatile state left START
    // read the state again: had the parser moved on to a new request meanwhile, began would be that one's
    return !p.isStart() && p.inHeaderState() && NanoTime.elapsed(began, now) >= timeoutNanos;
  }

  /** True while the parser is inside a body that has fallen behind the minimum rate after the grace period. */
  private boolean bodyTooSlow(HttpParser p, long now) {
    if (minBodyBytesPerSecond == 0 || !p.inContentState()) {
      return false;
    }
    long began = p.getBeginNanoTime();
    long read = p.getContentRead(); // a plain field: at worst a sweep late
    if (!p.inContentState()) {
      return false;
    }
    long late = NanoTime.elapsed(began, now) - timeoutNanos;
    return late > 0 && read < minBodyBytesPerSecond * (late / 1e9);
  }

  /** Closes a connection whose handler is reading the body: no response can be written in between. */
  private void cut(HttpConnection c) {
    open.remove(c);
    bodiesCut.incrementAndGet();
    LOG.debug("request body below the minimum rate; connection closed");
    c.getEndPoint().close();
  }

  private void expire(HttpConnection c) {
    open.remove(c);
    EndPoint ep = c.getEndPoint();
    if (ep.getConnection() != c || !ep.isOpen()) {
      return; // upgraded (h2c) or already closing
    }
    headersTimedOut.incrementAndGet();
    LOG.debug("request headers not received within the deadline; connection closed");
    try {
      ep.write(Callback.from(ep::close, ep::close), ByteBuffer.wrap(response));
    } catch (RuntimeException e) {
      ep.close(); // a write still pending: no room for the 408, just close
    }
  }
}
