package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.gateway.keys.ClientKeyStore;
import io.veil.gateway.keys.ClientKeyStores;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;

/**
 * A gateway with governance (real store on H2 or PostgreSQL, real Veil with the persistent vault) in
 * front of a scripted upstream that records every body it receives.
 */
final class GovernedGateway implements AutoCloseable {
  final MockWebServer upstream = new MockWebServer();
  final EchoUpstream echo = new EchoUpstream();
  final Path dataDir;
  final GovernanceConfig govConfig;
  final Governance governance;
  final Gateway gateway;
  final io.veil.core.Veil veil;
  final String key;
  final String adminToken;
  /** The key store {@code govConfig.clientKeys()} names (the database by default), as {@code veil serve} opens it. */
  final ClientKeyStore keys;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  GovernedGateway(Path dataDir, GovernanceConfig govConfig, Map<String, GatewayPolicy> extraPolicies) throws Exception {
    this(dataDir, govConfig, extraPolicies, Duration.ofSeconds(10));
  }

  /** With this upstream timeout (until headers, and the longest silence inside a body). */
  GovernedGateway(Path dataDir, GovernanceConfig govConfig, Map<String, GatewayPolicy> extraPolicies,
      Duration upstreamTimeout) throws Exception {
    this(dataDir, govConfig, extraPolicies, upstreamTimeout, null);
  }

  /** In front of another upstream ({@code upstreamBaseUrl}, e.g. a {@link MisbehavingUpstream}); null: the echo. */
  GovernedGateway(Path dataDir, GovernanceConfig govConfig, Map<String, GatewayPolicy> extraPolicies,
      Duration upstreamTimeout, String upstreamBaseUrl) throws Exception {
    this.dataDir = dataDir;
    this.govConfig = govConfig;
    upstream.setDispatcher(echo);
    upstream.start();
    governance = Governance.open(govConfig, dataDir, Map.of());
    keys = ClientKeyStores.open(govConfig.clientKeys(), dataDir, governance::clientKeyTable);
    key = keys.list().isEmpty() ? keys.create("acme", "default", 0).secret()
        : Files.readString(dataDir.resolve("test-key"));
    Files.writeString(dataDir.resolve("test-key"), key);
    Map<String, GatewayPolicy> policies = new HashMap<>(extraPolicies);
    policies.putIfAbsent("default", GatewayPolicy.defaults("default"));
    UpstreamConfig up = new UpstreamConfig(URI.create(upstreamBaseUrl != null ? upstreamBaseUrl
        : upstream.url("/v1").toString().replaceAll("/$", "")),
        "sk-provider-secret-123456", null, UpstreamConfig.AuthHeader.BEARER, Duration.ofSeconds(5), upstreamTimeout);
    GatewayConfig config = new GatewayConfig("127.0.0.1", 0, dataDir, up, null, policies, govConfig);
    veil = TestVeil.create(governance.vault());
    gateway = Gateway.start(config, veil, keys, governance);
    adminToken = Files.readString(dataDir.resolve(AdminToken.FILE)).strip();
  }

  /** A key bound to another policy of this gateway. */
  String keyFor(String tenant, String policy) {
    return keys.create(tenant, policy, 0).secret();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + gateway.port() + path);
  }

  HttpResponse<String> send(String method, String path, String bearer, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.setHeader(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> chat(String content, String... headers) throws Exception {
    return send("POST", "/v1/chat/completions", key, chatBody(content, false), headers);
  }

  static String chatBody(String content, boolean stream) {
    return "{\"model\":\"gpt-4o-mini\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":"
        + Json.write(Json.MAPPER.getNodeFactory().textNode(content)) + "}]}";
  }

  HttpResponse<String> privacy(String method, String path, String user, String body) throws Exception {
    return send(method, path, key, body, "X-Veil-User", user);
  }

  HttpResponse<String> admin(String method, String path, String body) throws Exception {
    return send(method, path, adminToken, body);
  }

  void grant(String user, String purpose) throws Exception {
    HttpResponse<String> r = privacy("POST", "/privacy/consent", user, "{\"purpose\":\"" + purpose + "\",\"granted\":true}");
    if (r.statusCode() != 200) {
      throw new AssertionError("grant failed: " + r.body());
    }
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }

  /** A plain JDBC connection to the same database (for checks and for tampering). */
  Connection jdbc() throws Exception {
    if (govConfig.jdbcUrl() == null) {
      return DriverManager.getConnection("jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("veil")
          + ";LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE", "veil", "");
    }
    return DriverManager.getConnection(govConfig.jdbcUrl(), govConfig.dbUser(), govConfig.dbPassword());
  }

  /** Every value of every row of every Veil table, as text. */
  List<String> allCells() throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = jdbc()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          String schema = rs.getString("TABLE_SCHEM");
          if (schema != null && (schema.equalsIgnoreCase("public"))) {
            tables.add(rs.getString("TABLE_NAME"));
          }
        }
      }
      for (String t : tables) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM \"" + t + "\"")) {
          ResultSetMetaData md = rs.getMetaData();
          while (rs.next()) {
            for (int i = 1; i <= md.getColumnCount(); i++) {
              Object o = rs.getObject(i);
              if (o instanceof byte[] b) {
                out.add(t + ":" + new String(b, java.nio.charset.StandardCharsets.ISO_8859_1));
              } else if (o != null) {
                out.add(t + ":" + o);
              }
            }
          }
        }
      }
      if (tables.size() < 5) {
        throw new AssertionError("expected Veil's tables, found " + tables);
      }
    }
    return out;
  }

  long count(String sql) throws Exception {
    try (Connection c = jdbc(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public void close() {
    gateway.close();
    governance.close();
    upstream.close();
  }
}
