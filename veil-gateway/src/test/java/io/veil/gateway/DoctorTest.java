package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.core.Policy;
import io.veil.core.Veil;
import io.veil.core.testing.SelfSignedCert;
import io.veil.gateway.keys.FileClientKeyStore;
import io.veil.store.DataClass;
import io.veil.store.Purpose;
import io.veil.store.RegulationProfile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each doctor check on configurations built to trip it, and the report's wire shape. */
class DoctorTest {
  private static final String STRONG = "veil-admin-Q2x9vLk3mP0aZr7TqW4nE8yB1cD6fGhJ5sUoIi";
  @TempDir Path dir;

  private static UpstreamConfig https() {
    return new UpstreamConfig(URI.create("https://api.openai.com/v1"), "sk-provider-SECRET-0001", null,
        UpstreamConfig.AuthHeader.BEARER, Duration.ofSeconds(10), Duration.ofSeconds(120));
  }

  private GatewayConfig config(String host, GovernanceConfig gov, GatewayPolicy... extra) {
    Map<String, GatewayPolicy> policies = new HashMap<>();
    policies.put("default", GatewayPolicy.defaults("default"));
    for (GatewayPolicy p : extra) {
      policies.put(p.name(), p);
    }
    return new GatewayConfig(host, 8080, dir, https(), null, policies, gov);
  }

  private static GovernanceConfig gov(String adminToken) {
    return GovernanceConfig.defaults().withAdminToken(adminToken);
  }

  private static DoctorCheck check(DoctorReport r, String id) {
    return r.check(id).orElseThrow(() -> new AssertionError("no check " + id));
  }

