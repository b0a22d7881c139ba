package io.veil.gateway;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.veil.core.Veil;
import io.veil.gateway.keys.ClientKeyStore;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: an OpenAI-compatible HTTP server (Javalin on Jetty 12, virtual threads;
 * HTTP/1.1 and HTTP/2 — h2 over TLS, h2c in clear) in front of one upstream provider.
 *
 * <pre>{@code
 * try (Gateway g = Gateway.start(config, Veil.builder().build(), FileClientKeyStore.open(dir))) {
 *   // OpenAI SDKs point at g.baseUrl() + "/v1" with a Veil key
 * }
 * }</pre>
 *
 * <p>Every request runs through one interceptor chain (built in {@link #chain}):
 * observability → auth → rate limit (buckets shared through the database when it is PostgreSQL) →
 * parse → minimization → conversation scope → PII → upstream.
 * Javalin is only the edge: it hands over method, path, headers and body, and writes what the chain
 * answers.
 *
 * <p>With governance it also serves the admin and privacy APIs ({@link GovernanceApi}, with the web
 * console's routes from {@link ConsoleApi}) and the two web pages under {@code /ui/} ({@link ConsolePages}):
 * the admin console at {@code /ui/admin/} and the Privacy Center at {@code /ui/privacy/}.
 *
 * <p>Thread safety: thread-safe. {@link #close()} stops gracefully (in-flight requests finish, up
 * to a bound).
 *
 * <p><b>Security:</b> nothing is forwarded that Veil does not understand (unknown paths: 404); the
 * provider key stays inside; see the interceptors for the rest. Any {@link RuntimeException} or {@link Error} a
 * request's handling throws outside a stream (the chain, the governance API, the edge itself) is answered 500
 * {@code veil_internal_error} in the provider's envelope and logged as its class and first frame only: its message
 * may quote request text, and it never reaches Javalin, whose default handler logs messages (streams end with an
 * error event instead: {@code RestoringStream}).
 */
public final class Gateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final Javalin app;
  private final GatewayMetrics metrics;
  private final List<Interceptor> chain;
  private final List<Interceptor> refusalChain;
  private final long maxBodyBytes;
  /** An HTTP/2 body's minimum rate after {@link #bodyGrace} (0: none); see {@link #minimumRate}. */
  private final long minBodyBytesPerSecond;
  private final Duration bodyGrace;
  /** The connector's slow-client guard (set when Javalin builds the connector); counts HTTP/2 bodies refused too. */
  private volatile SlowClientGuard slowClients;
  private final boolean tls;
  private final String host;
  private final GovernanceApi api;
  private final ConsolePages pages;
  private final UpstreamTransport upstream;
  private final Duration shutdownTimeout;
  private final Duration drainDelay;
  private final Readiness readiness;
  /** {@link System#nanoTime()} after which running streams end with {@code veil_shutting_down}; set by close(). */
  private volatile long cutStreamsAt;
  private volatile boolean closing;

  private Gateway(GatewayConfig config, Veil veil, ClientKeyStore keys, Governance governance) {
    if (config.upstream() == null) {
      throw new IllegalArgumentException("no upstream configured (start the mock LLM and pass its URL)");
    }
    // read once (the environment's, or the data directory's file, created if missing) for every stage that keys
    // with it: the pipeline, the console's try-it box, the privacy links, the check against the database
    GatewaySecret secret = config.gatewaySecret().open(config.dataDir());
    if (governance != null) {
      // every instance on the database holds the same gateway secret, or this one does not start
      governance.requireGatewaySecret(config.gatewaySecret(), secret, config.dataDir());
    }
    this.metrics = new GatewayMetrics().withJvmMetrics();
    if (governance != null) {
      metrics.audit(governance.audit());
      metrics.vault(governance.vault());
      metrics.changeFeed(governance.database());
      metrics.pool(governance.database());
      metrics.retention(governance);
    }
    this.upstream = UpstreamTransport.open(config.upstream());
    this.chain = chain(config, secret, veil, keys, metrics, governance, upstream);
    this.api = governance == null ? null : new GovernanceApi(config, governance, keys,
        AdminToken.loadOrCreate(config.dataDir(), config.governance().adminToken()),
        new PrivacyLinks(secret, java.time.Clock.systemUTC()), new PrivacyNotice(config, veil, governance.retention()),
        console(config, secret, veil, metrics, governance, upstream),
        Doctor.of(config).env(System.getenv()).veil(veil).keys(keys).governance(governance));
    this.pages = governance == null ? null : ConsolePages.load();
    this.refusalChain = List.of(new ObservabilityInterceptor(metrics));
    this.maxBodyBytes = config.maxBodyBytes();
    this.minBodyBytesPerSecond = config.server().minBodyBytesPerSecond();
    this.bodyGrace = config.server().headerTimeout();
    this.tls = config.tls() != null;
    this.host = config.host();
    this.shutdownTimeout = config.server().shutdownTimeout();
    this.drainDelay = config.server().drainDelay();
    this.readiness = new Readiness(governance == null ? null : governance.database()::ping);
    KeyStore keyStore = tls ? PemKeyStore.load(config.tls(), new char[0]) : null;
    this.app = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.startup.showOldJavalinVersionWarning = false;
      cfg.concurrency.useVirtualThreads = true;
      cfg.http.compressionStrategy = CompressionStrategy.NONE;
      cfg.http.maxRequestSize = maxBodyBytes + 1;
      cfg.jetty.addConnector((server, httpConfig) -> {
        ServerConnector c = connector(server, httpConfig, config, keyStore, metrics);
        slowClients = c.getBean(SlowClientGuard.class);
        return c;
      });
      // Jetty's own refusals (unparsable or ambiguous requests) in the provider's error envelope
      cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
      for (HandlerType type : new HandlerType[] {HandlerType.GET, HandlerType.POST, HandlerType.PUT,
          HandlerType.PATCH, HandlerType.DELETE}) {
        cfg.routes.addHttpHandler(type, "/", this::handle);
        cfg.routes.addHttpHandler(type, "/*", this::handle);
      }
      // a last resort for what escapes handle() (the 404 handler below): never Javalin's default, which logs the message
      cfg.routes.exception(Exception.class, (e, ctx) -> internalError(ctx, e));
      cfg.routes.error(404, ctx -> {
        if (!ctx.res().isCommitted() && ctx.result() == null) {
          write(ctx, ObservabilityInterceptor.errorResponse(notFound()));
        }
      });
    });
  }

  /**
   * Starts the gateway without governance (no consent, audit or privacy API; the vault is whatever
   * {@code veil} holds); returns once it accepts requests. For library use and protocol tests.
   */
  public static Gateway start(GatewayConfig config, Veil veil, ClientKeyStore keys) {
    return start(config, veil, keys, null);
  }

  /**
   * Starts the gateway with governance: consent and settings enforced per request, one audit record
   * per request, the admin API under {@code /admin} and the privacy API under {@code /privacy}.
   * {@code veil} should use {@link Governance#vault()} so tokens persist. The caller owns
   * {@code governance} (close it after the gateway).
   *
   * @throws io.veil.store.StoreException if {@code DATA_DIR/gateway-secret} is not the secret of the other
   *     instances on the database ({@link Governance#adoptGatewaySecret} replaces it on purpose)
   */
  public static Gateway start(GatewayConfig config, Veil veil, ClientKeyStore keys, Governance governance) {
    Gateway g = new Gateway(config, veil, keys, governance);
    try {
      g.app.start();
    } catch (RuntimeException e) {
      g.upstream.close();
      throw e;
    }
    return g;
  }

  /**
   * The one place the pipeline is assembled; each stage is one class and calls {@code proceed} at
   * most once.
   */
  static List<Interceptor> chain(GatewayConfig config, GatewaySecret secret, Veil veil, ClientKeyStore keys,
      GatewayMetrics metrics, Governance governance, UpstreamTransport upstream) {
    Map<Endpoint, ProtocolAdapter> adapters = new EnumMap<>(Endpoint.class);
    ProtocolVocabulary vocabulary = config.vocabulary();
    adapters.put(Endpoint.CHAT_COMPLETIONS, new ChatCompletionsAdapter(vocabulary));
    adapters.put(Endpoint.RESPONSES, new ResponsesAdapter(vocabulary));
    adapters.put(Endpoint.COMPLETIONS, new CompletionsAdapter());
    adapters.put(Endpoint.EMBEDDINGS, new EmbeddingsAdapter(vocabulary));
    // one per gateway: its /metrics are the gateway's, its per-process HMAC key dies with it
    DetectionCache detectionCache = DetectionCache.create(config.detectionCache());
    metrics.detectionCache(detectionCache);
    if (governance != null) {
      // an erasure drops the user's conversations' cached findings at once (this instance; see DetectionCache),
      // and the cached restore indexes, which hold values (never used for changed entries, but kept in the heap
      // for up to two minutes)
      governance.onErasure(ref -> {
        detectionCache.dropSubject(ref.hex());
        veil.forgetCachedValues();
      });
      // and those other instances sharing the PostgreSQL database erase (their NOTIFY; a missed one: all)
      governance.database().onSubjectErased(ref -> {
        veil.forgetCachedValues();
        if (ref == null) {
          detectionCache.clear();
        } else {
          detectionCache.dropSubject(ref);
        }
      });
    }
    // several instances share a PostgreSQL database: their keys' buckets too, so a key gets its rate once
    // (unless database.rateLimits: memory, which trades that for no database work per limited request)
    RateLimiter limiter = governance != null && governance.database().isPostgres()
        && governance.config().sharedRateLimits()
        ? RateLimiter.shared(io.veil.store.SharedRateLimits.open(governance.database()))
        : RateLimiter.inMemory();
    List<Interceptor> stages = new java.util.ArrayList<>(List.of(
        new ObservabilityInterceptor(metrics, governance == null ? null : new AuditWriter(governance)),
        new AuthInterceptor(keys, config.policies()),
        new RateLimitInterceptor(limiter),
        new ParseInterceptor()));
    if (governance != null) {
      stages.add(new PrivacyInterceptor(governance));
    }
    stages.addAll(List.of(
        new MinimizationInterceptor(adapters, secret),
        new ConversationScopeInterceptor(adapters, secret),
        new PiiInterceptor(veil, adapters, detectionCache),
        new UpstreamInterceptor(config.upstream(), upstream, metrics)));
    return List.copyOf(stages);
  }

  /** The admin console's extra routes; its try-it box runs the same stages as {@link #chain} after auth. */
  private static ConsoleApi console(GatewayConfig config, GatewaySecret secret, Veil veil, GatewayMetrics metrics,
      Governance governance, UpstreamTransport transport) {
    Map<Endpoint, ProtocolAdapter> adapters = new EnumMap<>(Endpoint.class);
    adapters.put(Endpoint.CHAT_COMPLETIONS, new ChatCompletionsAdapter(config.vocabulary()));
    List<Interceptor> stages = List.of(new ParseInterceptor(), new MinimizationInterceptor(adapters, secret),
        new ConversationScopeInterceptor(adapters, secret), new PiiInterceptor(veil, adapters));
    // its own metrics: the operator's tries are not client traffic, so the dashboard does not count them
    Interceptor upstream = new UpstreamInterceptor(config.upstream(), transport, new GatewayMetrics());
    return new ConsoleApi(config, governance, metrics, stages, upstream);
  }

  private static ServerConnector connector(org.eclipse.jetty.server.Server server, HttpConfiguration httpConfig,
      GatewayConfig config, KeyStore keyStore, GatewayMetrics metrics) {
    httpConfig.setSendServerVersion(false);
    httpConfig.setSendXPoweredBy(false);
    ServerConnector connector;
    if (keyStore == null) {
      connector = new ServerConnector(server, new HttpConnectionFactory(httpConfig),
          new HTTP2CServerConnectionFactory(httpConfig));
    } else {
      HttpConfiguration https = new HttpConfiguration(httpConfig);
      // No SNI host check: with one certificate there is no virtual host to confuse, and the check answered 400 to
      // every request whose Host is not a name of the certificate (qa10: the admin commands, which reach the gateway
      // at 127.0.0.1, and probes that use the pod's address, with a certificate for the service's DNS name)
      https.addCustomizer(new SecureRequestCustomizer(false));
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStore(keyStore);
      ssl.setKeyStorePassword("");
      ssl.setCipherComparator(HTTP2Cipher.COMPARATOR);
      ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
      HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(https);
      HttpConnectionFactory h1 = new HttpConnectionFactory(https);
      ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
      alpn.setDefaultProtocol(h1.getProtocol());
      connector = new ServerConnector(server, new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, h2, h1);
    }
    connector.setHost(config.host());
    connector.setPort(config.port());
    connector.setIdleTimeout(config.server().idleTimeout().toMillis());
    // the idle timeout restarts with every byte: a deadline for the headers, a minimum rate for the body
    SlowClientGuard slowClients = new SlowClientGuard(config.server().headerTimeout(),
        config.server().minBodyBytesPerSecond(), connector.getScheduler());
    metrics.slowClients(slowClients);
    connector.addBean(slowClients);
    // bounds open connections (idle, slow or flooding clients): beyond it the listener stops accepting for a while
    server.addBean(new NetworkConnectionLimit(config.server().maxConnections(), connector));
    server.setStopTimeout(config.server().shutdownTimeout().toMillis());
    return connector;
  }

  public int port() {
    return app.port();
  }

  /**
   * The gateway's root URL, e.g. {@code http://127.0.0.1:8080} (loopback when listening on all
   * addresses); SDKs use it + {@code /v1}.
   */
  public URI baseUrl() {
    String h = host.equals("0.0.0.0") || host.equals("::") || host.isEmpty() ? "127.0.0.1"
        : host.contains(":") ? "[" + host + "]" : host;
    return URI.create((tls ? "https" : "http") + "://" + h + ":" + port());
  }

  /**
   * Stops gracefully: the listener closes at once (new connections are refused), requests in flight
   * get {@link ServerOptions#shutdownTimeout()} to finish; streams still running after three quarters
   * of it end with an in-stream error event ({@code veil_shutting_down}) so clients know the answer is
   * incomplete; Jetty cuts whatever remains at the timeout. Returns normally in every case, so the
   * caller can go on to close the store. Idempotent.
   */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    readiness.stopping();
    if (drainDelay.isPositive()) {
      // /ready answers 503 while requests are still served, so the load balancer stops sending new ones
      LOG.info("draining: /ready answers 503 for {} s before the listener closes", drainDelay.toSeconds());
      try {
        Thread.sleep(drainDelay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    cutStreamsAt = System.nanoTime() + shutdownTimeout.toNanos() * 3 / 4;
    try {
      app.stop();
    } catch (RuntimeException e) {
      LOG.warn("requests still running after the {}-second shutdown timeout were cut off ({})",
          shutdownTimeout.toSeconds(), e.getClass().getSimpleName());
    } finally {
      upstream.close();
      metrics.close();
    }
  }

  private boolean streamsToBeCut() {
    return cutStreamsAt != 0 && System.nanoTime() - cutStreamsAt >= 0;
  }

  private void handle(Context ctx) {
    try {
      route(ctx);
    } catch (RuntimeException | Error e) {
      internalError(ctx, e);
    }
  }

  /**
   * An unexpected failure (a defect, or an {@link Error} such as an assertion in a library): 500
   * {@code veil_internal_error} in the provider's envelope when the answer has not started, counted as blocked.
   * Nothing more is forwarded, and nothing was that the PII stage had not transformed: the upstream stage runs after
   * it, so a failure before or in it leaves the provider without the request.
   *
   * <p><b>Security:</b> logs the class and first frame only, never the message (it may quote the request's text).
   */
  private void internalError(Context ctx, Throwable e) {
    HttpServletResponse res = ctx.res();
    String requestId = res.getHeader(RequestId.RESPONSE_HEADER);
    LOG.error("internal error on {} {} id={}: {} at {}", ctx.method().name(), Endpoint.resolve(ctx.method().name(),
        ctx.path()).map(Endpoint::name).orElse("-"), requestId, e.getClass().getName(),
        e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?");
    metrics.blocked(ErrorCodes.INTERNAL);
    if (res.isCommitted()) {
      return; // the answer has started: Jetty ends the exchange
    }
    res.reset();
    if (requestId != null) {
      res.setHeader(RequestId.RESPONSE_HEADER, requestId);
    }
    write(ctx, ObservabilityInterceptor.errorResponse(new GatewayException(500, ErrorCodes.TYPE_VEIL,
        ErrorCodes.INTERNAL, "Veil could not process the request; nothing untransformed was forwarded")));
  }

  private void route(Context ctx) {
    // the client's X-Request-Id when it is a plain token, else a random one; never the provider's x-request-id
    String requestId = RequestId.accept(ctx.header(RequestId.REQUEST_HEADER));
    ctx.res().setHeader(RequestId.RESPONSE_HEADER, requestId);
    String method = ctx.method().name();
    if (pages != null && ConsolePages.handles(ctx.path())) {
      discardBody(ctx);
      pages.serve(method, ctx.path(), ctx.res());
      return;
    }
    if (api != null && GovernanceApi.handles(ctx.path())) {
      handleGovernance(ctx, method, requestId);
      return;
    }
    Optional<Endpoint> endpoint = Endpoint.resolve(method, ctx.path());
    if (endpoint.isEmpty() || !endpoint.get().hasBody()) {
      discardBody(ctx); // answered without its body: read it first, so the connection stays usable
    }
    if (endpoint.isEmpty()) {
      write(ctx, RealChain.run(List.of(refusalChain.get(0), refuse(notFound())),
          identified(GatewayRequest.of(null, Map.of(), new byte[0]), requestId)));
      return;
    }
    Endpoint ep = endpoint.get();
    if (ep == Endpoint.READY) {
      Readiness.State state = readiness.check();
      ctx.status(state.ready() ? 200 : 503).contentType("application/json").result(state.json());
      return;
    }
    if (ep == Endpoint.HEALTH) {
      ctx.status(200).contentType("application/json").result("{\"status\":\"ok\"}");
      return;
    }
    if (ep == Endpoint.METRICS) {
      ctx.status(200).contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
      return;
    }
    Map<String, String> headers = new HashMap<>();
    for (String name : new String[] {"authorization", "api-key", "content-type", ConversationScopeInterceptor.HEADER,
        PrivacyInterceptor.USER_HEADER, PrivacyInterceptor.GPC_HEADER}) {
      String v = ctx.header(name);
      if (v != null) {
        headers.put(name, v);
      }
    }
    byte[] body;
    try {
      body = ep.hasBody() ? readBounded(ctx) : new byte[0];
    } catch (GatewayException | IOException e) {
      // too large, or did not arrive whole (see incompleteBody): answered, or Jetty would send 200 with no body
      GatewayException refused = bodyRefusal(e);
      write(ctx, RealChain.run(List.of(refusalChain.get(0), refuse(refused)),
          identified(GatewayRequest.of(ep, Map.of(), new byte[0]), requestId)));
      return;
    }
    String resource = ep == Endpoint.MODEL ? Endpoint.resourceId(stripSlash(ctx.path())) : null;
    write(ctx, RealChain.run(chain, identified(GatewayRequest.of(ep, resource, headers, body), requestId)));
  }

  private static GatewayRequest identified(GatewayRequest request, String requestId) {
    request.stats().requestId(requestId);
    return request;
  }

  private void handleGovernance(Context ctx, String method, String requestId) {
    Map<String, String> headers = new HashMap<>();
    for (String name : new String[] {"authorization", "api-key", "accept", PrivacyInterceptor.USER_HEADER,
        GovernanceApi.LINK_HEADER, PrivacyInterceptor.GPC_HEADER}) {
      String v = ctx.header(name);
      if (v != null) {
        headers.put(name, v);
      }
    }
    Map<String, String> query = new HashMap<>();
    ctx.queryParamMap().forEach((k, v) -> {
      if (!v.isEmpty()) {
        query.put(k, v.get(0));
      }
    });
    byte[] body;
    try {
      body = method.equals("GET") ? discardBody(ctx) : readBounded(ctx);
    } catch (GatewayException | IOException e) {
      // too large, or did not arrive whole (see incompleteBody): one refusal in the provider's error envelope
      GatewayException refused = bodyRefusal(e);
      GovernanceApi.write(ctx.res(), new GovernanceApi.JsonAnswer(refused.status(),
          Json.error(refused.getMessage(), refused.type(), refused.code())));
      return;
    }
    long start = System.nanoTime();
    GovernanceApi.Answer answer = api.handle(new GovernanceApi.Call(method, stripSlash(ctx.path()), headers, query, body));
    GovernanceApi.write(ctx.res(), answer);
    LoggerFactory.getLogger("veil.access").info("governance {} {} status={} ms={} id={}", method,
        ctx.path().startsWith("/admin") ? "admin" : "privacy", answer.status(), (System.nanoTime() - start) / 1_000_000,
        requestId);
  }

  private static String stripSlash(String p) {
    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  private static Interceptor refuse(GatewayException e) {
    return c -> {
      throw e;
    };
  }

  private static GatewayException notFound() {
    return new GatewayException(404, ErrorCodes.TYPE_INVALID_REQUEST, ErrorCodes.UNKNOWN_ENDPOINT,
        "Veil does not serve this method and path; supported: POST /v1/chat/completions, /v1/responses,"
            + " /v1/completions, /v1/embeddings; GET /v1/models, /v1/models/{id}");
  }

  private byte[] readBounded(Context ctx) throws IOException {
    long declared = ctx.req().getContentLengthLong();
    try (InputStream in = minimumRate(ctx.req().getProtocol(), ctx.req().getInputStream())) {
      if (declared > maxBodyBytes) {
        drainOrClose(ctx, in);
        throw tooLarge();
      }
      byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
      if (b.length > maxBodyBytes) {
        drainOrClose(ctx, in);
        throw tooLarge();
      }
      return b;
    }
  }

  /**
   * An HTTP/2 request's body held to the minimum rate ({@link MinimumRateBody}: 408 on the stream when it falls
   * below); HTTP/1.x bodies are left to {@link SlowClientGuard}, which closes their connections.
   */
  private InputStream minimumRate(String protocol, InputStream in) {
    if (minBodyBytesPerSecond == 0 || !"HTTP/2.0".equals(protocol)) {
      return in;
    }
    SlowClientGuard guard = slowClients;
    return new MinimumRateBody(in, minBodyBytesPerSecond, bodyGrace, System.nanoTime(),
        guard == null ? () -> { } : guard::streamBodyRefused);
  }

  /**
   * Reads and discards the body of a request that is answered without it (unknown paths, health, metrics, the
   * console's pages, GETs of the governance API), within {@link #drain}'s bound; returns an empty body.
   *
   * <p>Before, such an answer went out with the connection kept alive while the body was still unread (a client
   * may send it after the headers); Jetty found it unread when the handler ended and closed the connection after
   * the answer. The client had put the connection back in its pool, and its next request on it got no answer at
   * all (java.net.http: "header parser received no bytes", not retried for a POST): ProtocolErrorsIT's rare
   * failure. A body that does not end within the bound, or breaks off, gets {@code Connection: close}.
   */
  private byte[] discardBody(Context ctx) {
    try (InputStream in = minimumRate(ctx.req().getProtocol(), ctx.req().getInputStream())) {
      drainOrClose(ctx, in);
    } catch (IOException e) {
      closeAfterAnswer(ctx);
    }
    return new byte[0];
  }

  /** {@link #drain}s the body; when it does not end within the bound, the answer closes the connection. */
  private void drainOrClose(Context ctx, InputStream in) throws IOException {
    if (!drain(in)) {
      closeAfterAnswer(ctx);
    }
  }

  /**
   * The answer says {@code Connection: close} (HTTP/1.x; HTTP/2 has no such header and its connection outlives the
   * stream), so the client does not send its next request on a connection Jetty closes after this answer.
   */
  private static void closeAfterAnswer(Context ctx) {
    if (!"HTTP/2.0".equals(ctx.req().getProtocol())) {
      ctx.res().setHeader("Connection", "close");
    }
  }

  /**
   * Reads and discards what the client is still sending of a body that is refused or not needed (up to a bound), so
   * a client that writes the whole body before reading gets the answer instead of a connection reset. Memory stays
   * constant. True when the body ended within the bound; beyond it the connection is closed after the answer.
   */
  private boolean drain(InputStream in) throws IOException {
    long budget = Math.min(64L << 20, Math.max(8L << 20, maxBodyBytes * 8));
    byte[] buf = new byte[16 << 10];
    int n;
    while (budget > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, budget))) > 0) {
      budget -= n;
    }
    return budget > 0 || in.read() < 0;
  }

  /** The refusal of a body {@link #readBounded} could not give: its own (too large) or {@link #incompleteBody}. */
  private static GatewayException bodyRefusal(Exception e) {
    return e instanceof GatewayException g ? g : incompleteBody((IOException) e);
  }

  /**
   * The refusal of a request whose body did not arrive whole: the client stopped sending until the idle timeout
   * (408), or ended the body before its declared length or went away (400). Before, the handler returned without
   * an answer and Jetty completed the exchange as {@code 200} with an empty body: over HTTP/2, whose connection
   * outlives the stream, the client took a request that was never processed for a success. (Over HTTP/1.1 the
   * connection is usually gone and the answer goes nowhere.) Nothing was forwarded either way.
   */
  static GatewayException incompleteBody(IOException e) {
    if (e instanceof MinimumRateBody.TooSlow slow) {
      return new GatewayException(408, ErrorCodes.TYPE_INVALID_REQUEST, ErrorCodes.REQUEST_TIMEOUT,
          "The request body arrived below the minimum rate of " + slow.minBytesPerSecond
              + " bytes/s; nothing was forwarded");
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.util.concurrent.TimeoutException || t instanceof java.net.SocketTimeoutException) {
        return new GatewayException(408, ErrorCodes.TYPE_INVALID_REQUEST, ErrorCodes.REQUEST_TIMEOUT,
            "The request body stopped arriving (idle timeout); nothing was forwarded");
      }
    }
    return new GatewayException(400, ErrorCodes.TYPE_INVALID_REQUEST, ErrorCodes.INVALID_REQUEST,
        "The request body ended before it was complete; nothing was forwarded");
  }

  private GatewayException tooLarge() {
    return new GatewayException(413, ErrorCodes.TYPE_INVALID_REQUEST, ErrorCodes.BODY_TOO_LARGE,
        "Request body exceeds the " + maxBodyBytes + "-byte limit");
  }

  private void write(Context ctx, GatewayResponse response) {
    HttpServletResponse res = ctx.res();
    res.setStatus(response.status());
    response.headers().forEach(res::setHeader);
    switch (response) {
      case GatewayResponse.Json json -> {
        byte[] bytes = Json.bytes(json.body());
        res.setContentType("application/json");
        res.setContentLength(bytes.length);
        try (OutputStream out = res.getOutputStream()) {
          out.write(bytes);
        } catch (IOException e) {
          LOG.debug("client went away before the answer was written");
        }
      }
      case GatewayResponse.Stream stream -> writeStream(res, stream);
    }
  }

  /**
   * Writes event by event, flushing each; a client that goes away cancels the upstream call. While
   * the gateway stops, a stream still running near the shutdown timeout ends with an error event.
   */
  private void writeStream(HttpServletResponse res, GatewayResponse.Stream stream) {
    res.setContentType("text/event-stream; charset=utf-8");
    res.setHeader("Cache-Control", "no-cache");
    res.setHeader("X-Accel-Buffering", "no");
    try (EventStream events = stream.events()) {
      OutputStream out = res.getOutputStream();
      res.flushBuffer();
      SseEvent e;
      while (true) {
        try {
          e = events.next();
        } catch (IOException ex) {
          // the provider's stream broke off or went silent: tell the client plainly, in the
          // provider's in-stream error shape (SDKs raise it), instead of ending as if complete
          LOG.info("upstream stream ended abnormally: {}", ex.getClass().getSimpleName());
          out.write(SseReader.encode(new SseEvent(null, Json.write(Json.error(
              "The upstream provider's stream ended abnormally; the answer is incomplete",
              ErrorCodes.TYPE_UPSTREAM, ErrorCodes.UPSTREAM_STREAM_INTERRUPTED)))));
          out.flush();
          break;
        }
        if (e == null) {
          break;
        }
        if (streamsToBeCut()) {
          LOG.info("stream ended by the gateway's shutdown");
          out.write(SseReader.encode(new SseEvent(null, Json.write(Json.error(
              "The gateway is shutting down; the answer is incomplete, retry the request",
              ErrorCodes.TYPE_UNAVAILABLE, ErrorCodes.SHUTTING_DOWN)))));
          out.flush();
          break;
        }
        out.write(SseReader.encode(e));
        out.flush();
      }
    } catch (IOException ex) {
      LOG.debug("client went away during a stream; upstream call cancelled");
    }
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
