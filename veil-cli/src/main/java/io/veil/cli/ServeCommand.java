package io.veil.cli;

import io.veil.core.Veil;
import io.veil.gateway.AdminToken;
import io.veil.gateway.ConfigLoader;
import io.veil.gateway.Governance;
import io.veil.store.StoreException;
import io.veil.gateway.Gateway;
import io.veil.gateway.GatewayConfig;
import io.veil.gateway.KnownEnvironment;
import io.veil.gateway.UpstreamConfig;
import io.veil.gateway.keys.ClientKeyStore;
import io.veil.gateway.keys.ClientKeyStores;
import io.veil.core.files.OwnerOnlyFiles;
import io.veil.gateway.keys.IssuedKey;
import io.veil.gateway.mock.MockLlm;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code veil serve}: runs the gateway until interrupted (SIGINT/SIGTERM stop it gracefully).
 * Precedence: embedded defaults, then the YAML file, then {@code VEIL_*} variables, then flags.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run the Veil gateway (OpenAI-compatible; pseudonymizes requests, restores answers).",
    footer = {"",
        "Precedence: defaults < --config YAML < environment < options. Unknown or",
        "mistyped YAML keys are refused. Relative paths (data directory, TLS and",
        "secret files) are read from the current directory, not the YAML file's.",
        "Environment:",
        "  listener: VEIL_HOST, VEIL_PORT, VEIL_TLS_CERT, VEIL_TLS_KEY (PEM, PKCS#8),",
        "    VEIL_MAX_CONNECTIONS, VEIL_HEADER_TIMEOUT_SECONDS,",
        "    VEIL_MIN_BODY_BYTES_PER_SECOND, VEIL_SHUTDOWN_TIMEOUT_SECONDS,",
        "    VEIL_DRAIN_DELAY_SECONDS",
        "  provider: VEIL_UPSTREAM_URL, VEIL_UPSTREAM_API_KEY[_FILE],",
        "    VEIL_UPSTREAM_API_VERSION, VEIL_UPSTREAM_AUTH_HEADER",
        "  policy: VEIL_PROFILE=gdpr|ccpa, VEIL_MAX_BODY_BYTES",
        "  state: VEIL_DATA_DIR, VEIL_DATABASE_URL, VEIL_DATABASE_USER,",
        "    VEIL_DATABASE_PASSWORD[_FILE], VEIL_ADMIN_TOKEN[_FILE],",
        "    VEIL_CLIENT_KEYS=database|file, VEIL_RATE_LIMITS=database|memory,",
        "    VEIL_SUBJECT_STATE_CACHE_MILLIS, VEIL_AUDIT_GROUP_WAIT_MILLIS,",
        "    VEIL_MASTER_KEYSET, VEIL_SIGNING_KEYSET (Tink keysets as JSON instead",
        "    of DATA_DIR/keys; every instance on one database needs the same)",
        "    VEIL_GATEWAY_SECRET[_FILE] (base64 of >= 32 bytes instead of",
        "    DATA_DIR/gateway-secret; every instance on one database needs the same)",
        "  detection cache: VEIL_DETECTION_CACHE_ENABLED,",
        "    VEIL_DETECTION_CACHE_MAX_ENTRIES, VEIL_DETECTION_CACHE_MAX_WEIGHT_BYTES,",
        "    VEIL_DETECTION_CACHE_EXPIRE_SECONDS, VEIL_DETECTION_CACHE_MIN_CHARS,",
        "    VEIL_DETECTION_CACHE_SHARING=conversation|tenant",
        "  protocol words OpenAI added: VEIL_PROTOCOL_EXTRA_WORDS=",
        "    chat.reasoning_effort=word,word;responses.include=word",
        "  logs (stderr): VEIL_LOG_LEVEL, VEIL_ACCESS_LOG_LEVEL,",
        "    VEIL_LOG_FORMAT=text|json",
        "  ./veil launcher: VEIL_JAVA_OPTS (JVM options), VEIL_PLUGINS (optional",
        "    NER engines' jars or folders)",
        "  A *_FILE variable names a file holding the secret (Docker/Kubernetes",
        "  secrets). Other VEIL_* variables are ignored; a warning at start names",
        "  them (veil doctor too).",
        "Probes: GET /health (liveness), GET /ready (503 while the store is",
        "  unreachable or while draining), GET /metrics (Prometheus).",
        "SIGTERM: stops gracefully (exit status 143)."})
