package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A configuration value of the wrong shape or type is refused at start with a line that names the key
 * (never its value), instead of being read as a default: a scalar where a section belongs, a list
 * where a value belongs, a boolean that is not {@code true}/{@code false}, a timeout of zero.
 * Secrets can come from files ({@code *File} keys and {@code VEIL_*_FILE} variables).
 */
class ConfigLoaderStrictTest {
  @TempDir
  Path dir;

  private GatewayConfig load(String yaml) throws Exception {
    Path f = dir.resolve("veil.yaml");
    Files.writeString(f, yaml);
    return ConfigLoader.load(f, Map.of());
  }

  private void refused(String yaml, String key) throws Exception {
    Path f = dir.resolve("veil.yaml");
    Files.writeString(f, yaml);
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).as(yaml)
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(key)
        .hasMessageNotContaining("s3cr3t-value");
  }

  /**
   * qa10: a policy's wrong profile was reported as the top-level {@code profile} (an operator looks at the wrong
   * line), and its out-of-range counts as {@code policy NAME: maxBodyBytes}, not as the key the page lists.
   */
  @Test
  void aPolicysOutOfRangeValueIsRefusedWithALineThatStartsWithItsDottedKey() throws Exception {
    String[][] cases = {
        {"policies:\n  strict:\n    profile: hipaa\n", "policies.strict.profile"},
        {"policies:\n  strict:\n    maxBodyBytes: 0\n", "policies.strict.maxBodyBytes"},
        {"policies:\n  strict:\n    maxHistoryMessages: -1\n", "policies.strict.maxHistoryMessages"},
        {"policies:\n  default:\n    maxBodyBytes: -5\n", "policies.default.maxBodyBytes"},
    };
    refusedNamingFirst(cases);
  }

  /**
   * ops17: {@code VEIL_MAX_BODY_BYTES}'s range and format errors named the variable alone, unlike every other
   * variable's ({@code KEY (VARIABLE) must …}); it sets {@code policies.default.maxBodyBytes}. Never the value.
   */
  @Test
  void theMaxBodyBytesVariableIsRefusedNamingItsKeyAndItself() {
    String[][] cases = {{"0", "must be >= 1"}, {"-5", "must be >= 1"}, {"1MB", "must be a whole number"},
        {"99999999999999999999", "must be a whole number"}};
    for (String[] c : cases) {
      assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("VEIL_MAX_BODY_BYTES", c[0]))).as(c[0])
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("policies.default.maxBodyBytes (VEIL_MAX_BODY_BYTES) " + c[1]);
    }
  }

  /** qa10: the page says a blank variable counts as unset; a blank VEIL_MAX_BODY_BYTES stopped the start. */
  @Test
  void aBlankMaxBodyBytesVariableIsUnset() throws Exception {
    assertThat(ConfigLoader.load(null, Map.of("VEIL_MAX_BODY_BYTES", " ")).policies().get(GatewayPolicy.DEFAULT)
        .maxBodyBytes()).isEqualTo(GatewayPolicy.defaults(GatewayPolicy.DEFAULT).maxBodyBytes());
    assertThat(ConfigLoader.load(null, Map.of("VEIL_MAX_BODY_BYTES", "2048")).policies().get(GatewayPolicy.DEFAULT)
        .maxBodyBytes()).isEqualTo(2048);
  }

  /** Each {yaml, key}: the file is refused with a line that starts with "KEY must be". */
  private void refusedNamingFirst(String[][] cases) throws Exception {
    for (String[] c : cases) {
      Path f = dir.resolve("veil.yaml");
      Files.writeString(f, c[0]);
      assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).as(c[0]).isInstanceOf(IllegalArgumentException.class)
          .message().startsWith(c[1] + " must be");
    }
  }

  @Test
  void aScalarWhereASectionBelongsIsRefusedNotIgnored() throws Exception {
    // before: `tls: FILE` was ignored and the gateway served plain HTTP
    refused("server:\n  tls: s3cr3t-value.pem\n", "server.tls");
    refused("server: s3cr3t-value\n", "server");
    refused("upstream: s3cr3t-value\n", "upstream");
    refused("database: s3cr3t-value\n", "database");
    refused("policies: [s3cr3t-value]\n", "policies");
    refused("policies:\n  strict: s3cr3t-value\n", "policies.strict");
    refused("retention: 5\n", "retention");
    refused("audit: [1]\n", "audit");
    refused("admin: s3cr3t-value\n", "admin");
  }

  /**
   * ops15: README promises that an out-of-range number stops the start with a line naming the key. A retention
   * period over the store's ten years reached the store and came out as "internal error (IllegalArgumentException)"
   * ({@code veil doctor}); the port's errors said "port"; a zero purge interval named two keys.
   */
  @Test
  void anOutOfRangeNumberIsRefusedWithALineThatStartsWithItsKey() throws Exception {
    String[][] cases = {
        {"server:\n  port: 70000\n", "server.port"},
        {"server:\n  port: abc\n", "server.port"},
        {"retention:\n  vaultHours: 87673\n", "retention.vaultHours"},
        {"retention:\n  auditDays: 3654\n", "retention.auditDays"},
        {"retention:\n  consentHistoryDays: 5000\n", "retention.consentHistoryDays"},
        {"retention:\n  privacyRequestsDays: 0\n", "retention.privacyRequestsDays"},
        {"retention:\n  purgeMinutes: 0\n", "retention.purgeMinutes"},
        {"audit:\n  checkpointSeconds: 0\n", "audit.checkpointSeconds"},
    };
    refusedNamingFirst(cases);
    // the limits themselves load
    assertThat(load("retention:\n  vaultHours: 87672\n  auditDays: 3653\n").governance().retention())
        .hasSize(2);
  }

  /**
   * ops16: a value a variable gave was reported under the YAML key alone ({@code VEIL_DRAIN_DELAY_SECONDS=601} →
   * {@code server.drainDelaySeconds must be 0-600}); the operator set the variable. Each {variable, value, key}: the
   * line starts with "KEY (VARIABLE) must be", and the same value from the file names the key alone.
   */
  @Test
  void aValueFromAVariableIsRefusedNamingTheKeyAndTheVariable() throws Exception {
    String[][] cases = {
        {"VEIL_DRAIN_DELAY_SECONDS", "601", "server.drainDelaySeconds"},
        {"VEIL_PORT", "70000", "server.port"},
        {"VEIL_PORT", "eighty", "server.port"},
        {"VEIL_SHUTDOWN_TIMEOUT_SECONDS", "3601", "server.shutdownTimeoutSeconds"},
        {"VEIL_MAX_CONNECTIONS", "0", "server.maxConnections"},
        {"VEIL_HEADER_TIMEOUT_SECONDS", "0", "server.headerTimeoutSeconds"},
        {"VEIL_MIN_BODY_BYTES_PER_SECOND", "-1", "server.minBodyBytesPerSecond"},
        {"VEIL_DETECTION_CACHE_ENABLED", "maybe", "detection.cache.enabled"},
        {"VEIL_DETECTION_CACHE_MAX_ENTRIES", "0", "detection.cache.maxEntries"},
        {"VEIL_DETECTION_CACHE_MAX_WEIGHT_BYTES", "10", "detection.cache.maxWeightBytes"},
        {"VEIL_DETECTION_CACHE_EXPIRE_SECONDS", "0", "detection.cache.expireSeconds"},
        {"VEIL_DETECTION_CACHE_MIN_CHARS", "-1", "detection.cache.minChars"},
        {"VEIL_DETECTION_CACHE_SHARING", "global", "detection.cache.sharing"},
        {"VEIL_SUBJECT_STATE_CACHE_MILLIS", "-1", "database.subjectStateCacheMillis"},
        {"VEIL_AUDIT_GROUP_WAIT_MILLIS", "100000000", "audit.groupWaitMillis"},
        {"VEIL_CLIENT_KEYS", "ldap", "database.clientKeys"},
        {"VEIL_RATE_LIMITS", "redis", "database.rateLimits"},
        {"VEIL_PROFILE", "hipaa", "profile"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(c[0], c[1]))).as(c[0] + "=" + c[1])
          .isInstanceOf(IllegalArgumentException.class).message()
          .startsWith(c[2] + " (" + c[0] + ") must be").doesNotContain("=" + c[1]);
      assertThat(ConfigLoader.variable(c[2])).as("the key table's variable of " + c[2]).contains(c[0]);
      // the same key from the file: the key alone (the variable was not used)
      String[] path = c[2].split("\\.");
      StringBuilder yaml = new StringBuilder();
      for (int i = 0; i < path.length; i++) {
        yaml.append("  ".repeat(i)).append(path[i]).append(i == path.length - 1 ? ": " + c[1] + "\n" : ":\n");
      }
      Path f = dir.resolve("veil.yaml");
      Files.writeString(f, yaml.toString());
      assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).as(yaml.toString())
          .isInstanceOf(IllegalArgumentException.class).message().contains(c[2]).doesNotContain(c[0]);
    }
    // an error about the file's keys is not put on the variable, set or not
    Path f = dir.resolve("veil.yaml");
    Files.writeString(f, "upstream:\n  apiKey: s3cr3t-value\n  apiKeyFile: /run/secrets/openai\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of("VEIL_UPSTREAM_API_KEY", "sk-other-s3cr3t")))
        .hasMessage("upstream.apiKey and upstream.apiKeyFile are both set; set one");
  }

  @Test
  void aListOrSectionWhereAValueBelongsIsRefused() throws Exception {
    refused("dataDir: {a: s3cr3t-value}\n", "dataDir");
    refused("upstream:\n  apiKey: [s3cr3t-value]\n", "upstream.apiKey");
    refused("server:\n  port: [8080]\n", "server.port");
    refused("policies:\n  default:\n    maxBodyBytes: {a: 1}\n", "maxBodyBytes");
  }

  @Test
  void booleansMustBeTrueOrFalse() throws Exception {
    // before: anything but true/false silently meant the default (requireIdentity: false)
    refused("policies:\n  default:\n    requireIdentity: ture\n", "policies.default.requireIdentity");
    refused("policies:\n  default:\n    forceStoreFalse: 1\n", "policies.default.forceStoreFalse");
    refused("policies:\n  default:\n    hashUser: [true]\n", "policies.default.hashUser");
    assertThat(load("policies:\n  default:\n    requireIdentity: true\n").policies().get("default").requireIdentity())
        .isTrue();
    assertThat(load("policies:\n  default:\n    hashUser: \"false\"\n").policies().get("default").hashUser()).isFalse();
  }

  @Test
  void timeoutsMustBePositiveAndPortsInRange() throws Exception {
    // before: 0 reached Jetty, where an idle timeout of 0 means none (a stalled provider held requests forever)
    refused("upstream:\n  url: mock\n  timeoutSeconds: 0\n", "upstream.timeoutSeconds");
    refused("upstream:\n  url: mock\n  connectTimeoutSeconds: -1\n", "upstream.connectTimeoutSeconds");
    refused("server:\n  port: 70000\n", "port");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("VEIL_PORT", "-1"))).hasMessageContaining("port");
  }

  @Test
  void secretsComeFromFilesByKeyOrByVariable() throws Exception {
    Path key = dir.resolve("provider-key");
    Files.writeString(key, "sk-from-file\n");
    Path pw = dir.resolve("db-password");
    Files.writeString(pw, "pw-from-file");
    Path admin = dir.resolve("admin-token");
    Files.writeString(admin, "admin-token-from-file-0123456789abcdef\n");
    for (Path p : List.of(key, pw, admin)) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    }
    GatewayConfig byKey = load("upstream:\n  apiKeyFile: " + key + "\ndatabase:\n  url: jdbc:postgresql://db/veil\n"
        + "  passwordFile: " + pw + "\nadmin:\n  tokenFile: " + admin + "\n");
    assertThat(byKey.upstream().apiKey()).isEqualTo("sk-from-file");
    assertThat(byKey.governance().dbPassword()).isEqualTo("pw-from-file");
    assertThat(byKey.governance().adminToken()).isEqualTo("admin-token-from-file-0123456789abcdef");

    GatewayConfig byEnv = ConfigLoader.load(null, Map.of("VEIL_UPSTREAM_API_KEY_FILE", key.toString(),
        "VEIL_DATABASE_PASSWORD_FILE", pw.toString(), "VEIL_ADMIN_TOKEN_FILE", admin.toString()));
    assertThat(byEnv.upstream().apiKey()).isEqualTo("sk-from-file");
    assertThat(byEnv.governance().dbPassword()).isEqualTo("pw-from-file");
    assertThat(byEnv.governance().adminToken()).isEqualTo("admin-token-from-file-0123456789abcdef");
  }

  @Test
  void aSecretGivenTwiceOrAMissingSecretFileIsAClearError() throws Exception {
    Path key = dir.resolve("provider-key");
    Files.writeString(key, "s3cr3t-value");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("VEIL_UPSTREAM_API_KEY", "sk-x",
        "VEIL_UPSTREAM_API_KEY_FILE", key.toString())))
        .hasMessageContaining("VEIL_UPSTREAM_API_KEY").hasMessageNotContaining("sk-x");
    refused("upstream:\n  apiKey: sk-x\n  apiKeyFile: " + key + "\n", "upstream.apiKey");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("VEIL_UPSTREAM_API_KEY_FILE", dir.resolve("nope").toString())))
        .hasMessageContaining("VEIL_UPSTREAM_API_KEY_FILE").hasMessageContaining("not found");
    Path empty = dir.resolve("empty");
    Files.writeString(empty, "\n");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("VEIL_ADMIN_TOKEN_FILE", empty.toString())))
        .hasMessageContaining("empty");
  }

  @Test
  void theHeaderTimeoutComesFromTheFileOrTheEnvironmentAndIsBounded() throws Exception {
    assertThat(ConfigLoader.load(null, Map.of()).server().headerTimeout()).hasSeconds(10);
    assertThat(load("server:\n  headerTimeoutSeconds: 4\n").server().headerTimeout()).hasSeconds(4);
    Path f = dir.resolve("veil.yaml");
    Files.writeString(f, "server:\n  headerTimeoutSeconds: 4\n");
    assertThat(ConfigLoader.load(f, Map.of("VEIL_HEADER_TIMEOUT_SECONDS", "7")).server().headerTimeout())
        .as("the environment wins over the file").hasSeconds(7);
    refused("server:\n  headerTimeoutSeconds: 0\n", "server.headerTimeoutSeconds");
    refused("server:\n  headerTimeoutSeconds: 3601\n", "server.headerTimeoutSeconds");
    refused("server:\n  headerTimeoutSeconds: ten\n", "server.headerTimeoutSeconds");
    refused("server:\n  headerTimeoutSeconds: [10]\n", "server.headerTimeoutSeconds");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("VEIL_HEADER_TIMEOUT_SECONDS", "-1")))
        .hasMessageContaining("server.headerTimeoutSeconds");
  }

  @Test
  void theMinimumBodyRateComesFromTheFileOrTheEnvironmentAndZeroTurnsItOff() throws Exception {
    assertThat(ConfigLoader.load(null, Map.of()).server().minBodyBytesPerSecond()).isEqualTo(1024);
    assertThat(load("server:\n  minBodyBytesPerSecond: 0\n").server().minBodyBytesPerSecond()).isZero();
    assertThat(ConfigLoader.load(null, Map.of("VEIL_MIN_BODY_BYTES_PER_SECOND", "4096")).server()
        .minBodyBytesPerSecond()).isEqualTo(4096);
    refused("server:\n  minBodyBytesPerSecond: -1\n", "server.minBodyBytesPerSecond");
    refused("server:\n  minBodyBytesPerSecond: fast\n", "server.minBodyBytesPerSecond");
    refused("server:\n  minBodyBytesPerSecond: 2000000000\n", "server.minBodyBytesPerSecond");
  }
}
