package io.veil.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpClientTransport;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.ProxyAuthenticationProtocolHandler;
import org.eclipse.jetty.client.RedirectProtocolHandler;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.client.transport.HttpClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.ClientConnectionFactoryOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * {@link UpstreamTransport} on Jetty's {@code HttpClient} (the Jetty 12 the listener already runs on): its
 * selector and buffer pool instead of the JDK client's per-exchange machinery.
 *
 * <p>Timeouts: the connect timeout is the connector's; the response headers must arrive within
 * {@code timeout} ({@link InputStreamResponseListener#get}, the exchange aborted otherwise); the
 * exchange's idle timeout is {@code timeout} too, so a provider that goes silent before or inside its
 * body fails the exchange (reads then throw {@link UpstreamTransport.SilentBodyException}). Content is
 * demanded from the connection only as the reader consumes it, so memory per exchange stays bounded.
 *
 * <p>Connections: HTTP/1.1 in clear (loopback only, by {@link UpstreamUrls}); over TLS, h2 or http/1.1 by
 * ALPN, the provider's choice. Up to {@value #MAX_CONNECTIONS} connections and {@value #MAX_QUEUED} queued
 * requests per provider (long streams each hold an HTTP/1.1 connection; Jetty's default of 64 would
 * queue the 65th concurrent stream).
 *
 * <p><b>Security:</b> certificate and host-name validation are always on (Jetty's client default, set
 * again here so no default change can weaken it); no cookie store (a provider's cookies would otherwise
 * travel with every tenant's later requests), no redirects, no authentication handlers (interim 1xx answers are handled),
 * no {@code Accept-Encoding}, no {@code User-Agent} naming the client library.
 *
 * <p>Thread safety: thread-safe. Its threads are daemon threads; {@link #close()} stops them.
 */
final class JettyUpstreamTransport implements UpstreamTransport {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JettyUpstreamTransport.class);
  static final int MAX_CONNECTIONS = 4096;
  static final int MAX_QUEUED = 8192;

  private final HttpClient client;
  private final long timeoutMillis;

  JettyUpstreamTransport(UpstreamConfig config) {
    this(config, null);
  }

  /**
   * With {@code trustAnchors} (tests only: a test provider's self-signed certificate) instead of the JVM's
   * default trust store; validation of the chain and the host name stays on either way.
   */
  JettyUpstreamTransport(UpstreamConfig config, SSLContext trustAnchors) {
    this.timeoutMillis = Math.max(1, config.timeout().toMillis());
    boolean tls = config.baseUrl().getScheme().equalsIgnoreCase("https");
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("veil-upstream");
    threads.setDaemon(true);
    ClientConnector connector = new ClientConnector();
    connector.setExecutor(threads);
    connector.setScheduler(new ScheduledExecutorScheduler("veil-upstream-timer", true));
    connector.setConnectTimeout(config.connectTimeout());
    SslContextFactory.Client ssl = new SslContextFactory.Client(false);
    ssl.setEndpointIdentificationAlgorithm("HTTPS");
    if (trustAnchors != null) {
      ssl.setSslContext(trustAnchors);
    }
    connector.setSslContextFactory(ssl);
    HttpClientTransport transport = tls
        ? new HttpClientTransportDynamic(connector,
            new ClientConnectionFactoryOverHTTP2.HTTP2(new HTTP2Client(connector)), HttpClientConnectionFactory.HTTP11)
        : new HttpClientTransportOverHTTP(connector);
    HttpClient c = new HttpClient(transport);
    c.setFollowRedirects(false);
    c.setHttpCookieStore(new HttpCookieStore.Empty());
    c.setUserAgentField(null);
    c.setMaxConnectionsPerDestination(MAX_CONNECTIONS);
    c.setMaxRequestsQueuedPerDestination(MAX_QUEUED);
    try {
      c.start();
      // start() installs the defaults; drop what Veil must not do (1xx handling stays)
      c.getContentDecoderFactories().clear();
      c.getProtocolHandlers().remove(RedirectProtocolHandler.NAME);
      c.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
      c.getProtocolHandlers().remove(ProxyAuthenticationProtocolHandler.NAME);
    } catch (Exception e) {
      LifeCycle.stop(c);
      throw new IllegalStateException("the upstream HTTP client did not start: " + e.getClass().getSimpleName());
    }
    this.client = c;
  }

  @Override
  public Reply send(String method, URI uri, Map<String, String> headers, byte[] body) throws Failure {
    Request request = client.newRequest(uri).method(method).idleTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
    request.headers(h -> headers.forEach(h::put));
    if (body != null) {
      request.body(new BytesRequestContent("application/json", body));
    }
    InputStreamResponseListener listener = new InputStreamResponseListener();
    request.send(listener);
    Response response;
    try {
      response = listener.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      request.abort(e);
      throw new Failure(Failure.Kind.TIMEOUT);
    } catch (InterruptedException e) {
      request.abort(e);
      Thread.currentThread().interrupt();
      throw new Failure(Failure.Kind.INTERRUPTED);
    } catch (ExecutionException e) {
      Failure.Kind kind = kindOf(e.getCause());
      if (kind == Failure.Kind.TLS) {
        // the operator's problem to fix (trust store, URL, the provider's certificate): say which, once per failure;
        // the handshake's message names the certificate problem and the upstream host, no request content
        LOG.warn("TLS handshake with the upstream {} failed: {}", uri.getHost(), tlsReason(e.getCause()));
      }
      throw new Failure(kind);
    }
    return new JettyReply(response, new Body(listener.getInputStream()));
  }

  /** The innermost TLS exception's message (the JDK's text: no request content), cut to 300 characters. */
  static String tlsReason(Throwable failure) {
    String reason = "unknown";
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.cert.CertificateException) {
        reason = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
      }
    }
    return reason.length() > 300 ? reason.substring(0, 300) + "…" : reason;
  }

  /** What a failure before the response headers was, by its cause chain. */
  static Failure.Kind kindOf(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException) {
        return Failure.Kind.TLS;
      }
      if (t instanceof ConnectException) {
        return Failure.Kind.UNREACHABLE;
      }
      if (t instanceof SocketTimeoutException) {
        return Failure.Kind.CONNECT_TIMEOUT; // Jetty's connector: "Connect Timeout"
      }
      if (t instanceof TimeoutException) {
        return Failure.Kind.TIMEOUT; // the exchange's idle timeout before the headers
      }
    }
    return Failure.Kind.FAILED;
  }

  static boolean timedOut(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    LifeCycle.stop(client);
  }

  private record JettyReply(Response response, InputStream body) implements Reply {
    @Override
    public int status() {
      return response.getStatus();
    }

    @Override
    public String header(String name) {
      return response.getHeaders().get(name);
    }
  }

  /** The listener's stream, with an idle-timeout failure told apart from a broken exchange. */
  private static final class Body extends InputStream {
    private final InputStream in;

    Body(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      try {
        return in.read();
      } catch (IOException e) {
        throw translated(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return in.read(b, off, len);
      } catch (IOException e) {
        throw translated(e);
      }
    }

    @Override
    public int available() throws IOException {
      return in.available();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }

    private static IOException translated(IOException e) {
      return timedOut(e) ? new SilentBodyException() : e;
    }
  }
}