  /**
   * Secrets read from files (VEIL_*_FILE, or the YAML keys apiKeyFile / tokenFile / passwordFile) are not
   * "written in the configuration file". Before: with a config file given, every secret not in a plain
   * VEIL_* variable was reported as written in it.
   */
  @Test
  void secretsFromSecretFilesAreNotReportedAsWrittenInTheConfigurationFile() throws Exception {
    Path yaml = java.nio.file.Files.writeString(dir.resolve("veil.yaml"), "admin:\n  tokenFile: /run/secrets/admin\n");
    java.nio.file.Files.setPosixFilePermissions(yaml, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    GatewayConfig cfg = config("127.0.0.1", gov(STRONG));
    DoctorReport r = Doctor.of(cfg).configFile(yaml)
        .env(Map.of("VEIL_UPSTREAM_API_KEY_FILE", "/run/secrets/openai")).examine();
    assertThat(check(r, "upstream.credentials").status()).isEqualTo(DoctorStatus.OK);
    assertThat(check(r, "admin.token").message()).doesNotContain("configuration file");
    // a key really written in the file is still reported
    Path plain = java.nio.file.Files.writeString(dir.resolve("plain.yaml"), "upstream:\n  apiKey: sk-x\n");
    assertThat(check(Doctor.of(cfg).configFile(plain).env(Map.of()).examine(), "upstream.credentials").status())
        .isEqualTo(DoctorStatus.WARN);
  }

  @Test
  void safeConfigurationHasNoFailureAndTheExactWireShape() throws Exception {
    GatewayPolicy strict = new GatewayPolicy("default", 1 << 20, 0, true, true, RegulationProfile.GDPR,
        Set.of(Purpose.LLM_PROCESSING), true);
    Map<String, GatewayPolicy> policies = Map.of("default", strict);
    GatewayConfig cfg = new GatewayConfig("127.0.0.1", 8080, dir, https(), null, policies, gov(STRONG));
    FileClientKeyStore keys = FileClientKeyStore.open(dir);
    keys.create("acme", "default", 60);
    DoctorReport r = Doctor.of(cfg).env(Map.of("VEIL_ADMIN_TOKEN", STRONG, "VEIL_UPSTREAM_API_KEY", "x"))
        .keys(keys).examine();
    assertThat(r.checks()).filteredOn(c -> c.status() == DoctorStatus.FAIL).isEmpty();
    assertThat(check(r, "tls.listener").status()).isEqualTo(DoctorStatus.OK);
    assertThat(check(r, "admin.token").status()).isEqualTo(DoctorStatus.OK);
    assertThat(check(r, "consent.enforcement").status()).isEqualTo(DoctorStatus.OK);
    assertThat(check(r, "detection.coverage").status()).isEqualTo(DoctorStatus.OK);
    assertThat(check(r, "files.permissions").status()).isEqualTo(DoctorStatus.OK);
    // the store was not opened: said plainly, as a warning
    assertThat(check(r, "audit.chain").status()).isEqualTo(DoctorStatus.WARN);
    assertThat(check(r, "audit.chain").message()).contains("not checked");
    assertThat(r.status()).isEqualTo(DoctorStatus.WARN);

    JsonNode json = Json.MAPPER.readTree(Json.write(r.toJson()));
    assertThat(fieldNames(json)).containsExactly("status", "checks");
    assertThat(json.get("status").asText()).isEqualTo("warn");
    assertThat(json.get("checks").size()).isEqualTo(r.checks().size()).isGreaterThanOrEqualTo(15);
    for (JsonNode c : json.get("checks")) {
      assertThat(fieldNames(c)).containsExactly("id", "status", "title", "message", "fix");
      assertThat(c.get("status").asText()).isIn("ok", "warn", "fail");
      assertThat(c.get("id").asText()).matches("[a-z][a-z0-9_.-]*");
      if (!c.get("status").asText().equals("ok")) {
        assertThat(c.get("fix").asText()).isNotBlank();
      }
    }
    assertThat(DoctorReport.fromJson(json)).isEqualTo(r);
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> out = new java.util.ArrayList<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }

  @ParameterizedTest
  @CsvSource({"0.0.0.0, FAIL", "10.1.2.3, FAIL", "127.0.0.1, OK", "localhost, OK", "::1, OK"})
  void plainHttpOnlyOnLoopback(String host, DoctorStatus expected) {
    DoctorReport r = Doctor.of(config(host, gov(STRONG))).examine();
    assertThat(check(r, "tls.listener").status()).isEqualTo(expected);
    if (expected == DoctorStatus.FAIL) {
      assertThat(r.status().exitCode()).isEqualTo(2);
    }
  }

  /**
   * qa8: a YAML file naming cert.pem and key.pem, checked from another directory than the files' (relative paths are
   * read from the current one): the doctor said the certificate "cannot be read as a PEM X.509 certificate" although
   * it did not exist, and named neither file's directory.
   */
  @Test
  void missingTlsFilesAreSaidToBeMissingWithTheDirectoryTheyWereLookedFor() throws Exception {
    GatewayConfig base = config("0.0.0.0", gov(STRONG));
    TlsConfig missing = new TlsConfig(Path.of("qa8-no-such-cert.pem"), Path.of("qa8-no-such-key.pem"));
    GatewayConfig cfg = new GatewayConfig("0.0.0.0", 8443, dir, https(), missing, base.policies(), base.governance());
    DoctorCheck c = check(Doctor.of(cfg).examine(), "tls.listener");
    String cwd = Path.of("").toAbsolutePath().toString();
    assertThat(c.status()).isEqualTo(DoctorStatus.FAIL);
    assertThat(c.message()).contains("the certificate file qa8-no-such-cert.pem (relative to the current directory "
        + cwd + ") does not exist").contains("the private key file qa8-no-such-key.pem (relative to the current directory "
        + cwd + ") does not exist").doesNotContain("cannot be read as a PEM");
  }

  @Test
  void tlsWithAnExpiredCertificateOrAnExposedKeyFails() throws Exception {
    TlsConfig expired = SelfSignedCert.create(Duration.ofDays(-1)).writePem(dir, TlsConfig::new);
    Files.setPosixFilePermissions(expired.privateKey(), PosixFilePermissions.fromString("rw-------"));
    GatewayConfig cfg = config("0.0.0.0", gov(STRONG));
    cfg = new GatewayConfig("0.0.0.0", 8443, dir, https(), expired, cfg.policies(), cfg.governance());
    DoctorCheck c = check(Doctor.of(cfg).examine(), "tls.listener");
    assertThat(c.status()).isEqualTo(DoctorStatus.FAIL);
    assertThat(c.message()).contains("expired");

    Path goodDir = Files.createDirectories(dir.resolve("good"));
    TlsConfig good = SelfSignedCert.create(Duration.ofDays(365)).writePem(goodDir, TlsConfig::new);
    Files.setPosixFilePermissions(good.privateKey(), PosixFilePermissions.fromString("rw-------"));
    cfg = new GatewayConfig("0.0.0.0", 8443, dir, https(), good, cfg.policies(), cfg.governance());
    assertThat(check(Doctor.of(cfg).examine(), "tls.listener").status()).isEqualTo(DoctorStatus.OK);
    Files.setPosixFilePermissions(good.privateKey(), PosixFilePermissions.fromString("rw-r--r--"));
    c = check(Doctor.of(cfg).examine(), "tls.listener");
    assertThat(c.status()).isEqualTo(DoctorStatus.FAIL);
    assertThat(c.message()).contains("readable by group or others").contains("644");
  }

  @Test
  void mockOrLoopbackUpstreamWarns() {
    GatewayConfig cfg = config("127.0.0.1", gov(STRONG)).withUpstream(null);
    assertThat(check(Doctor.of(cfg).examine(), "upstream.transport").status()).isEqualTo(DoctorStatus.WARN);
    cfg = cfg.withUpstream(https().withBaseUrl(URI.create("http://127.0.0.1:11434/v1")));
    assertThat(check(Doctor.of(cfg).examine(), "upstream.transport").status()).isEqualTo(DoctorStatus.WARN);
    cfg = cfg.withUpstream(https());
    assertThat(check(Doctor.of(cfg).examine(), "upstream.transport").status()).isEqualTo(DoctorStatus.OK);
  }

  @ParameterizedTest
  @CsvSource({
      "changeme, FAIL", "adminadminadminadmin, FAIL", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, FAIL",
      "short-token, FAIL", "Password12345678, WARN", STRONG + ", OK"})
  void adminTokenStrength(String token, DoctorStatus expected) {
    DoctorReport r = Doctor.of(config("127.0.0.1", gov(token))).env(Map.of("VEIL_ADMIN_TOKEN", token)).examine();
    assertThat(check(r, "admin.token").status()).isEqualTo(expected);
    assertThat(Json.write(r.toJson())).doesNotContain(token);
  }

  @Test
  void generatedAdminTokenFileIsStrong() {
    AdminToken.loadOrCreate(dir, null);
    assertThat(check(Doctor.of(config("127.0.0.1", GovernanceConfig.defaults())).examine(), "admin.token").status())
        .isEqualTo(DoctorStatus.OK);
  }

  @Test
  void secretFilesReadableByOthersFail() throws Exception {
    GatewayConfig cfg = config("127.0.0.1", gov(STRONG));
    io.veil.store.KeyManager.openOrCreate(dir.resolve("keys"));
    AdminToken.loadOrCreate(dir, null);
    assertThat(check(Doctor.of(cfg).examine(), "files.permissions").status()).isEqualTo(DoctorStatus.OK);
    Files.setPosixFilePermissions(dir.resolve("keys/master.json"), PosixFilePermissions.fromString("rw-r--r--"));
    DoctorCheck c = check(Doctor.of(cfg).examine(), "files.permissions");
    assertThat(c.status()).isEqualTo(DoctorStatus.FAIL);
    assertThat(c.message()).contains("master.json").contains("644");
    Files.setPosixFilePermissions(dir.resolve("keys/master.json"), PosixFilePermissions.fromString("rw-------"));
    Files.setPosixFilePermissions(dir.resolve("keys"), PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(check(Doctor.of(cfg).examine(), "files.permissions").message()).contains("want 700");
    Files.setPosixFilePermissions(dir.resolve("keys"), PosixFilePermissions.fromString("rwx------"));
    // the database file readable by others: a warning while others can enter the data directory
    Files.writeString(dir.resolve("veil.mv.db"), "x");
    Files.setPosixFilePermissions(dir.resolve("veil.mv.db"), PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    c = check(Doctor.of(cfg).examine(), "files.permissions");
    assertThat(c.status()).isEqualTo(DoctorStatus.WARN);
    assertThat(c.message()).contains("veil.mv.db");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    assertThat(check(Doctor.of(cfg).examine(), "files.permissions").status()).isEqualTo(DoctorStatus.OK);
    // a data directory Veil creates is private
    FileClientKeyStore.open(dir.resolve("fresh"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("fresh"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    // keysets from the environment: the key directory is not theirs to judge
    assertThat(check(Doctor.of(cfg).env(Map.of("VEIL_MASTER_KEYSET", "{}")).examine(), "files.permissions").status())
        .isEqualTo(DoctorStatus.OK);
  }

  @Test
  void configFileWithSecretsMustBeOwnerOnly() throws Exception {
    Path yaml = dir.resolve("veil.yaml");
    Files.writeString(yaml, "upstream:\n  apiKey: sk-provider-SECRET-0001\n");
    Files.setPosixFilePermissions(yaml, PosixFilePermissions.fromString("rw-r--r--"));
    GatewayConfig cfg = config("127.0.0.1", gov(STRONG));
    DoctorReport r = Doctor.of(cfg).configFile(yaml).env(Map.of("VEIL_ADMIN_TOKEN", STRONG)).examine();
    assertThat(check(r, "config.file").status()).isEqualTo(DoctorStatus.FAIL);
    assertThat(check(r, "upstream.credentials").status()).isEqualTo(DoctorStatus.WARN);
    Files.setPosixFilePermissions(yaml, PosixFilePermissions.fromString("rw-------"));
    r = Doctor.of(cfg).configFile(yaml).env(Map.of("VEIL_ADMIN_TOKEN", STRONG)).examine();
    assertThat(check(r, "config.file").status()).isEqualTo(DoctorStatus.OK);
    Files.setPosixFilePermissions(yaml, PosixFilePermissions.fromString("rw-rw----"));
    assertThat(check(Doctor.of(cfg).configFile(yaml).examine(), "config.file").message()).contains("writable");
  }

  @Test
  void retentionVersusProfile() {
    Map<DataClass, Duration> r = new EnumMap<>(DataClass.class);
    r.put(DataClass.VAULT_ENTRIES, Duration.ofDays(90));
    GovernanceConfig g = new GovernanceConfig(null, null, null, STRONG, RegulationProfile.GDPR, r, 1000,
        Duration.ofMinutes(5), Duration.ofHours(1));
    DoctorCheck c = check(Doctor.of(config("127.0.0.1", g)).examine(), "retention.periods");
    assertThat(c.status()).isEqualTo(DoctorStatus.FAIL);
    assertThat(c.message()).contains("vault entries").contains("90 d");

    // a CCPA policy while retention follows GDPR: audit kept shorter than CCPA expects
    GatewayPolicy ccpa = new GatewayPolicy("us", 1 << 20, 0, true, true, RegulationProfile.CCPA,
        Set.of(Purpose.LLM_PROCESSING), true);
    c = check(Doctor.of(config("127.0.0.1", gov(STRONG), ccpa)).examine(), "retention.periods");
    assertThat(c.status()).isEqualTo(DoctorStatus.WARN);
    assertThat(c.message()).contains("ccpa").contains("180 d");

    Map<DataClass, Duration> shortRequests = new EnumMap<>(DataClass.class);
    shortRequests.put(DataClass.PRIVACY_REQUESTS, Duration.ofDays(90));
    g = new GovernanceConfig(null, null, null, STRONG, RegulationProfile.CCPA, shortRequests, 1000,
        Duration.ofMinutes(5), Duration.ofHours(1));
    assertThat(check(Doctor.of(config("127.0.0.1", g)).examine(), "retention.periods").status())
        .isEqualTo(DoctorStatus.FAIL);
    assertThat(check(Doctor.of(config("127.0.0.1", gov(STRONG))).examine(), "retention.periods").status())
        .isEqualTo(DoctorStatus.OK);
  }

  @Test
  void consentEnforcement() {
    GatewayPolicy none = new GatewayPolicy("open", 1 << 20, 0, true, true, RegulationProfile.GDPR, Set.of(), true);
    DoctorCheck c = check(Doctor.of(config("127.0.0.1", gov(STRONG), none)).examine(), "consent.enforcement");
    assertThat(c.status()).isEqualTo(DoctorStatus.FAIL);
    assertThat(c.message()).contains("[open]");
    // the default policy processes unidentified requests: a warning that names it
    c = check(Doctor.of(config("127.0.0.1", gov(STRONG))).examine(), "consent.enforcement");
    assertThat(c.status()).isEqualTo(DoctorStatus.WARN);
    assertThat(c.message()).contains("[default]");
  }

  @Test
  void minimization() {
    GatewayPolicy leaky = new GatewayPolicy("leaky", 64L << 20, 0, false, true);
    DoctorCheck c = check(Doctor.of(config("127.0.0.1", gov(STRONG), leaky)).examine(), "minimization");
    assertThat(c.status()).isEqualTo(DoctorStatus.WARN);
    assertThat(c.message()).contains("forceStoreFalse").contains("64 MiB");
  }

  @Test
  void detectionPolicyThatLeavesTypesUnhandled() {
    Veil narrow = Veil.builder().policy(Policy.parse("version: x\nenabled_types: [PERSON, EMAIL]\n")).build();
    DoctorCheck c = check(Doctor.of(config("127.0.0.1", gov(STRONG))).veil(narrow).examine(), "detection.coverage");
    assertThat(c.status()).isEqualTo(DoctorStatus.FAIL);
    assertThat(c.message()).contains("CREDIT_CARD").contains("US_SSN").doesNotContain("EMAIL,");

    Veil keep = Veil.builder().policy(Policy.parse("version: x\nentities:\n  EMAIL: keep\n  API_KEY: placeholder\n")).build();
    c = check(Doctor.of(config("127.0.0.1", gov(STRONG))).veil(keep).examine(), "detection.coverage");
    assertThat(c.status()).isEqualTo(DoctorStatus.FAIL);
    assertThat(c.message()).contains("'keep' forwards EMAIL").contains("API_KEY are replaced reversibly");

    Veil lax = Veil.builder().policy(Policy.parse("version: x\nentities:\n  DATE: {operator: placeholder, threshold: 0.95}\n")).build();
    c = check(Doctor.of(config("127.0.0.1", gov(STRONG))).veil(lax).examine(), "detection.coverage");
    assertThat(c.status()).isEqualTo(DoctorStatus.WARN);
    assertThat(c.message()).contains("DATE");

    c = check(Doctor.of(config("127.0.0.1", gov(STRONG))).veil(Veil.builder().build()).examine(), "detection.coverage");
    assertThat(c.status()).isEqualTo(DoctorStatus.OK);
  }

  @Test
  void firstRunKeyAndKeysWithoutPolicy() throws Exception {
    FileClientKeyStore keys = FileClientKeyStore.open(dir);
    String dev = keys.create("default", "default", 0).secret();
    io.veil.core.files.OwnerOnlyFiles.write(dir.resolve("dev-key"), dev.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    keys.create("acme", "gone", 0);
    DoctorReport r = Doctor.of(config("127.0.0.1", gov(STRONG))).keys(keys).examine();
    assertThat(check(r, "credentials.defaults").status()).isEqualTo(DoctorStatus.WARN);
    assertThat(check(r, "credentials.defaults").message()).contains("still active");
    assertThat(check(r, "keys.clients").status()).isEqualTo(DoctorStatus.FAIL);
    assertThat(Json.write(r.toJson())).doesNotContain(dev);
    keys.revoke(keys.list().get(0).id());
    assertThat(check(Doctor.of(config("127.0.0.1", gov(STRONG))).keys(keys).examine(), "credentials.defaults").status())
        .isEqualTo(DoctorStatus.OK);
  }

  @Test
  void databaseCredentials() {
    GovernanceConfig pg = gov(STRONG).withDatabase("jdbc:postgresql://db.internal:5432/veil", "postgres", "postgres");
    DoctorReport r = Doctor.of(config("127.0.0.1", pg)).examine();
    assertThat(check(r, "credentials.defaults").status()).isEqualTo(DoctorStatus.FAIL);
    assertThat(check(r, "database.connection").status()).isEqualTo(DoctorStatus.WARN);
    assertThat(check(r, "database.connection").message()).contains("superuser").contains("TLS");
    pg = gov(STRONG).withDatabase("jdbc:postgresql://db.internal:5432/veil?sslmode=verify-full", "veil_app",
        "Vx8-random-DB-pw-Q3z");
    r = Doctor.of(config("127.0.0.1", pg)).env(Map.of("VEIL_DATABASE_PASSWORD", "set")).examine();
    assertThat(check(r, "database.connection").status()).isEqualTo(DoctorStatus.OK);
    assertThat(Json.write(r.toJson())).doesNotContain("Vx8-random-DB-pw-Q3z");
  }

  /**
   * qa8: a password given in the JDBC URL (pgjdbc reads {@code ?password=}) failed the run, "the database password
   * is empty or a well-known default"; it is now judged like one set in database.password (the URL still warns).
   */
  @Test
  void aPasswordInTheJdbcUrlIsJudgedByItsValue() {
    GovernanceConfig strong = gov(STRONG).withDatabase(
        "jdbc:postgresql://127.0.0.1:5432/veil?user=veil_app&password=Vx8-random%26DB-pw-Q3z", null, null);
    DoctorReport r = Doctor.of(config("127.0.0.1", strong)).examine();
    assertThat(check(r, "credentials.defaults").message()).doesNotContain("database password");
    assertThat(check(r, "database.connection").message()).contains("carries a password");
    assertThat(Json.write(r.toJson()) + r.toText()).doesNotContain("Vx8-random");
    GovernanceConfig weak = gov(STRONG).withDatabase("jdbc:postgresql://127.0.0.1:5432/veil?password=postgres", null, null);
    DoctorCheck c = check(Doctor.of(config("127.0.0.1", weak)).examine(), "credentials.defaults");
    assertThat(c.status()).isEqualTo(DoctorStatus.FAIL);
    assertThat(c.message()).contains("the database password is empty or a well-known default");
  }

  @Test
  void noSecretValueAppearsInTheReport() throws Exception {
    String admin = "Adm1n-" + "Z".repeat(3) + "-very-secret-token-value-77";
    GovernanceConfig g = gov(admin).withDatabase("jdbc:postgresql://10.0.0.5/veil", "veil", "DbPw-Secret-991");
    Path yaml = dir.resolve("veil.yaml");
    Files.writeString(yaml, "x: y\n");
    DoctorReport r = Doctor.of(config("0.0.0.0", g)).configFile(yaml).examine();
    String all = Json.write(r.toJson()) + r.toText();
    assertThat(all).doesNotContain(admin).doesNotContain("DbPw-Secret-991").doesNotContain("sk-provider-SECRET-0001");
  }

  @Test
  void entropyEstimate() {
    assertThat(Doctor.estimatedBits("aaaaaaaaaaaaaaaa")).isZero();
    assertThat(Doctor.estimatedBits(STRONG)).isGreaterThan(128);
    assertThat(Doctor.estimatedBits("Password12345678")).isBetween(64.0, 128.0);
  }

  @Test
  void exitCodes() {
    assertThat(DoctorStatus.OK.exitCode()).isZero();
    assertThat(DoctorStatus.WARN.exitCode()).isEqualTo(1);
    assertThat(DoctorStatus.FAIL.exitCode()).isEqualTo(2);
    assertThat(DoctorReport.of(List.of()).status()).isEqualTo(DoctorStatus.OK);
  }
  /** A misspelt variable does nothing; the doctor names it (never its value) and the name it probably meant. */
  @Test
  void unknownVeilVariablesWarnByNameWithTheClosestKnownName() throws Exception {
    GatewayConfig cfg = config("127.0.0.1", gov(STRONG));
    String secret = "sk-proj-MISSPELT-VALUE-0123456789abcdef";
    DoctorReport r = Doctor.of(cfg).env(Map.of("VEIL_UPSTREAM_APIKEY", secret, "VEIL_PROT", "8443",
        "VEIL_ADMIN_TOKEN", STRONG, "PATH", "/usr/bin")).examine();
    DoctorCheck c = check(r, "environment.variables");
    assertThat(c.status()).isEqualTo(DoctorStatus.WARN);
    assertThat(c.message()).contains("2 VEIL_* variables")
        .contains("VEIL_PROT (did you mean VEIL_PORT?)")
        .contains("VEIL_UPSTREAM_APIKEY (did you mean VEIL_UPSTREAM_API_KEY?)")
        .doesNotContain("VEIL_ADMIN_TOKEN").doesNotContain("PATH");
    assertThat(c.fix()).isNotBlank();
    String all = Json.write(r.toJson()) + r.toText();
    assertThat(all).doesNotContain(secret).doesNotContain("MISSPELT").doesNotContain("8443").doesNotContain(STRONG);

    DoctorCheck clean = check(Doctor.of(cfg).env(Map.of("VEIL_PORT", "8443", "HOME", "/root")).examine(),
        "environment.variables");
    assertThat(clean.status()).isEqualTo(DoctorStatus.OK);
  }
}
