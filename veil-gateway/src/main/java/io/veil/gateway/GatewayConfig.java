package io.veil.gateway;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@code veil serve} needs. Build with {@link ConfigLoader}.
 *
 * @param host the listen address
 * @param port the listen port (0 picks a free one)
 * @param dataDir where state lives (client keys, the gateway secret, the dev key)
 * @param upstream the provider; null means the built-in mock LLM is to be started as upstream
 * @param tls the TLS listener, or null for plain HTTP (HTTP/1.1 and h2c)
 * @param policies gateway policies by name; always contains {@code default}
 * @param governance the governance store (database, admin token, retention, audit checkpoints)
 * @param detectionCache the detection result cache ({@code detection.cache.*})
 * @param server connection limits and the shutdown timeout
 * @param protocolWords words added to the protocol vocabulary per field ({@code protocol.extraWords}): key
 *     {@code endpoint.field} as a refusal names the field ({@code chat.reasoning_effort},
 *     {@code responses.tools.mcp.require_approval}), value the words OpenAI added since the release
 * @param gatewaySecret where the gateway secret comes from: the data directory's file, or
 *     {@code VEIL_GATEWAY_SECRET[_FILE]} ({@link GatewaySecretSource}; its {@code toString} names the source only)
 * @throws IllegalArgumentException among others for a {@code protocolWords} key that names no field with a
 *     vocabulary, or a word that is not a protocol word (lowercase letters and digits joined by {@code . _ -})
 */
public record GatewayConfig(String host, int port, Path dataDir, UpstreamConfig upstream, TlsConfig tls,
    Map<String, GatewayPolicy> policies, GovernanceConfig governance, DetectionCacheConfig detectionCache,
    ServerOptions server, Map<String, java.util.List<String>> protocolWords, GatewaySecretSource gatewaySecret) {
  public GatewayConfig {
    Objects.requireNonNull(gatewaySecret, "gatewaySecret");
    Map<String, java.util.List<String>> words = new java.util.LinkedHashMap<>();
    protocolWords.forEach((field, list) -> words.put(field, java.util.List.copyOf(list)));
    protocolWords = Map.copyOf(words);
    vocabulary(protocolWords); // validated here: bad words stop the start
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(governance, "governance");
    Objects.requireNonNull(detectionCache, "detectionCache");
    Objects.requireNonNull(dataDir, "dataDir");
    policies = Map.copyOf(policies);
    if (!policies.containsKey(GatewayPolicy.DEFAULT)) {
      throw new IllegalArgumentException("policies must contain 'default'");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535");
    }
  }

  /** With the data directory's gateway secret. */
  public GatewayConfig(String host, int port, Path dataDir, UpstreamConfig upstream, TlsConfig tls,
      Map<String, GatewayPolicy> policies, GovernanceConfig governance, DetectionCacheConfig detectionCache,
      ServerOptions server, Map<String, java.util.List<String>> protocolWords) {
    this(host, port, dataDir, upstream, tls, policies, governance, detectionCache, server, protocolWords,
        GatewaySecretSource.dataDirectory());
  }

  /** With no words added to the protocol vocabulary. */
  public GatewayConfig(String host, int port, Path dataDir, UpstreamConfig upstream, TlsConfig tls,
      Map<String, GatewayPolicy> policies, GovernanceConfig governance, DetectionCacheConfig detectionCache,
      ServerOptions server) {
    this(host, port, dataDir, upstream, tls, policies, governance, detectionCache, server, Map.of());
  }

  /** The protocol vocabulary the adapters check: the API reference's words and {@link #protocolWords}. */
  ProtocolVocabulary vocabulary() {
    return vocabulary(protocolWords);
  }

  private static ProtocolVocabulary vocabulary(Map<String, java.util.List<String>> words) {
    return ProtocolVocabulary.STANDARD.withExtraWords(words);
  }

  /** With the default detection cache and server options. */
  public GatewayConfig(String host, int port, Path dataDir, UpstreamConfig upstream, TlsConfig tls,
      Map<String, GatewayPolicy> policies, GovernanceConfig governance) {
    this(host, port, dataDir, upstream, tls, policies, governance, DetectionCacheConfig.defaults(),
        ServerOptions.DEFAULTS);
  }

  /** With the default server options. */
  public GatewayConfig(String host, int port, Path dataDir, UpstreamConfig upstream, TlsConfig tls,
      Map<String, GatewayPolicy> policies, GovernanceConfig governance, DetectionCacheConfig detectionCache) {
    this(host, port, dataDir, upstream, tls, policies, governance, detectionCache, ServerOptions.DEFAULTS);
  }

  /** With the default detection cache. */
  public GatewayConfig(String host, int port, Path dataDir, UpstreamConfig upstream, TlsConfig tls,
      Map<String, GatewayPolicy> policies, GovernanceConfig governance, ServerOptions server) {
    this(host, port, dataDir, upstream, tls, policies, governance, DetectionCacheConfig.defaults(), server);
  }

  /** With the default governance configuration. */
  public GatewayConfig(String host, int port, Path dataDir, UpstreamConfig upstream, TlsConfig tls,
      Map<String, GatewayPolicy> policies) {
    this(host, port, dataDir, upstream, tls, policies, GovernanceConfig.defaults());
  }

  /** The largest body any policy accepts: the bound on what is read before the key is known. */
  long maxBodyBytes() {
    return policies.values().stream().mapToLong(GatewayPolicy::maxBodyBytes).max().orElse(1 << 20);
  }

  public GatewayConfig withUpstream(UpstreamConfig u) {
    return new GatewayConfig(host, port, dataDir, u, tls, policies, governance, detectionCache, server, protocolWords,
        gatewaySecret);
  }

  public GatewayConfig withPort(int p) {
    return new GatewayConfig(host, p, dataDir, upstream, tls, policies, governance, detectionCache, server, protocolWords,
        gatewaySecret);
  }

  public GatewayConfig withGovernance(GovernanceConfig g) {
    return new GatewayConfig(host, port, dataDir, upstream, tls, policies, g, detectionCache, server, protocolWords,
        gatewaySecret);
  }

  public GatewayConfig withDetectionCache(DetectionCacheConfig c) {
    return new GatewayConfig(host, port, dataDir, upstream, tls, policies, governance, c, server, protocolWords,
        gatewaySecret);
  }

  public GatewayConfig withServer(ServerOptions s) {
    return new GatewayConfig(host, port, dataDir, upstream, tls, policies, governance, detectionCache, s, protocolWords,
        gatewaySecret);
  }

  public GatewayConfig withProtocolWords(Map<String, java.util.List<String>> words) {
    return new GatewayConfig(host, port, dataDir, upstream, tls, policies, governance, detectionCache, server, words,
        gatewaySecret);
  }

  public GatewayConfig withGatewaySecret(GatewaySecretSource s) {
    return new GatewayConfig(host, port, dataDir, upstream, tls, policies, governance, detectionCache, server,
        protocolWords, s);
  }

  public GatewayConfig withDataDir(Path d) {
    return new GatewayConfig(host, port, d, upstream, tls, policies, governance, detectionCache, server, protocolWords,
        gatewaySecret);
  }
}