final class ServeCommand implements Callable<Integer>, VeilCli.ReportsEnvironment {
  @Spec
  CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file")
  Path config;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "State directory (default ./veil-data)")
  Path dataDir;

  @Option(names = "--port", paramLabel = "N", description = "Listen port (default 8080; 0 picks a free one)")
  Integer port;

  @Option(names = "--upstream", paramLabel = "URL|mock",
      description = "Provider base URL (e.g. https://api.openai.com/v1) or 'mock' for the built-in mock LLM")
  String upstream;

  @Option(names = "--adopt-gateway-secret",
      description = "Rotation: make this instance's gateway secret (VEIL_GATEWAY_SECRET[_FILE] if set, else the data"
          + " directory's gateway-secret) the one every instance on the database must use (stop them all first;"
          + " the others start again only with this secret). Issued privacy links"
          + " stop working, conversations without X-Veil-Conversation start anew, the user hashes sent upstream"
          + " change. With the environment's secret, the data directory's gateway-secret (then unused) is deleted.")
  boolean adoptGatewaySecret;

  private final Map<String, String> env;

  ServeCommand() {
    this(System.getenv());
  }

  ServeCommand(Map<String, String> env) {
    this.env = env;
  }

  /** A started gateway (and mock upstream, if one was started). */
  record Running(Gateway gateway, MockLlm mock, Governance governance, Path urlFile) implements AutoCloseable {
    @Override
    public void close() {
      try {
        Files.deleteIfExists(urlFile);
      } catch (IOException e) {
        // best effort: a stale file only makes CLI commands try an address that does not answer
      }
      // each step runs even if one before it fails: the store must always be closed (audit backlog, H2 file)
      try {
        gateway.close();
      } finally {
        try {
          if (mock != null) {
            mock.close();
          }
        } finally {
          governance.close();
        }
      }
    }
  }

  @Override
  public Integer call() throws Exception {
    Running running = start();
    if (running == null) {
      return VeilCli.EXIT_USAGE;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running.close();
      stopped.countDown();
    }, "veil-shutdown"));
    stopped.await();
    return 0;
  }

  /** Loads the configuration, prepares the data directory and starts; null after a usage error. */
  Running start() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // a misspelt variable is ignored by everything below: say so once, by name only (values may be secrets)
    KnownEnvironment.warning(KnownEnvironment.unknown(env)).ifPresent(w -> ConsoleLine.warning(err, env, w));
    GatewayConfig cfg;
    boolean useMock;
    try {
      String logFormat = env.get("VEIL_LOG_FORMAT");
      if (logFormat != null && !logFormat.equals("text") && !logFormat.equals("json")) {
        // logback would find no appender of that name and drop every log line
        throw new IllegalArgumentException("VEIL_LOG_FORMAT must be text or json");
      }
      // --upstream replaces the configured upstream in the one reading of the file and environment
      cfg = ConfigLoader.load(config, env, upstream);
      if (dataDir != null) {
        cfg = cfg.withDataDir(dataDir);
      }
      if (port != null) {
        cfg = cfg.withPort(port);
      }
      useMock = cfg.upstream() == null;
      if (cfg.tls() != null) {
        cfg.tls().check(); // before the data directory, keys or database are touched
      }
      requireAddressOfThisMachine(cfg.host());
    } catch (IllegalArgumentException e) {
      ConsoleLine.error(err, env, e.getMessage());
      return null;
    }

    try {
      // the data directory is private (0700) before anything is written into it; an existing one of ours is
      // tightened, one open to others that belongs to someone else refuses the start
      if (OwnerOnlyFiles.dataDirectory(cfg.dataDir())) {
        ConsoleLine.info(err, env, "the data directory " + cfg.dataDir().toAbsolutePath().normalize() + " was open to other users; it is now owner-only (700)");
      }
    } catch (java.io.UncheckedIOException e) {
      ConsoleLine.error(err, env, e.getMessage());
      return null;
    }
    MockLlm mock = null;
    if (useMock) {
      mock = MockLlm.start(0, null);
      cfg = cfg.withUpstream(ConfigLoader.upstreamFor(mock.baseUrl() + "/v1", null));
    }
    Governance governance;
    try {
      governance = Governance.open(cfg.governance(), cfg.dataDir(), env);
    } catch (StoreException e) {
      if (mock != null) {
        mock.close();
      }
      ConsoleLine.error(err, env, "cannot open the governance store: " + e.getMessage());
      return null;
    }
    // the client keys live in the database by default (shared by every instance on it), else in keys.json
    ClientKeyStore keys;
    IssuedKey devKey = null;
    try {
      final Governance g = governance;
      keys = ClientKeyStores.open(cfg.governance().clientKeys(), cfg.dataDir(), g::clientKeyTable);
      // once per store: of several instances starting at once on an empty PostgreSQL database, one creates it
      devKey = keys.createFirst("default", "default", 0).orElse(null);
      if (devKey != null) {
        OwnerOnlyFiles.write(cfg.dataDir().resolve("dev-key"), devKey.secret().getBytes(StandardCharsets.US_ASCII));
      }
    } catch (RuntimeException | IOException e) {
      if (mock != null) {
        mock.close();
      }
      governance.close();
      ConsoleLine.error(err, env, "cannot open the client keys: " + e.getMessage());
      return null;
    }
    Gateway gateway;
    try {
      if (adoptGatewaySecret) {
        if (governance.adoptGatewaySecret(cfg.gatewaySecret(), cfg.dataDir())) {
          ConsoleLine.info(err, env, cfg.gatewaySecret().inDataDirectory()
              ? "the database now expects this data directory's gateway-secret; instances with the previous one"
                  + " refuse to start until they get this file"
              : "the database now expects the gateway secret of " + cfg.gatewaySecret().describe(cfg.dataDir())
                  + "; instances with the previous one refuse to start until they get this value");
        }
        deleteUnusedGatewaySecret(err, cfg);
      }
      gateway = Gateway.start(cfg, Veil.builder().vault(governance.vault()).build(), keys, governance);
      AdminToken.loadOrCreate(cfg.dataDir(), cfg.governance().adminToken());
      governance.startTimers();
    } catch (RuntimeException e) {
      if (mock != null) {
        mock.close();
      }
      governance.close();
      // another instance's gateway secret, the database gone, a link or an open file at a secret's path
      if (e instanceof StoreException || e instanceof java.io.UncheckedIOException) {
        ConsoleLine.error(err, env, e.getMessage());
        return null;
      }
      if (e instanceof io.javalin.util.JavalinBindException) {
        ConsoleLine.error(err, env, "cannot listen on " + cfg.host() + ":" + cfg.port()
            + ": the port is in use or the address is not available here (choose another with --port or VEIL_PORT)");
        return null;
      }
      throw e;
    }
    banner(out, cfg, gateway, devKey, useMock);
    Path urlFile = cfg.dataDir().resolve(RunningGateway.URL_FILE);
    // with this process's id and start instant: a file left by a killed gateway is then told from a running one
    OwnerOnlyFiles.write(urlFile, RunningGateway.Announcement.of(gateway.baseUrl()).getBytes(StandardCharsets.US_ASCII));
    return new Running(gateway, mock, governance, urlFile);
  }

  /**
   * The listener's host is a name or address of this machine (or a wildcard), checked before anything starts: a
   * typo in {@code server.host} was reported after a Javalin ERROR line as "the port is in use or the address is
   * not available" (ops16). A host that cannot be checked (no interface list) is left to the listener.
   *
   * @throws IllegalArgumentException one line naming the key (and {@code VEIL_HOST} when it gave the host)
   */
  private void requireAddressOfThisMachine(String host) {
    String shown = ConfigLoader.named("server.host", env) + " " + host.replaceAll("[^\\x21-\\x7e]", "?");
    java.net.InetAddress address;
    try {
      address = java.net.InetAddress.getByName(host);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(shown + " cannot be resolved to an address; give an address of this machine"
          + " (127.0.0.1, or 0.0.0.0 for all of them)");
    }
    try {
      if (!address.isAnyLocalAddress() && !address.isLoopbackAddress()
          && java.net.NetworkInterface.getByInetAddress(address) == null) {
        throw new IllegalArgumentException(shown + (host.equals(address.getHostAddress()) ? "" : " (" + address.getHostAddress() + ")")
            + " is not an address of this machine; give one of its addresses (127.0.0.1, or 0.0.0.0 for all of them)");
      }
    } catch (java.net.SocketException e) {
      // the interfaces cannot be listed here: the listener says whether it can bind
    }
  }

  private static void banner(PrintWriter out, GatewayConfig cfg, Gateway gateway, IssuedKey devKey, boolean mock) {
    String scheme = cfg.tls() == null ? "http" : "https";
    String host = cfg.host().equals("0.0.0.0") ? "127.0.0.1" : cfg.host();
    String base = scheme + "://" + host + ":" + gateway.port();
    UpstreamConfig up = cfg.upstream();
    out.println("Veil gateway listening on " + base + " (" + (cfg.tls() == null ? "HTTP/1.1, h2c" : "TLS: HTTP/1.1, h2") + ")");
    Path dataDir = cfg.dataDir().toAbsolutePath().normalize(); // printed as /srv/veil, not /srv/./veil
    out.println("Data directory: " + dataDir);
    if (mock) {
      out.println("Upstream: the built-in mock LLM at " + up.baseUrl()
          + " (no provider key configured; set VEIL_UPSTREAM_API_KEY or upstream.apiKey to use a real provider).");
      out.println("The mock echoes what it receives, so its answers show exactly what a provider would get.");
    } else {
      out.println("Upstream: " + up.baseUrl() + (up.hasApiKey() ? " (provider key configured)" : " (no provider key)"));
    }
    Path keyFile = dataDir.resolve("dev-key");
    if (devKey != null) {
      out.println("Created a client key for tenant 'default' (shown once; also written to " + keyFile + "):");
      out.println("  " + devKey.secret());
    }
    // the key file exists only where this store's first key was created (not on a second instance of a shared
    // database, nor once it was deleted as veil doctor advises): else the line reads a key from OPENAI_API_KEY,
    // where the OpenAI SDKs read it (a VEIL_ name would be reported as a variable Veil does not know)
    String bearer = Files.exists(keyFile) ? "$(cat " + shellWord(keyFile.toString()) + ")" : "$OPENAI_API_KEY";
    // curl trusts a self-signed certificate (openssl req -x509) only when told to
    String trust = cfg.tls() != null && selfSigned(cfg.tls().certificate())
        ? "--cacert " + shellWord(cfg.tls().certificate().toString()) + " " : "";
    out.println("Try" + (Files.exists(keyFile) ? ":" : " (with a Veil client key in OPENAI_API_KEY, as the OpenAI SDKs read it; new keys: veil keys create --tenant default):"));
    out.println("  curl -s " + trust + base + "/v1/chat/completions -H \"Authorization: Bearer " + bearer
        + "\" -H 'Content-Type: application/json' -d '{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"My name is Jane Doe and my email is jane.doe@example.com\"}]}'");
    out.println("Health: " + base + "/health   Metrics: " + base + "/metrics   Privacy notice: " + base + "/privacy/notice.html");
    out.println("Store: " + (cfg.governance().jdbcUrl() == null ? "H2 " + dataDir.resolve(StoreLocation.H2_FILE)
        : "database " + cfg.governance().jdbcUrl().replaceAll("\\?.*", "")) + "; consent profile "
        + cfg.policies().get("default").profile().wireName() + " (requests without an end-user id are "
        + (cfg.policies().get("default").requireIdentity() ? "refused" : "processed; see docs/notes/governance.md") + ")");
    out.println("Admin API: " + base + "/admin/... with 'Authorization: Bearer <token>'"
        + (cfg.governance().adminToken() == null ? " (token in " + dataDir.resolve(AdminToken.FILE) + ")" : ""));
    out.println("Admin console: " + base + "/ui/admin/ (log in with the admin token"
        + (cfg.governance().adminToken() == null ? " from " + dataDir.resolve(AdminToken.FILE) : "") + ")");
    out.println("Privacy Center: each end user opens their own signed link, made by 'Privacy links' in the admin"
        + " console, POST " + base + "/admin/privacy-links (center_path), or: ./veil privacy link --tenant default"
        + " --user USER");
    out.flush();
  }

  /** Whether the PEM file's first certificate names itself as its issuer (checked at start; unreadable: no). */
  /**
   * {@code path} as one word of a POSIX shell line the user copies: as it is when it holds only characters no shell
   * treats specially, else in single quotes (a quote inside written {@code '\''}), so a data directory with a space
   * or a {@code $} in its name still gives a line that works.
   */
  static String shellWord(String path) {
    if (path.matches("[A-Za-z0-9_./:@%+=,-]+")) {
      return path;
    }
    return "'" + path.replace("'", "'\\''") + "'";
  }

  private static boolean selfSigned(Path certificatePem) {
    try {
      java.security.cert.X509Certificate leaf = PinnedServerCertificate.leaf(certificatePem);
      return leaf.getIssuerX500Principal().equals(leaf.getSubjectX500Principal());
    } catch (CliException e) {
      return false;
    }
  }

  /**
   * After {@code --adopt-gateway-secret} with the environment's secret: the data directory's {@code gateway-secret},
   * which no instance may use any more, is deleted and the line says so (ops17: it was left, holding the previous
   * secret); if it cannot be, the line says that it may be deleted. Never the secret.
   */
  private void deleteUnusedGatewaySecret(PrintWriter err, GatewayConfig cfg) {
    Path file = cfg.dataDir().toAbsolutePath().normalize().resolve("gateway-secret");
    try {
      cfg.gatewaySecret().deleteUnusedFile(cfg.dataDir()).ifPresent(f -> ConsoleLine.info(err, env, "deleted " + f
          + ", no longer used: the gateway secret is " + cfg.gatewaySecret().describe(cfg.dataDir()) + "'s now"));
    } catch (IOException e) {
      ConsoleLine.warning(err, env, file + " is no longer used (the gateway secret is "
          + cfg.gatewaySecret().describe(cfg.dataDir()) + "'s now); delete it (it could not be deleted here: "
          + e.getClass().getSimpleName() + ")");
    }
  }
}
