package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import io.veil.gateway.keys.ClientKeyStorage;
import io.veil.store.DataClass;
import io.veil.store.Purpose;
import io.veil.store.RegulationProfile;
import io.veil.store.RetentionPolicy;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the gateway configuration: embedded defaults, then the YAML file (if any), then environment
 * variables ({@code VEIL_...}); command-line flags are applied by the caller on the result.
 *
 * <pre>{@code
 * server:
 *   host: 127.0.0.1          # VEIL_HOST
 *   port: 8080               # VEIL_PORT
 *   shutdownTimeoutSeconds: 20   # VEIL_SHUTDOWN_TIMEOUT_SECONDS; SIGTERM: in-flight requests get this long
 *   maxConnections: 10000    # VEIL_MAX_CONNECTIONS; open client connections at once
 *   idleTimeoutSeconds: 30   # a connection with no bytes moving this long is closed
 *   drainDelaySeconds: 0     # VEIL_DRAIN_DELAY_SECONDS; SIGTERM: /ready answers 503 this long before the listener closes
 *   headerTimeoutSeconds: 10 # VEIL_HEADER_TIMEOUT_SECONDS; a request's line and headers must arrive this fast (else 408)
 *   minBodyBytesPerSecond: 1024  # VEIL_MIN_BODY_BYTES_PER_SECOND; a body's minimum rate after that grace (HTTP/1.x
 *                                # and HTTP/2); 0: off
 *   tls:                     # VEIL_TLS_CERT / VEIL_TLS_KEY
 *     certificate: /etc/veil/cert.pem
 *     privateKey: /etc/veil/key.pem
 * dataDir: ./veil-data       # VEIL_DATA_DIR
 * upstream:
 *   url: https://api.openai.com/v1   # VEIL_UPSTREAM_URL; "mock" for the built-in mock LLM
 *   apiKey: sk-...                   # VEIL_UPSTREAM_API_KEY
 *   apiKeyFile: /run/secrets/openai  # VEIL_UPSTREAM_API_KEY_FILE: the key read from a file instead
 *   apiVersion: 2024-10-21           # VEIL_UPSTREAM_API_VERSION (Azure)
 *   authHeader: bearer               # VEIL_UPSTREAM_AUTH_HEADER: bearer | api-key
 *   connectTimeoutSeconds: 10
 *   timeoutSeconds: 120
 * policies:
 *   default:
 *     maxBodyBytes: 1048576          # VEIL_MAX_BODY_BYTES (default policy)
 *     maxHistoryMessages: 0
 *     forceStoreFalse: true
 *     hashUser: true
 *     profile: gdpr                  # gdpr (opt-in) | ccpa (opt-out, Sec-GPC honoured); default: top-level profile
 *     requiredPurposes: [llm-processing]
 *     requireIdentity: false         # true: requests without X-Veil-User / user are refused
 * profile: gdpr                      # VEIL_PROFILE; retention defaults and the default for policies
 * database:
 *   url: jdbc:postgresql://db/veil   # VEIL_DATABASE_URL; default: H2 file DATA_DIR/veil.mv.db
 *   user: veil                       # VEIL_DATABASE_USER
 *   password: ...                    # VEIL_DATABASE_PASSWORD
 *   passwordFile: /run/secrets/db    # VEIL_DATABASE_PASSWORD_FILE
 *   subjectStateCacheMillis: 2000    # VEIL_SUBJECT_STATE_CACHE_MILLIS; how long a user's consent and settings
 *                                    # are cached (0-60000; 0: no cache); other instances' changes on PostgreSQL
 *                                    # arrive by NOTIFY at once, this is only a last bound
 *   clientKeys: database             # VEIL_CLIENT_KEYS; database (default) | file: where client keys live.
 *                                    # database: the client_keys table, shared by every instance on the
 *                                    # database (a revocation applies everywhere at once); DATA_DIR/keys.json
 *                                    # is imported once (hashes only) and then no longer read.
 *                                    # file: DATA_DIR/keys.json only (the former store, for going back)
 *   rateLimits: database             # VEIL_RATE_LIMITS; database (default) | memory: on PostgreSQL, where
 *                                    # per-key rate-limit buckets live. database: one bucket per key for all
 *                                    # instances (one transaction per limited request; 503 while the database is
 *                                    # down). memory: a bucket per instance (N instances allow N times the
 *                                    # rate). H2: always memory.
 * admin:
 *   token: ...                       # VEIL_ADMIN_TOKEN; default: DATA_DIR/admin-token (generated, 0600)
 *   tokenFile: /run/secrets/admin    # VEIL_ADMIN_TOKEN_FILE
 * retention:                         # overrides of the profile's periods
 *   vaultHours: 24
 *   auditDays: 180
 *   consentHistoryDays: 730
 *   privacyRequestsDays: 730
 *   purgeMinutes: 60
 * audit:
 *   checkpointEvery: 1000
 *   checkpointSeconds: 300
 *   groupWaitMillis: 5               # VEIL_AUDIT_GROUP_WAIT_MILLIS; under load (8+ requests in flight) an audit
 *                                    # commit waits up to this long for other requests' records (0-50; 0: never)
 * detection:
 *   cache:                           # findings of texts seen before (system prompts, resent history); no text kept
 *     enabled: true                  # VEIL_DETECTION_CACHE_ENABLED; false: every text analysed on every request
 *     maxEntries: 20000              # VEIL_DETECTION_CACHE_MAX_ENTRIES
 *     maxWeightBytes: 33554432       # VEIL_DETECTION_CACHE_MAX_WEIGHT_BYTES; estimated heap of the entries
 *     expireSeconds: 600             # VEIL_DETECTION_CACHE_EXPIRE_SECONDS; after computation, used or not
 *     minChars: 64                   # VEIL_DETECTION_CACHE_MIN_CHARS; shorter texts are never cached
 *     sharing: conversation          # VEIL_DETECTION_CACHE_SHARING; or tenant (system prompts hit across
 *                                    # conversations; a tenant's callers can then time whether a text was seen)
 * protocol:
 *   extraWords:                      # VEIL_PROTOCOL_EXTRA_WORDS="chat.reasoning_effort=ultra;responses.include=a.b,c.d"
 *     chat.reasoning_effort: [ultra] # (replaces the YAML's). Values OpenAI added to a field with a fixed set of
 *     responses.tools.mcp.require_approval: [on_write]  # values since this release, which Veil refuses (400
 *                                    # veil_unsupported_content) until it lists them. Key: the endpoint (chat,
 *                                    # responses, embeddings) and the field as the refusal names it (a built-in
 *                                    # tool's: responses.tools.TYPE.field); a key naming no such field, or a value
 *                                    # that is not a protocol word (lowercase letters and digits joined by . _ -,
 *                                    # at most 64), stops the start
 * }</pre>
 *
 * <p>Without an upstream URL, OpenAI is used when a provider key is set, the mock LLM otherwise
 * ({@link GatewayConfig#upstream()} null). Unknown keys are errors (typos must not silently weaken
 * a setting), and so are values of the wrong shape: a scalar or list where a section belongs, a list
 * or mapping where a value belongs, a boolean other than {@code true}/{@code false}, a timeout below
 * one second. Each secret (provider key, database password, admin token) may instead come from a
 * file: {@code VEIL_..._FILE} or the YAML key with the suffix {@code File} (Docker and Kubernetes
 * secrets); setting one secret two ways is an error. The gateway secret comes from the data directory unless
 * {@code VEIL_GATEWAY_SECRET[_FILE]} gives it ({@link GatewaySecretSource}; no YAML key: a configuration file is
 * often shared or committed). Error messages name keys and files, never values. Upstream URLs are checked against
 * the HTTPS-only rule here, at configuration time.
 *
 * <p>The operators' reference is {@code docs/configuration.md} (every key, its variable, default and range);
 * {@code ConfigurationReferenceTest} checks it against {@link #keys()} and {@link KnownEnvironment}, so a key added
 * to the table below needs its row there.
 */
public final class ConfigLoader {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ConfigLoader() {}

  /** The table's name for the section of any one policy ({@code policies.NAME.}). */
  static final String ANY_POLICY = "policies.<name>.";

  /**
   * Every section of the YAML (by its dotted prefix, "" for the top level, {@link #ANY_POLICY} for each policy)
   * and the keys it accepts: the one list {@code requireKnown} checks a file against and {@link #keys()} reads.
   * A key that is itself a section here ({@code server.tls}, {@code policies}) holds keys, the others values.
   */
  private static final Map<String, Set<String>> SECTIONS = sections();

  private static Map<String, Set<String>> sections() {
    Map<String, Set<String>> t = new LinkedHashMap<>();
    t.put("", Set.of("server", "dataDir", "upstream", "policies", "database", "admin", "retention", "audit",
        "profile", "detection", "protocol"));
    t.put("server.", Set.of("host", "port", "tls", "shutdownTimeoutSeconds", "maxConnections", "idleTimeoutSeconds",
        "drainDelaySeconds", "headerTimeoutSeconds", "minBodyBytesPerSecond"));
    t.put("server.tls.", Set.of("certificate", "privateKey"));
    t.put("upstream.", Set.of("url", "apiKey", "apiKeyFile", "apiVersion", "authHeader", "connectTimeoutSeconds",
        "timeoutSeconds"));
    t.put(ANY_POLICY, Set.of("maxBodyBytes", "maxHistoryMessages", "forceStoreFalse", "hashUser", "profile",
        "requiredPurposes", "requireIdentity"));
    t.put("database.", Set.of("url", "user", "password", "passwordFile", "subjectStateCacheMillis", "clientKeys",
        "rateLimits"));
    t.put("admin.", Set.of("token", "tokenFile"));
    t.put("retention.", Set.of("vaultHours", "auditDays", "consentHistoryDays", "privacyRequestsDays",
        "purgeMinutes"));
    t.put("audit.", Set.of("checkpointEvery", "checkpointSeconds", "groupWaitMillis"));
    t.put("detection.", Set.of("cache"));
    t.put("detection.cache.", Set.of("enabled", "maxEntries", "maxWeightBytes", "expireSeconds", "minChars",
        "sharing"));
    t.put("protocol.", Set.of("extraWords"));
    return java.util.Collections.unmodifiableMap(t);
  }

  /**
   * The environment variable that sets each key, where one does (the rest of the key table): {@code pick} and
   * {@code secret} read a key's variable here, and an error about a value the variable gave names both
   * ({@link #namingVariables}). {@code policies.<name>.maxBodyBytes}'s variable sets the {@code default} policy only.
   */
  private static final Map<String, String> VARIABLES = variables();

  private static Map<String, String> variables() {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("admin.token", "VEIL_ADMIN_TOKEN");
    t.put("admin.tokenFile", "VEIL_ADMIN_TOKEN_FILE");
    t.put("audit.groupWaitMillis", "VEIL_AUDIT_GROUP_WAIT_MILLIS");
    t.put("dataDir", "VEIL_DATA_DIR");
    t.put("database.clientKeys", "VEIL_CLIENT_KEYS");
    t.put("database.password", "VEIL_DATABASE_PASSWORD");
    t.put("database.passwordFile", "VEIL_DATABASE_PASSWORD_FILE");
    t.put("database.rateLimits", "VEIL_RATE_LIMITS");
    t.put("database.subjectStateCacheMillis", "VEIL_SUBJECT_STATE_CACHE_MILLIS");
    t.put("database.url", "VEIL_DATABASE_URL");
    t.put("database.user", "VEIL_DATABASE_USER");
    t.put("detection.cache.enabled", "VEIL_DETECTION_CACHE_ENABLED");
    t.put("detection.cache.expireSeconds", "VEIL_DETECTION_CACHE_EXPIRE_SECONDS");
    t.put("detection.cache.maxEntries", "VEIL_DETECTION_CACHE_MAX_ENTRIES");
    t.put("detection.cache.maxWeightBytes", "VEIL_DETECTION_CACHE_MAX_WEIGHT_BYTES");
    t.put("detection.cache.minChars", "VEIL_DETECTION_CACHE_MIN_CHARS");
    t.put("detection.cache.sharing", "VEIL_DETECTION_CACHE_SHARING");
    t.put("policies.<name>.maxBodyBytes", "VEIL_MAX_BODY_BYTES");
    t.put("profile", "VEIL_PROFILE");
    t.put("protocol.extraWords", "VEIL_PROTOCOL_EXTRA_WORDS");
    t.put("server.drainDelaySeconds", "VEIL_DRAIN_DELAY_SECONDS");
    t.put("server.headerTimeoutSeconds", "VEIL_HEADER_TIMEOUT_SECONDS");
    t.put("server.host", "VEIL_HOST");
    t.put("server.maxConnections", "VEIL_MAX_CONNECTIONS");
    t.put("server.minBodyBytesPerSecond", "VEIL_MIN_BODY_BYTES_PER_SECOND");
    t.put("server.port", "VEIL_PORT");
    t.put("server.shutdownTimeoutSeconds", "VEIL_SHUTDOWN_TIMEOUT_SECONDS");
    t.put("server.tls.certificate", "VEIL_TLS_CERT");
    t.put("server.tls.privateKey", "VEIL_TLS_KEY");
    t.put("upstream.apiKey", "VEIL_UPSTREAM_API_KEY");
    t.put("upstream.apiKeyFile", "VEIL_UPSTREAM_API_KEY_FILE");
    t.put("upstream.apiVersion", "VEIL_UPSTREAM_API_VERSION");
    t.put("upstream.authHeader", "VEIL_UPSTREAM_AUTH_HEADER");
    t.put("upstream.url", "VEIL_UPSTREAM_URL");
    return java.util.Collections.unmodifiableMap(t);
  }

  /** The variable that sets {@code key} ({@code server.port} → {@code VEIL_PORT}), if any. */
  static Optional<String> variable(String key) {
    return Optional.ofNullable(VARIABLES.get(key));
  }

  /**
   * {@code key} as an error about its value names it: {@code server.host (VEIL_HOST)} when the variable is set (not
   * blank) in {@code env}, so gave the value, else {@code key} alone. Stateless; never looks at the value.
   */
  public static String named(String key, Map<String, String> env) {
    String var = VARIABLES.get(key);
    return var != null && blankToNull(env.get(var)) != null ? key + " (" + var + ")" : key;
  }

  /**
   * Every configuration key a file may set, as a dotted path ({@code server.tls.certificate}), sections left
   * out; a policy's keys as {@code policies.<name>.maxBodyBytes}. {@code protocol.extraWords} is one key whose
   * value maps field names to lists of words. {@code docs/configuration.md} is checked against this list.
   */
  static List<String> keys() {
    List<String> keys = new ArrayList<>();
    for (Map.Entry<String, Set<String>> section : SECTIONS.entrySet()) {
      for (String field : new java.util.TreeSet<>(section.getValue())) {
        String key = section.getKey() + field;
        if (!SECTIONS.containsKey(key + ".") && !ANY_POLICY.startsWith(key + ".")) {
          keys.add(key);
        }
      }
    }
    return List.copyOf(keys);
  }


  /** Longest parser problem text repeated in an error. */
  private static final int MAX_PROBLEM = 160;

  /**
   * The YAML parser's own description of the problem ({@code ": while parsing a flow sequence:
   * expected ',' or ']', but got <stream end>"}), or "" when there is none. Only SnakeYAML's
   * problem and context texts are used, never its message or snippet (those quote the offending line,
   * which may be a secret); the texts name at most the offending token (a character or a tag handle),
   * are stripped of control characters and cut to {@value #MAX_PROBLEM} characters.
   */
  static String yamlProblem(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof org.yaml.snakeyaml.error.MarkedYAMLException m) {
        String text = (m.getContext() == null ? "" : m.getContext() + ": ")
            + (m.getProblem() == null ? "" : m.getProblem());
        StringBuilder clean = new StringBuilder(text.length());
        text.codePoints().forEach(ch -> clean.appendCodePoint(Character.isISOControl(ch) ? ' ' : ch));
        text = clean.toString().strip();
        if (text.isEmpty()) {
          return "";
        }
        return ": " + (text.length() > MAX_PROBLEM ? text.substring(0, MAX_PROBLEM) + "…" : text);
      }
    }
    return "";
  }

  /** Loads from the file (null for none) and the given environment. */
  public static GatewayConfig load(Path file, Map<String, String> env) {
    return load(file, env, null);
  }

  /**
   * Loads from the file (null for none) and the given environment, with the upstream named on the
   * command line ({@code veil serve --upstream URL|mock}; null: none) in place of the configured one:
   * {@code mock} means the built-in mock LLM; a URL keeps the other upstream settings of the file and
   * environment (key, authentication header, API version, timeouts), also where the file names no
   * upstream URL or key. The configured URL ({@code upstream.url}, {@code VEIL_UPSTREAM_URL}) is then
   * neither used nor checked. The file is read once, so what is used comes from one version of it.
   *
   * @throws IllegalArgumentException for a bad URL or bad settings
   */
  public static GatewayConfig load(Path file, Map<String, String> env, String upstreamOverride) {
    JsonNode root = readRoot(file);
    requireKnown(root, "");
    JsonNode server = section(root, "server", "server");
    requireKnown(server, "server.");
    JsonNode upstream = upstreamSection(root);
    try {
      return load(root, server, upstream, env, upstreamOverride);
    } catch (IllegalArgumentException e) {
      throw namingVariables(e, env);
    }
  }

  private static JsonNode upstreamSection(JsonNode root) {
    JsonNode upstream = section(root, "upstream", "upstream");
    requireKnown(upstream, "upstream.");
    return upstream;
  }

  /** The upstream settings with base URL {@code url}, or OpenAI's where it is null (or {@code mock}). */
  private static UpstreamConfig upstreamSettings(JsonNode upstream, Map<String, String> env, String url) {
    String apiKey = secret(env, upstream, "apiKey", "upstream.apiKey");
    String apiVersion = pick(env, upstream, "apiVersion", "upstream.apiVersion", null);
    String auth = pick(env, upstream, "authHeader", "upstream.authHeader", "bearer");
    UpstreamConfig.AuthHeader authHeader = switch (auth.toLowerCase(Locale.ROOT)) {
      case "bearer" -> UpstreamConfig.AuthHeader.BEARER;
      case "api-key", "api_key" -> UpstreamConfig.AuthHeader.API_KEY;
      default -> throw new IllegalArgumentException("upstream.authHeader must be bearer or api-key");
    };
    Duration connect = Duration.ofSeconds(positive(parseInt(text(upstream, "connectTimeoutSeconds",
        "upstream.connectTimeoutSeconds", "10"), "upstream.connectTimeoutSeconds"), "upstream.connectTimeoutSeconds"));
    Duration timeout = Duration.ofSeconds(positive(parseInt(text(upstream, "timeoutSeconds", "upstream.timeoutSeconds",
        "120"), "upstream.timeoutSeconds"), "upstream.timeoutSeconds"));
    URI base = url == null || url.equalsIgnoreCase("mock") ? UpstreamConfig.OPENAI : parseUrl(url);
    return new UpstreamConfig(base, apiKey, apiVersion, authHeader, connect, timeout);
  }

  private static JsonNode readRoot(Path file) {
    JsonNode root = MissingNode.getInstance();
    if (file != null) {
      try {
        root = YAML.readTree(Files.readAllBytes(file));
        if (root == null) {
          root = MissingNode.getInstance();
        }
      } catch (IOException e) {
        // not the exception's message: it quotes the offending line, and the file may hold the provider key
        String where = e instanceof com.fasterxml.jackson.core.JsonProcessingException jp && jp.getLocation() != null
            ? " (line " + jp.getLocation().getLineNr() + ", column " + jp.getLocation().getColumnNr() + ")" : "";
        throw new IllegalArgumentException("cannot read configuration " + file + ": " + e.getClass().getSimpleName() + where
            + yamlProblem(e), e);
      }
      if (!root.isObject() && !root.isMissingNode()) {
        throw new IllegalArgumentException("configuration " + file + " must be a YAML mapping");
      }
    }
    return root;
  }

  private static GatewayConfig load(JsonNode root, JsonNode server, JsonNode upstream, Map<String, String> env,
      String upstreamOverride) {
    String host = pick(env, server, "host", "server.host", "127.0.0.1");
    int port = parseInt(pick(env, server, "port", "server.port", "8080"), "server.port");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("server.port must be 0-65535");
    }
    Path dataDir = Path.of(pick(env, root, "dataDir", "dataDir", "veil-data"));

    JsonNode tlsNode = section(server, "tls", "server.tls");
    requireKnown(tlsNode, "server.tls.");
    String cert = pick(env, tlsNode, "certificate", "server.tls.certificate", null);
    String key = pick(env, tlsNode, "privateKey", "server.tls.privateKey", null);
    TlsConfig tls = null;
    if (cert != null || key != null) {
      if (cert == null || key == null) {
        throw new IllegalArgumentException("TLS needs both server.tls.certificate and server.tls.privateKey");
      }
      tls = new TlsConfig(Path.of(cert), Path.of(key));
    }

    // the command line's upstream wins over the configured one (which is then not even looked at)
    String url = upstreamOverride != null ? upstreamOverride.strip()
        : pick(env, upstream, "url", "upstream.url", null);
    UpstreamConfig settings = upstreamSettings(upstream, env, url);
    UpstreamConfig up = null;
    if (url != null && url.equalsIgnoreCase("mock")) {
      up = null;
    } else if (url != null || settings.apiKey() != null) {
      up = settings.validated();
    }

    RegulationProfile globalProfile = profile(pick(env, root, "profile", "profile", "gdpr"));
    Map<String, GatewayPolicy> policies = new HashMap<>();
    JsonNode pol = section(root, "policies", "policies");
    for (Iterator<Map.Entry<String, JsonNode>> it = pol.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode body = e.getValue();
      if (!body.isObject() && !body.isNull()) {
        throw new IllegalArgumentException("configuration key 'policies." + e.getKey() + "' must be a mapping"
            + " (of maxBodyBytes, maxHistoryMessages, …)");
      }
      policies.put(e.getKey(), policy(e.getKey(), body.isNull() ? MissingNode.getInstance() : body, globalProfile));
    }
    policies.putIfAbsent(GatewayPolicy.DEFAULT, policy(GatewayPolicy.DEFAULT, MissingNode.getInstance(), globalProfile));
    // blank counts as unset, as for every other variable (qa10: a blank one was refused as not a whole number)
    String maxBodyVariable = requireVariable(ANY_POLICY + "maxBodyBytes");
    String maxBody = blankToNull(env.get(maxBodyVariable));
    if (maxBody != null) {
      GatewayPolicy d = policies.get(GatewayPolicy.DEFAULT);
      // the key it sets and the variable, as every other variable's error (ops17: the variable alone)
      String named = "policies." + GatewayPolicy.DEFAULT + ".maxBodyBytes (" + maxBodyVariable + ")";
      policies.put(GatewayPolicy.DEFAULT, new GatewayPolicy(d.name(),
          atLeast(parseLong(maxBody, named), 1, named),
          d.maxHistoryMessages(), d.forceStoreFalse(), d.hashUser(), d.profile(), d.requiredPurposes(),
          d.requireIdentity()));
    }
    ServerOptions d = ServerOptions.DEFAULTS;
    ServerOptions serverOptions = new ServerOptions(
        Duration.ofSeconds(parseInt(pick(env, server, "shutdownTimeoutSeconds",
            "server.shutdownTimeoutSeconds", Long.toString(d.shutdownTimeout().toSeconds())), "server.shutdownTimeoutSeconds")),
        parseInt(pick(env, server, "maxConnections", "server.maxConnections",
            Integer.toString(d.maxConnections())), "server.maxConnections"),
        Duration.ofSeconds(parseInt(text(server, "idleTimeoutSeconds", "server.idleTimeoutSeconds",
            Long.toString(d.idleTimeout().toSeconds())), "server.idleTimeoutSeconds")),
        Duration.ofSeconds(parseInt(pick(env, server, "drainDelaySeconds",
            "server.drainDelaySeconds", Long.toString(d.drainDelay().toSeconds())), "server.drainDelaySeconds")),
        Duration.ofSeconds(parseInt(pick(env, server, "headerTimeoutSeconds",
            "server.headerTimeoutSeconds", Long.toString(d.headerTimeout().toSeconds())), "server.headerTimeoutSeconds")),
        parseInt(pick(env, server, "minBodyBytesPerSecond",
            "server.minBodyBytesPerSecond", Integer.toString(d.minBodyBytesPerSecond())), "server.minBodyBytesPerSecond"));
    return new GatewayConfig(host, port, dataDir, up, tls, policies, governance(root, env),
        detectionCache(section(root, "detection", "detection"), env), serverOptions,
        protocolWords(section(root, "protocol", "protocol"), env), GatewaySecretSource.fromEnvironment(env));
  }

  /**
   * {@code protocol.extraWords}: field key ({@code chat.reasoning_effort}) to a list of words, or
   * {@code VEIL_PROTOCOL_EXTRA_WORDS} ({@code chat.reasoning_effort=ultra;responses.include=a.b,c.d}), which
   * replaces the YAML's. Keys and words are checked by {@link GatewayConfig} (errors name the key, never a word).
   */
  private static Map<String, List<String>> protocolWords(JsonNode protocol, Map<String, String> env) {
    requireKnown(protocol, "protocol.");
    Map<String, List<String>> words = new LinkedHashMap<>();
    String fromEnv = blankToNull(env.get(requireVariable("protocol.extraWords")));
    if (fromEnv != null) {
      for (String entry : fromEnv.split(";")) {
        if (entry.isBlank()) {
          continue;
        }
        int eq = entry.indexOf('=');
        if (eq < 1) {
          throw new IllegalArgumentException("VEIL_PROTOCOL_EXTRA_WORDS must be field=word,word;field=word,...");
        }
        List<String> list = new ArrayList<>();
        for (String w : entry.substring(eq + 1).split(",")) {
          list.add(w.strip());
        }
        words.merge(entry.substring(0, eq).strip(), list, (a, b) -> {
          List<String> all = new ArrayList<>(a);
          all.addAll(b);
          return all;
        });
      }
      return words;
    }
    JsonNode extra = section(protocol, "extraWords", "protocol.extraWords");
    for (Map.Entry<String, JsonNode> e : extra.properties()) {
      String key = "protocol.extraWords." + e.getKey();
      JsonNode v = e.getValue();
      if (!v.isArray()) {
        throw new IllegalArgumentException("configuration key '" + key + "' must be a list of words");
      }
      List<String> list = new ArrayList<>();
      for (JsonNode w : v) {
        if (!w.isTextual()) {
          throw new IllegalArgumentException("configuration key '" + key + "' must be a list of words");
        }
        list.add(w.asText());
      }
      words.put(e.getKey(), list);
    }
    return words;
  }

  private static DetectionCacheConfig detectionCache(JsonNode detection, Map<String, String> env) {
    requireKnown(detection, "detection.");
    JsonNode c = section(detection, "cache", "detection.cache");
    requireKnown(c, "detection.cache.");
    DetectionCacheConfig d = DetectionCacheConfig.defaults();
    String envEnabled = env.get(requireVariable("detection.cache.enabled"));
    boolean enabled = envEnabled != null && !envEnabled.isBlank()
        ? parseBoolean(envEnabled, "detection.cache.enabled")
        : bool(c, "enabled", "detection.cache.enabled", d.enabled());
    return new DetectionCacheConfig(enabled,
        parseLong(pick(env, c, "maxEntries", "detection.cache.maxEntries",
            Long.toString(d.maxEntries())), "detection.cache.maxEntries"),
        parseLong(pick(env, c, "maxWeightBytes",
            "detection.cache.maxWeightBytes", Long.toString(d.maxWeightBytes())), "detection.cache.maxWeightBytes"),
        Duration.ofSeconds(parseLong(pick(env, c, "expireSeconds",
            "detection.cache.expireSeconds", Long.toString(d.expireAfterWrite().toSeconds())),
            "detection.cache.expireSeconds")),
        parseInt(pick(env, c, "minChars", "detection.cache.minChars",
            Integer.toString(d.minChars())), "detection.cache.minChars"),
        switch (pick(env, c, "sharing", "detection.cache.sharing", "conversation")
            .strip().toLowerCase(Locale.ROOT)) {
          case "conversation" -> DetectionCacheConfig.Sharing.CONVERSATION;
          case "tenant" -> DetectionCacheConfig.Sharing.TENANT;
          default -> throw new IllegalArgumentException("detection.cache.sharing must be conversation or tenant");
        });
  }

  /** Only {@code true} or {@code false} (any case): a typo must not silently switch a setting. */
  private static boolean parseBoolean(String s, String what) {
    return switch (s.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(what + " must be true or false");
    };
  }

  private static GovernanceConfig governance(JsonNode root, Map<String, String> env) {
    JsonNode db = section(root, "database", "database");
    requireKnown(db, "database.");
    JsonNode admin = section(root, "admin", "admin");
    requireKnown(admin, "admin.");
    JsonNode ret = section(root, "retention", "retention");
    requireKnown(ret, "retention.");
    JsonNode audit = section(root, "audit", "audit");
    requireKnown(audit, "audit.");
    RegulationProfile profile = profile(pick(env, root, "profile", "profile", "gdpr"));
    Map<DataClass, Duration> overrides = new EnumMap<>(DataClass.class);
    putDuration(overrides, DataClass.VAULT_ENTRIES, ret, "vaultHours", "retention.vaultHours", ChronoUnit.HOURS);
    putDuration(overrides, DataClass.AUDIT_RECORDS, ret, "auditDays", "retention.auditDays", ChronoUnit.DAYS);
    putDuration(overrides, DataClass.CONSENT_HISTORY, ret, "consentHistoryDays", "retention.consentHistoryDays",
        ChronoUnit.DAYS);
    putDuration(overrides, DataClass.PRIVACY_REQUESTS, ret, "privacyRequestsDays",
        "retention.privacyRequestsDays", ChronoUnit.DAYS);
    GovernanceConfig d = GovernanceConfig.defaults();
    return new GovernanceConfig(
        pick(env, db, "url", "database.url", null),
        pick(env, db, "user", "database.user", null),
        secret(env, db, "password", "database.password"),
        secret(env, admin, "token", "admin.token"),
        profile, overrides,
        parseInt(text(audit, "checkpointEvery", "audit.checkpointEvery", Integer.toString(d.checkpointEvery())),
            "audit.checkpointEvery"),
        Duration.ofSeconds(positive(parseInt(text(audit, "checkpointSeconds", "audit.checkpointSeconds",
            Long.toString(d.checkpointInterval().toSeconds())), "audit.checkpointSeconds"), "audit.checkpointSeconds")),
        Duration.ofMinutes(positive(parseInt(text(ret, "purgeMinutes", "retention.purgeMinutes",
            Long.toString(d.purgeInterval().toMinutes())), "retention.purgeMinutes"), "retention.purgeMinutes")),
        Duration.ofMillis(parseLong(pick(env, db, "subjectStateCacheMillis",
            "database.subjectStateCacheMillis", Long.toString(d.subjectStateTtl().toMillis())),
            "database.subjectStateCacheMillis")),
        Duration.ofMillis(parseLong(pick(env, audit, "groupWaitMillis",
            "audit.groupWaitMillis", Long.toString(d.auditGroupWait().toMillis())), "audit.groupWaitMillis")),
        ClientKeyStorage.parse(pick(env, db, "clientKeys", "database.clientKeys",
            d.clientKeys().wireName())),
        rateLimitsShared(pick(env, db, "rateLimits", "database.rateLimits", "database")));
  }

  private static boolean rateLimitsShared(String value) {
    return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "database" -> true;
      case "memory" -> false;
      default -> throw new IllegalArgumentException("database.rateLimits must be database or memory");
    };
  }

  private static void putDuration(Map<DataClass, Duration> m, DataClass c, JsonNode parent, String field, String what,
      ChronoUnit unit) {
    String s = text(parent, field, what, null);
    if (s != null) {
      int v = parseInt(s, what);
      // the store's limit (RetentionPolicy), checked here so that the error names the key (before: an internal
      // error naming the data class, from the store)
      long max = RetentionPolicy.MAX.toSeconds() / unit.getDuration().toSeconds();
      if (v < 1 || v > max) {
        throw new IllegalArgumentException(what + " must be 1-" + max + " (at most ten years)");
      }
      m.put(c, Duration.of(v, unit));
    }
  }

  private static RegulationProfile profile(String s) {
    return profile(s, "profile");
  }

  private static RegulationProfile profile(String s, String key) {
    try {
      return RegulationProfile.fromWire(s.strip().toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " must be gdpr or ccpa");
    }
  }

  /** Builds an upstream configuration for a URL given on the command line, keeping the rest. */
  public static UpstreamConfig upstreamFor(String url, UpstreamConfig current) {
    URI base = parseUrl(url);
    if (current == null) {
      return new UpstreamConfig(base, null, null, UpstreamConfig.AuthHeader.BEARER, Duration.ofSeconds(10), Duration.ofSeconds(120)).validated();
    }
    return current.withBaseUrl(base).validated();
  }

  private static GatewayPolicy policy(String name, JsonNode n, RegulationProfile defaultProfile) {
    requireKnown(n, ANY_POLICY, "policies." + name + ".");
    GatewayPolicy d = GatewayPolicy.defaults(name);
    Set<Purpose> purposes = d.requiredPurposes();
    JsonNode rp = n.path("requiredPurposes");
    if (!rp.isMissingNode() && !rp.isNull()) {
      if (!rp.isArray()) {
        throw new IllegalArgumentException("policies." + name + ".requiredPurposes must be a list");
      }
      Set<Purpose> set = EnumSet.noneOf(Purpose.class);
      for (JsonNode e : rp) {
        if (!e.isValueNode()) {
          throw new IllegalArgumentException("policies." + name + ".requiredPurposes must be a list of purpose names");
        }
        try {
          set.add(Purpose.fromWire(e.asText()));
        } catch (IllegalArgumentException bad) {
          throw new IllegalArgumentException("policies." + name + ".requiredPurposes: " + bad.getMessage());
        }
      }
      purposes = set;
    }
    String p = "policies." + name + ".";
    String profileName = text(n, "profile", p + "profile", null);
    // ranges checked here so that the line names the dotted key (qa10: a policy's bad profile was reported as the
    // top-level "profile", its counts as "policy NAME: …")
    return new GatewayPolicy(name,
        atLeast(parseLong(text(n, "maxBodyBytes", p + "maxBodyBytes", Long.toString(d.maxBodyBytes())),
            p + "maxBodyBytes"), 1, p + "maxBodyBytes"),
        (int) atLeast(parseInt(text(n, "maxHistoryMessages", p + "maxHistoryMessages",
            Integer.toString(d.maxHistoryMessages())), p + "maxHistoryMessages"), 0, p + "maxHistoryMessages"),
        bool(n, "forceStoreFalse", p + "forceStoreFalse", d.forceStoreFalse()),
        bool(n, "hashUser", p + "hashUser", d.hashUser()),
        profileName != null ? profile(profileName, p + "profile") : defaultProfile,
        purposes,
        bool(n, "requireIdentity", p + "requireIdentity", d.requireIdentity()));
  }

  private static URI parseUrl(String url) {
    String u = url.strip();
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    try {
      return new URI(u);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("upstream URL is not a valid URL");
    }
  }

  private static void requireKnown(JsonNode node, String section) {
    requireKnown(node, section, section);
  }

  /** Fails on a key of {@code node} that {@code section} of {@link #SECTIONS} lacks, naming it {@code shown + key}. */
  private static void requireKnown(JsonNode node, String section, String shown) {
    Set<String> known = SECTIONS.get(section);
    if (!node.isObject()) {
      return;
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        throw new IllegalArgumentException("unknown configuration key '" + shown + f + "' (known: " + known + ")");
      }
    }
  }

  /** The value of {@code key}: its variable ({@link #VARIABLES}) when set and not blank, else the YAML's, else the fallback. */
  private static String pick(Map<String, String> env, JsonNode parent, String field, String key, String fallback) {
    String v = env.get(requireVariable(key));
    if (v != null && !v.isBlank()) {
      return v.strip();
    }
    return text(parent, field, key, fallback);
  }

  private static String requireVariable(String key) {
    String var = VARIABLES.get(key);
    if (var == null) {
      throw new IllegalStateException("no variable for " + key + " in the key table");
    }
    return var;
  }

  /**
   * The error {@code e} about a key's value ({@code KEY must …}) with the variable named after the key, when that
   * variable gave the value
   * ({@code server.drainDelaySeconds (VEIL_DRAIN_DELAY_SECONDS) must be 0-600}): the operator set the variable, and
   * may not know the key. {@code e} itself when it names no key or the key's value came from the file.
   */
  private static IllegalArgumentException namingVariables(IllegalArgumentException e, Map<String, String> env) {
    String m = e.getMessage();
    if (m == null) {
      return e;
    }
    for (String key : VARIABLES.keySet()) {
      String named = named(key, env);
      // only a value's error ("KEY must be …"); "KEY and KEYFile are both set" is about the file, not the variable
      if (m.startsWith(key + " must ") && !named.equals(key)) {
        return new IllegalArgumentException(named + m.substring(key.length()), e);
      }
    }
    return e;
  }

  /**
   * A secret from, in this order: the key's variable {@code VAR}, the file named by {@code VAR_FILE}, the
   * YAML key {@code field}, the file named by the YAML key {@code fieldFile}; null when none is set.
   * Giving one secret two ways is an error (which one wins would be a guess). Files are read whole,
   * surrounding white space (a trailing newline) removed; errors name the variable or key and the
   * file, never the content.
   */
  private static String secret(Map<String, String> env, JsonNode parent, String field, String key) {
    String var = requireVariable(key);
    String fromEnv = blankToNull(env.get(var));
    String fileVar = requireVariable(key + "File");
    String envFile = blankToNull(env.get(fileVar));
    String fromYaml = text(parent, field, key, null);
    String yamlFile = text(parent, field + "File", key + "File", null);
    if (fromEnv != null && envFile != null) {
      throw new IllegalArgumentException(var + " and " + fileVar + " are both set; set one");
    }
    if (fromYaml != null && yamlFile != null) {
      throw new IllegalArgumentException(key + " and " + key + "File are both set; set one");
    }
    if (fromEnv != null) {
      return fromEnv.strip();
    }
    if (envFile != null) {
      return readSecret(Path.of(envFile.strip()), fileVar);
    }
    if (fromYaml != null) {
      return fromYaml;
    }
    return yamlFile == null ? null : readSecret(Path.of(yamlFile), key + "File");
  }

  /** Longest secret file read (a key or a password, not a document). */
  private static final int MAX_SECRET_BYTES = 64 * 1024;

  /** A secret file read whole (at most 64 KiB), stripped; errors name {@code what} and the file, never content. */
  static String readSecret(Path file, String what) {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_SECRET_BYTES) {
        throw new IllegalArgumentException(what + ": " + file + " is larger than " + MAX_SECRET_BYTES
            + " bytes; it should hold only the secret");
      }
      bytes = Files.readAllBytes(file);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException(what + ": file not found: " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException(what + ": cannot read " + file + ": " + e.getClass().getSimpleName());
    }
    String s = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).strip();
    if (s.isEmpty()) {
      throw new IllegalArgumentException(what + ": " + file + " is empty");
    }
    return s;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /**
   * The value of {@code parent.field} as text, or {@code fallback} when absent or null. A list or a
   * mapping where a single value belongs is an error naming {@code key}: {@code asText()} would read
   * it as "" and the setting would silently become something else.
   */
  private static String text(JsonNode parent, String field, String key, String fallback) {
    JsonNode node = parent.path(field);
    if (node.isMissingNode() || node.isNull()) {
      return fallback;
    }
    if (!node.isValueNode()) {
      throw new IllegalArgumentException("configuration key '" + key + "' must be a single value, not a "
          + (node.isArray() ? "list" : "mapping"));
    }
    return node.asText();
  }

  /** {@code true} or {@code false} (a YAML boolean or that text); anything else is an error naming {@code key}. */
  private static boolean bool(JsonNode parent, String field, String key, boolean fallback) {
    JsonNode node = parent.path(field);
    if (node.isMissingNode() || node.isNull()) {
      return fallback;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    String what = "configuration key '" + key + "'";
    if (node.isTextual()) {
      return parseBoolean(node.textValue(), what);
    }
    throw new IllegalArgumentException(what + " must be true or false");
  }

  /**
   * The mapping {@code parent.field}: absent or null reads as an empty section; a scalar or list is an
   * error naming {@code key} (before, {@code server.tls: cert.pem} was ignored and TLS stayed off).
   */
  private static JsonNode section(JsonNode parent, String field, String key) {
    JsonNode node = parent.path(field);
    if (node.isMissingNode() || node.isNull()) {
      return MissingNode.getInstance();
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("configuration key '" + key + "' must be a mapping (a section of keys), not "
          + (node.isArray() ? "a list" : "a single value"));
    }
    return node;
  }

  private static long atLeast(long v, long min, String what) {
    if (v < min) {
      throw new IllegalArgumentException(what + " must be >= " + min);
    }
    return v;
  }

  private static int positive(int v, String what) {
    if (v < 1) {
      throw new IllegalArgumentException(what + " must be >= 1");
    }
    return v;
  }

  private static int parseInt(String s, String what) {
    try {
      return Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " must be a whole number");
    }
  }

  private static long parseLong(String s, String what) {
    try {
      return Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " must be a whole number");
    }
  }

}
