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
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the gateway configuration: embedded defaults, then the YAML file (if any), then environment
 * variables ({@code VEIL_...}); command-line flags are applied by the caller on the result.
 *
 * <pre>{@code
 * server:
 *   host: 127.0.0.1          # VEIL_HOST
 *   port: 8080               # VEIL_PORT
 *   tls:                     # VEIL_TLS_CERT / VEIL_TLS_KEY
 *     certificate: /etc/veil/cert.pem
 *     privateKey: /etc/veil/key.pem
 * dataDir: ./veil-data       # VEIL_DATA_DIR
 * upstream:
 *   url: https://api.openai.com/v1   # VEIL_UPSTREAM_URL; "mock" for the built-in mock LLM
 *   apiKey: sk-...                   # VEIL_UPSTREAM_API_KEY
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
 * }</pre>
 *
 * <p>Without an upstream URL, OpenAI is used when a provider key is set, the mock LLM otherwise
 * ({@link GatewayConfig#upstream()} null). Unknown keys are errors (typos must not silently weaken
 * a setting). Upstream URLs are checked against the HTTPS-only rule here, at configuration time.
 */
public final class ConfigLoader {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ConfigLoader() {}

  /** Loads from the file (null for none) and the given environment. */
  public static GatewayConfig load(Path file, Map<String, String> env) {
    JsonNode root = MissingNode.getInstance();
    if (file != null) {
      try {
        root = YAML.readTree(Files.readAllBytes(file));
        if (root == null) {
          root = MissingNode.getInstance();
        }
      } catch (IOException e) {
        // no parser message: it may quote the file, and the file may hold the provider key
        String where = e instanceof com.fasterxml.jackson.core.JsonProcessingException jp && jp.getLocation() != null
            ? " (line " + jp.getLocation().getLineNr() + ", column " + jp.getLocation().getColumnNr() + ")" : "";
        throw new IllegalArgumentException("cannot read configuration " + file + ": " + e.getClass().getSimpleName() + where, e);
      }
      if (!root.isObject() && !root.isMissingNode()) {
        throw new IllegalArgumentException("configuration " + file + " must be a YAML mapping");
      }
    }
    requireKnown(root, "", Set.of("server", "dataDir", "upstream", "policies"));
    JsonNode server = root.path("server");
    requireKnown(server, "server.", Set.of("host", "port", "tls"));
    JsonNode upstream = root.path("upstream");
    requireKnown(upstream, "upstream.", Set.of("url", "apiKey", "apiVersion", "authHeader", "connectTimeoutSeconds", "timeoutSeconds"));

    String host = pick(env, "VEIL_HOST", server.path("host"), "127.0.0.1");
    int port = parseInt(pick(env, "VEIL_PORT", server.path("port"), "8080"), "port");
    Path dataDir = Path.of(pick(env, "VEIL_DATA_DIR", root.path("dataDir"), "veil-data"));

    JsonNode tlsNode = server.path("tls");
    requireKnown(tlsNode, "server.tls.", Set.of("certificate", "privateKey"));
    String cert = pick(env, "VEIL_TLS_CERT", tlsNode.path("certificate"), null);
    String key = pick(env, "VEIL_TLS_KEY", tlsNode.path("privateKey"), null);
    TlsConfig tls = null;
    if (cert != null || key != null) {
      if (cert == null || key == null) {
        throw new IllegalArgumentException("TLS needs both server.tls.certificate and server.tls.privateKey");
      }
      tls = new TlsConfig(Path.of(cert), Path.of(key));
    }

    String url = pick(env, "VEIL_UPSTREAM_URL", upstream.path("url"), null);
    String apiKey = pick(env, "VEIL_UPSTREAM_API_KEY", upstream.path("apiKey"), null);
    String apiVersion = pick(env, "VEIL_UPSTREAM_API_VERSION", upstream.path("apiVersion"), null);
    String auth = pick(env, "VEIL_UPSTREAM_AUTH_HEADER", upstream.path("authHeader"), "bearer");
    UpstreamConfig.AuthHeader authHeader = switch (auth.toLowerCase(Locale.ROOT)) {
      case "bearer" -> UpstreamConfig.AuthHeader.BEARER;
      case "api-key", "api_key" -> UpstreamConfig.AuthHeader.API_KEY;
      default -> throw new IllegalArgumentException("upstream.authHeader must be bearer or api-key");
    };
    Duration connect = Duration.ofSeconds(parseInt(text(upstream.path("connectTimeoutSeconds"), "10"), "upstream.connectTimeoutSeconds"));
    Duration timeout = Duration.ofSeconds(parseInt(text(upstream.path("timeoutSeconds"), "120"), "upstream.timeoutSeconds"));
    UpstreamConfig up = null;
    if (url != null && url.equalsIgnoreCase("mock")) {
      up = null;
    } else if (url != null || apiKey != null) {
      URI base = url == null ? UpstreamConfig.OPENAI : parseUrl(url);
      up = new UpstreamConfig(base, apiKey, apiVersion, authHeader, connect, timeout).validated();
    }

    Map<String, GatewayPolicy> policies = new HashMap<>();
    JsonNode pol = root.path("policies");
    for (Iterator<Map.Entry<String, JsonNode>> it = pol.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      policies.put(e.getKey(), policy(e.getKey(), e.getValue()));
    }
    policies.putIfAbsent(GatewayPolicy.DEFAULT, GatewayPolicy.defaults(GatewayPolicy.DEFAULT));
    String maxBody = env.get("VEIL_MAX_BODY_BYTES");
    if (maxBody != null) {
      GatewayPolicy d = policies.get(GatewayPolicy.DEFAULT);
      policies.put(GatewayPolicy.DEFAULT, new GatewayPolicy(d.name(), parseLong(maxBody, "VEIL_MAX_BODY_BYTES"),
          d.maxHistoryMessages(), d.forceStoreFalse(), d.hashUser()));
    }
    return new GatewayConfig(host, port, dataDir, up, tls, policies);
  }

  /** Builds an upstream configuration for a URL given on the command line, keeping the rest. */
  public static UpstreamConfig upstreamFor(String url, UpstreamConfig current) {
    URI base = parseUrl(url);
    if (current == null) {
      return new UpstreamConfig(base, null, null, UpstreamConfig.AuthHeader.BEARER, Duration.ofSeconds(10), Duration.ofSeconds(120)).validated();
    }
    return current.withBaseUrl(base).validated();
  }

  private static GatewayPolicy policy(String name, JsonNode n) {
    requireKnown(n, "policies." + name + ".", Set.of("maxBodyBytes", "maxHistoryMessages", "forceStoreFalse", "hashUser"));
    GatewayPolicy d = GatewayPolicy.defaults(name);
    return new GatewayPolicy(name,
        parseLong(text(n.path("maxBodyBytes"), Long.toString(d.maxBodyBytes())), "maxBodyBytes"),
        parseInt(text(n.path("maxHistoryMessages"), Integer.toString(d.maxHistoryMessages())), "maxHistoryMessages"),
        n.path("forceStoreFalse").asBoolean(d.forceStoreFalse()),
        n.path("hashUser").asBoolean(d.hashUser()));
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

  private static void requireKnown(JsonNode node, String prefix, Set<String> known) {
    if (!node.isObject()) {
      return;
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        throw new IllegalArgumentException("unknown configuration key '" + prefix + f + "' (known: " + known + ")");
      }
    }
  }

  private static String pick(Map<String, String> env, String var, JsonNode node, String fallback) {
    String v = env.get(var);
    if (v != null && !v.isBlank()) {
      return v.strip();
    }
    return text(node, fallback);
  }

  private static String text(JsonNode node, String fallback) {
    return node.isMissingNode() || node.isNull() ? fallback : node.asText();
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
