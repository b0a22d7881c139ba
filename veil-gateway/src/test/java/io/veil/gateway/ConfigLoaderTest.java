package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir
  Path dir;

  @Test
  void defaultsUseTheMockWithoutAProviderKey() {
    GatewayConfig c = ConfigLoader.load(null, Map.of());
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.dataDir()).isEqualTo(Path.of("veil-data"));
    assertThat(c.upstream()).isNull();
    assertThat(c.policies()).containsKey("default");
    assertThat(c.policies().get("default").forceStoreFalse()).isTrue();
  }

  @Test
  void aProviderKeyAloneMeansOpenAi() {
    GatewayConfig c = ConfigLoader.load(null, Map.of("VEIL_UPSTREAM_API_KEY", "sk-live-123"));
    assertThat(c.upstream().baseUrl()).isEqualTo(UpstreamConfig.OPENAI);
    assertThat(c.upstream().toString()).doesNotContain("sk-live-123");
  }

  @Test
  void yamlThenEnvironment() throws Exception {
    Path f = dir.resolve("veil.yaml");
    Files.writeString(f, """
        server:
          port: 9000
        dataDir: /tmp/v
        upstream:
          url: https://x.openai.azure.com/openai/deployments/gpt4o/
          apiKey: az-key
          apiVersion: 2024-10-21
          authHeader: api-key
        policies:
          strict:
            maxBodyBytes: 1000
            maxHistoryMessages: 4
        """);
    GatewayConfig c = ConfigLoader.load(f, Map.of("VEIL_PORT", "9100"));
    assertThat(c.port()).isEqualTo(9100);
    assertThat(c.upstream().baseUrl().toString()).isEqualTo("https://x.openai.azure.com/openai/deployments/gpt4o");
    assertThat(c.upstream().authHeader()).isEqualTo(UpstreamConfig.AuthHeader.API_KEY);
    assertThat(c.upstream().apiVersion()).isEqualTo("2024-10-21");
    assertThat(c.policies().get("strict").maxHistoryMessages()).isEqualTo(4);
    assertThat(c.policies()).containsKey("default");
  }

  @Test
  void plainHttpToARemoteHostIsRefusedAtConfigTime() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("VEIL_UPSTREAM_URL", "http://llm.internal:8000/v1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HTTPS only");
    assertThat(ConfigLoader.load(null, Map.of("VEIL_UPSTREAM_URL", "http://127.0.0.1:11434/v1")).upstream()).isNotNull();
    assertThat(ConfigLoader.load(null, Map.of("VEIL_UPSTREAM_URL", "mock")).upstream()).isNull();
  }

  @Test
  void unknownKeysAndBrokenFilesAreClearErrorsWithoutContent() throws Exception {
    Path typo = dir.resolve("typo.yaml");
    Files.writeString(typo, "upstream:\n  apikey: sk-secret-value\n");
    assertThatThrownBy(() -> ConfigLoader.load(typo, Map.of())).hasMessageContaining("upstream.apikey")
        .hasMessageNotContaining("sk-secret-value");
    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, "upstream: [sk-secret-value\n");
    assertThatThrownBy(() -> ConfigLoader.load(broken, Map.of())).hasMessageNotContaining("sk-secret-value");
  }
  /**
   * Broken YAML names the parser's problem (SnakeYAML's problem and context texts) and position, but
   * never the offending line; the one thing a problem text may repeat is the offending token itself
   * (here an undefined tag handle), which is why the snippet and the exception message stay out.
   */
  @Test
  void brokenYamlNamesTheParsersProblemWithoutTheLine() throws Exception {
    Map<String, String> cases = Map.of(
        "upstream: [sk-secret-value\n", "while parsing a flow sequence",
        "upstream:\n  apiKey: sk-secret-value\n   bad: x\n", "mapping values are not allowed here",
        "upstream:\n\tapiKey: sk-secret-value\n", "cannot start any token",
        "upstream:\n  apiKey: \"sk-secret-value\\q\"\n", "found unknown escape character");
    int i = 0;
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Path f = dir.resolve("broken" + i++ + ".yaml");
      Files.writeString(f, c.getKey());
      assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).as(c.getKey())
          .hasMessageContaining(c.getValue()).hasMessageContaining("(line ")
          .hasMessageNotContaining("sk-secret-value").hasMessageNotContaining("apiKey");
    }
    // the known limit: a problem text may name the offending token itself (here a tag handle)
    Path tag = dir.resolve("tag.yaml");
    Files.writeString(tag, "upstream:\n  apiKey: !undefined!x sk-secret-value\n");
    assertThatThrownBy(() -> ConfigLoader.load(tag, Map.of())).hasMessageContaining("found undefined tag handle !undefined!")
        .hasMessageNotContaining("sk-secret-value").hasMessageNotContaining("apiKey");
    assertThat(ConfigLoader.yamlProblem(new java.io.IOException("x"))).isEmpty();
  }

  @Test
  void theSubjectStateCacheTtlIsASettingWithAnEnvironmentOverrideAndBounds() throws Exception {
    assertThat(ConfigLoader.load(null, Map.of()).governance().subjectStateTtl()).isEqualTo(java.time.Duration.ofSeconds(2));
    Path f = dir.resolve("ttl.yaml");
    Files.writeString(f, """
        database:
          subjectStateCacheMillis: 500
        """);
    assertThat(ConfigLoader.load(f, Map.of()).governance().subjectStateTtl()).isEqualTo(java.time.Duration.ofMillis(500));
    assertThat(ConfigLoader.load(f, Map.of("VEIL_SUBJECT_STATE_CACHE_MILLIS", "0")).governance().subjectStateTtl())
        .as("0 turns the cache off").isZero();
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("VEIL_SUBJECT_STATE_CACHE_MILLIS", "600000")))
        .hasMessageContaining("subjectStateCacheMillis");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("VEIL_SUBJECT_STATE_CACHE_MILLIS", "-1")))
        .hasMessageContaining("subjectStateCacheMillis");
  }

  @Test
  void clientKeysLiveInTheDatabaseUnlessTheConfigurationOrTheEnvironmentSaysFile() throws Exception {
    assertThat(ConfigLoader.load(null, Map.of()).governance().clientKeys())
        .as("the default, on H2 as on PostgreSQL").isEqualTo(io.veil.gateway.keys.ClientKeyStorage.DATABASE);
    assertThat(ConfigLoader.load(null, Map.of("VEIL_DATABASE_URL", "jdbc:postgresql://db/veil")).governance()
        .clientKeys()).isEqualTo(io.veil.gateway.keys.ClientKeyStorage.DATABASE);
    Path f = dir.resolve("keys.yaml");
    Files.writeString(f, """
        database:
          clientKeys: file
        """);
    assertThat(ConfigLoader.load(f, Map.of()).governance().clientKeys())
        .isEqualTo(io.veil.gateway.keys.ClientKeyStorage.FILE);
    assertThat(ConfigLoader.load(f, Map.of("VEIL_CLIENT_KEYS", "Database")).governance().clientKeys())
        .as("the environment wins").isEqualTo(io.veil.gateway.keys.ClientKeyStorage.DATABASE);
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("VEIL_CLIENT_KEYS", "redis")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("database.clientKeys (VEIL_CLIENT_KEYS) must be database or file");
  }

  @Test
  void rateLimitsAreSharedInTheDatabaseUnlessTheConfigurationOrTheEnvironmentSaysMemory() throws Exception {
    assertThat(ConfigLoader.load(null, Map.of()).governance().sharedRateLimits()).isTrue();
    Path f = dir.resolve("limits.yaml");
    Files.writeString(f, """
        database:
          url: jdbc:postgresql://db/veil
          rateLimits: memory
        """);
    assertThat(ConfigLoader.load(f, Map.of()).governance().sharedRateLimits()).isFalse();
    assertThat(ConfigLoader.load(f, Map.of()).governance().toString()).contains("rateLimits=memory");
    assertThat(ConfigLoader.load(f, Map.of("VEIL_RATE_LIMITS", "Database")).governance().sharedRateLimits())
        .as("the environment wins").isTrue();
    assertThat(ConfigLoader.load(null, Map.of("VEIL_RATE_LIMITS", "memory")).governance()
        .withClientKeys(io.veil.gateway.keys.ClientKeyStorage.FILE).sharedRateLimits()).as("kept by with…").isFalse();
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("VEIL_RATE_LIMITS", "redis")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("database.rateLimits (VEIL_RATE_LIMITS) must be database or memory");
  }

  @Test
  void theAuditGroupWaitIsASettingWithAnEnvironmentOverrideAndBounds() throws Exception {
    assertThat(ConfigLoader.load(null, Map.of()).governance().auditGroupWait()).isEqualTo(java.time.Duration.ofMillis(5));
    Path f = dir.resolve("group.yaml");
    Files.writeString(f, """
        audit:
          groupWaitMillis: 20
        """);
    assertThat(ConfigLoader.load(f, Map.of()).governance().auditGroupWait()).isEqualTo(java.time.Duration.ofMillis(20));
    assertThat(ConfigLoader.load(f, Map.of("VEIL_AUDIT_GROUP_WAIT_MILLIS", "0")).governance().auditGroupWait())
        .as("0: never wait").isZero();
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("VEIL_AUDIT_GROUP_WAIT_MILLIS", "51")))
        .hasMessageContaining("groupWaitMillis");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("VEIL_AUDIT_GROUP_WAIT_MILLIS", "-1")))
        .hasMessageContaining("groupWaitMillis");
  }

  @Test
  void theDetectionCacheIsOnByDefaultConfigurableInYamlOverriddenByTheEnvironmentAndCanBeSwitchedOff() throws Exception {
    DetectionCacheConfig d = ConfigLoader.load(null, Map.of()).detectionCache();
    assertThat(d).isEqualTo(DetectionCacheConfig.defaults());
    assertThat(d.enabled()).isTrue();
    Path f = dir.resolve("cache.yaml");
    Files.writeString(f, """
        detection:
          cache:
            enabled: true
            maxEntries: 500
            maxWeightBytes: 1048576
            expireSeconds: 30
            minChars: 10
        """);
    assertThat(ConfigLoader.load(f, Map.of()).detectionCache())
        .isEqualTo(new DetectionCacheConfig(true, 500, 1 << 20, java.time.Duration.ofSeconds(30), 10));
    DetectionCacheConfig env = ConfigLoader.load(f, Map.of("VEIL_DETECTION_CACHE_ENABLED", "false",
        "VEIL_DETECTION_CACHE_MAX_ENTRIES", "7", "VEIL_DETECTION_CACHE_MAX_WEIGHT_BYTES", "4096",
        "VEIL_DETECTION_CACHE_EXPIRE_SECONDS", "5", "VEIL_DETECTION_CACHE_MIN_CHARS", "0")).detectionCache();
    assertThat(env).isEqualTo(new DetectionCacheConfig(false, 7, 4096, java.time.Duration.ofSeconds(5), 0));
    assertThat(ConfigLoader.load(null, Map.of()).detectionCache().sharing())
        .isEqualTo(DetectionCacheConfig.Sharing.CONVERSATION);
    assertThat(ConfigLoader.load(null, Map.of("VEIL_DETECTION_CACHE_SHARING", "tenant")).detectionCache().sharing())
        .isEqualTo(DetectionCacheConfig.Sharing.TENANT);
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("VEIL_DETECTION_CACHE_SHARING", "everyone")))
        .hasMessageContaining("detection.cache.sharing");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("VEIL_DETECTION_CACHE_ENABLED", "ture")))
        .as("a typo must not silently leave a setting as it was").hasMessageContaining("detection.cache.enabled");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("VEIL_DETECTION_CACHE_MAX_ENTRIES", "0")))
        .hasMessageContaining("maxEntries");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("VEIL_DETECTION_CACHE_EXPIRE_SECONDS", "0")))
        .hasMessageContaining("expireSeconds");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("VEIL_DETECTION_CACHE_MAX_WEIGHT_BYTES", "12")))
        .hasMessageContaining("maxWeightBytes");
    Path typo = dir.resolve("typo.yaml");
    Files.writeString(typo, """
        detection:
          cache:
            maxEntry: 5
        """);
    assertThatThrownBy(() -> ConfigLoader.load(typo, Map.of())).hasMessageContaining("detection.cache.maxEntry");
  }

  @Test
  void anUpstreamUrlFromTheCommandLineKeepsTheFilesUpstreamSettings() throws Exception {
    Path f = dir.resolve("timeouts.yaml");
    Files.writeString(f, """
        upstream:
          timeoutSeconds: 7
          connectTimeoutSeconds: 3
          authHeader: api-key
          apiVersion: 2024-10-21
        """);
    assertThat(ConfigLoader.load(f, Map.of()).upstream()).as("no url or key in the file: the mock").isNull();
    UpstreamConfig u = ConfigLoader.load(f, Map.of(), "http://127.0.0.1:9/v1").upstream();
    assertThat(u.timeout()).isEqualTo(java.time.Duration.ofSeconds(7));
    assertThat(u.connectTimeout()).isEqualTo(java.time.Duration.ofSeconds(3));
    assertThat(u.authHeader()).isEqualTo(UpstreamConfig.AuthHeader.API_KEY);
    assertThat(u.apiVersion()).isEqualTo("2024-10-21");
    assertThat(u.baseUrl().toString()).isEqualTo("http://127.0.0.1:9/v1");
    assertThat(ConfigLoader.load(null, Map.of("VEIL_UPSTREAM_API_KEY", "sk-x"), "http://127.0.0.1:9/v1").upstream()
        .apiKey()).isEqualTo("sk-x");
  }

  /**
   * {@code veil serve --upstream}: the command line's upstream replaces the configured one in the same
   * (single) reading of file and environment. Before, the file was loaded whole first, so a configured
   * URL that the command line was about to replace could still stop the start.
   */
  @Test
  void theCommandLinesUpstreamWinsOverTheFileAndTheEnvironment() throws Exception {
    Path f = dir.resolve("remote.yaml");
    Files.writeString(f, """
        upstream:
          url: http://provider.example/v1
          apiKey: sk-from-file
          timeoutSeconds: 9
        """);
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).as("plain HTTP to a remote host, when used")
        .hasMessageContaining("HTTPS");
    GatewayConfig cfg = ConfigLoader.load(f, Map.of(), "http://127.0.0.1:9/v1");
    assertThat(cfg.upstream().baseUrl().toString()).isEqualTo("http://127.0.0.1:9/v1");
    assertThat(cfg.upstream().apiKey()).as("the other settings stay").isEqualTo("sk-from-file");
    assertThat(cfg.upstream().timeout()).isEqualTo(java.time.Duration.ofSeconds(9));
    Map<String, String> env = Map.of("VEIL_UPSTREAM_URL", "https://api.example.com/v1");
    assertThat(ConfigLoader.load(null, env, "https://llm.example.org/v1").upstream().baseUrl().toString())
        .isEqualTo("https://llm.example.org/v1");
    assertThat(ConfigLoader.load(f, env, "mock").upstream()).as("mock: the built-in mock LLM").isNull();
    assertThat(ConfigLoader.load(null, env, null).upstream().baseUrl().toString()).isEqualTo("https://api.example.com/v1");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), "http://api.example.com/v1"))
        .as("the command line's URL is checked like any other").hasMessageContaining("HTTPS");
  }

  /** {@code protocol.extraWords}: read from YAML or the environment (which wins); bad keys and words stop the start. */
  @Test
  void protocolWordsAreReadFromYamlOrTheEnvironmentAndCheckedAtStart() throws Exception {
    Path f = dir.resolve("veil.yaml");
    Files.writeString(f, "protocol:\n  extraWords:\n    chat.reasoning_effort: [ultra, mega]\n"
        + "    embeddings.encoding_format: [int8]\n");
    assertThat(ConfigLoader.load(f, Map.of()).protocolWords())
        .containsOnly(Map.entry("chat.reasoning_effort", java.util.List.of("ultra", "mega")),
            Map.entry("embeddings.encoding_format", java.util.List.of("int8")));
    assertThat(ConfigLoader.load(f, Map.of("VEIL_PROTOCOL_EXTRA_WORDS", "responses.truncation=sliding")).protocolWords())
        .containsOnly(Map.entry("responses.truncation", java.util.List.of("sliding")));
    assertThat(ConfigLoader.load(null, Map.of()).protocolWords()).isEmpty();

    // key: a field with a vocabulary, as a refusal names it; value: a protocol word, never free text
    String[][] bad = {
        {"chat.model", "gpt-6", "names no field with a protocol vocabulary"},
        {"chat.reasoning", "high", "names no field"},
        {"completions.reasoning_effort", "ultra", "names no field"},
        {"responses.tools.nosuch.size", "big", "names no field"},
        {"responses.tools.mcp", "always", "names no field"},
        {"chat.reasoning_effort", "Kowalski", "must be a protocol word"},
        {"chat.reasoning_effort", "jane doe", "must be a protocol word"},
        {"chat.reasoning_effort", "", "must be a protocol word"},
        {"chat.reasoning_effort", "a".repeat(65), "must be a protocol word"},
        {"chat.reasoning_effort", "x@example.com", "must be a protocol word"}};
    for (String[] row : bad) {
      Files.writeString(f, "protocol:\n  extraWords:\n    " + row[0] + ": [\"" + row[1] + "\"]\n");
      assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).as(row[0] + " " + row[1])
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(row[2])
          .hasMessageContaining("protocol.extraWords." + row[0])
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(row[1].isEmpty() ? "\"\"" : " " + row[1]));
      assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("VEIL_PROTOCOL_EXTRA_WORDS", row[0] + "=" + row[1])))
          .as("env " + row[0]).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(row[2]);
    }
    Files.writeString(f, "protocol:\n  extraWords:\n    chat.reasoning_effort: ultra\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).hasMessageContaining("must be a list of words");
    Files.writeString(f, "protocol:\n  extra_words: {}\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).hasMessageContaining("protocol.extra_words");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("VEIL_PROTOCOL_EXTRA_WORDS", "ultra")))
        .hasMessageContaining("VEIL_PROTOCOL_EXTRA_WORDS must be");
  }
}
