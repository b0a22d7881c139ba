package io.veil.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;

/**
 * The seam between {@link UpstreamInterceptor} (what to send, how to map failures and answers) and the
 * HTTP client that carries one exchange to the provider. One implementation, {@link JettyUpstreamTransport};
 * swapping the client is swapping that class.
 *
 * <p>Contract of every implementation:
 * <ul>
 *   <li>the connect timeout and the {@code timeout} of {@link #open} are enforced: {@link #send} fails with
 *       {@link Failure.Kind#CONNECT_TIMEOUT} or {@link Failure.Kind#TIMEOUT} when the connection or the
 *       response headers do not come in time, and a body that stays silent for {@code timeout} makes its
 *       next read throw {@link SilentBodyException};</li>
 *   <li>the body is read as the bytes arrive (never buffered whole) and {@link Reply#body() closing} it
 *       before its end cancels the exchange upstream;</li>
 *   <li>TLS always validates the provider's certificate and host name; HTTP/2 is used where the provider
 *       offers it over TLS; no redirect is followed, no cookie kept, no content encoding requested.</li>
 * </ul>
 *
 * <p>Thread safety: implementations are thread-safe; one {@link Reply} belongs to one reader.
 */
interface UpstreamTransport extends AutoCloseable {

  /** The client for {@code config}'s provider, started; {@link #close()} stops it. */
  static UpstreamTransport open(UpstreamConfig config) {
    return new JettyUpstreamTransport(config.validated());
  }

  /**
   * Sends one request and waits (at most the configured timeout) for the response headers.
   *
   * @param method {@code GET} or {@code POST}
   * @param headers request headers (the provider key among them: never logged, never echoed)
   * @param body the JSON body for {@code POST}, or null
   */
  Reply send(String method, URI uri, Map<String, String> headers, byte[] body) throws Failure;

  /** Stops the client; exchanges in flight fail. */
  @Override
  void close();

  /** A response whose headers have arrived. */
  interface Reply {
    int status();

    /** The first value of a header ({@code name} in lower case), or null. */
    String header(String name);

    /**
     * The body as it arrives. {@code read} throws {@link SilentBodyException} when the provider went silent
     * past the timeout, another {@link IOException} when the exchange broke; {@code close} before the end
     * cancels the exchange.
     */
    InputStream body();
  }

  /** Why no response headers arrived. Messages are fixed texts: no URL, header or body in them. */
  final class Failure extends Exception {
    /** {@code TLS}: the handshake failed (certificate not trusted, expired, for another host; no common protocol). */
    enum Kind { CONNECT_TIMEOUT, TIMEOUT, UNREACHABLE, TLS, FAILED, INTERRUPTED }

    private final Kind kind;

    Failure(Kind kind) {
      super(kind.name(), null, false, false);
      this.kind = kind;
    }

    Kind kind() {
      return kind;
    }
  }

  /** The provider stopped sending its body for longer than the timeout; the exchange is cancelled. */
  final class SilentBodyException extends IOException {
    SilentBodyException() {
      super("upstream body silent past the timeout");
    }
  }
}
