package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.veil.core.Veil;
import io.veil.gateway.keys.ClientKeyStore;
import io.veil.gateway.keys.ClientKeyStores;
import io.veil.store.StoreException;
import io.veil.store.Subject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * A gateway given its secret by {@code VEIL_GATEWAY_SECRET} (Kubernetes: every replica gets the same Secret, no
 * init step copying it into the data directory) uses it for privacy links and the database verifier, and never
 * writes a {@code gateway-secret} file.
 */
class GatewaySecretFromEnvironmentIT {
  @TempDir Path dir;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeEach
  void captureLogs() {
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
  }

  @ParameterizedTest
  @EnumSource(TestStores.class)
  void aGatewayGivenTheSecretAnswersAnotherInstancesLinksAndRefusesAnotherValue(TestStores kind) throws Exception {
    GovernanceConfig gov = kind.fresh();
    String secret = GatewaySecretSourceTest.randomSecret(32);
    Path data = Files.createDirectories(dir.resolve("pod-0"));
    Map<String, String> env = env(data, "VEIL_GATEWAY_SECRET", secret);
    GatewayConfig config = ConfigLoader.load(null, env).withGovernance(gov);

    // another instance (or the CLI on another machine) given the same Secret as a mounted file: a link to 0644
    Path mounted = Files.writeString(dir.resolve("secret-volume-data"), secret + "\n");
    Files.setPosixFilePermissions(mounted, PosixFilePermissions.fromString("rw-r--r--"));
    Path link = Files.createSymbolicLink(dir.resolve("secret-volume"), mounted);
    Path otherData = Files.createDirectories(dir.resolve("pod-1"));
    GatewayConfig other = ConfigLoader.load(null, env(otherData, "VEIL_GATEWAY_SECRET_FILE", link.toString()));
    Subject who = new Subject("acme", "user-42");
    String theirs = PrivacyLinks.open(other).mint(who, Duration.ofMinutes(5));
    // a link of a data directory's own secret (what an instance without the variable would make)
    String foreign = PrivacyLinks.open(Files.createDirectories(dir.resolve("foreign"))).mint(who, Duration.ofMinutes(5));

    try (Governance g = Governance.open(gov, data, Map.of())) {
      ClientKeyStore keys = ClientKeyStores.open(gov.clientKeys(), data, g::clientKeyTable);
      try (Gateway gateway = Gateway.start(config, Veil.builder().vault(g.vault()).build(), keys, g)) {
        assertThat(consent(gateway, theirs).statusCode()).as("the other instance's link").isEqualTo(200);
        assertThat(consent(gateway, foreign).statusCode()).as("another secret's link").isEqualTo(401);
        // doctor names the source, never the value
        DoctorCheck check = Doctor.of(config).env(env).examine().checks().stream()
            .filter(c -> c.id().equals("gateway.secret")).findFirst().orElseThrow();
        assertThat(check.message()).contains("VEIL_GATEWAY_SECRET").contains("(the environment)")
            .doesNotContain(secret);
      }
    }
    assertThat(data.resolve("gateway-secret")).as("never written").doesNotExist();
    assertThat(otherData.resolve("gateway-secret")).as("never written").doesNotExist();

    // the database's verifier: another value refuses the start, naming the variable and not the values
    String another = GatewaySecretSourceTest.randomSecret(32);
    GatewayConfig wrong = ConfigLoader.load(null, env(data, "VEIL_GATEWAY_SECRET", another)).withGovernance(gov);
    assertThatThrownBy(() -> start(wrong, gov))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("the gateway secret VEIL_GATEWAY_SECRET is not the one this database's instances use")
        .hasMessageContaining("--adopt-gateway-secret")
        .hasMessageNotContaining(secret).hasMessageNotContaining(another)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    // the same value as a mounted file starts
    start(other.withGovernance(gov).withDataDir(data), gov);
    assertThat(data.resolve("gateway-secret")).doesNotExist();

    assertThat(logs.list).isNotEmpty().allSatisfy(e -> assertThat(e.getFormattedMessage() + e.getThrowableProxy())
        .doesNotContain(secret).doesNotContain(another));
  }

  private static Map<String, String> env(Path data, String var, String value) {
    return Map.of("VEIL_DATA_DIR", data.toString(), "VEIL_UPSTREAM_URL", "http://127.0.0.1:9/v1", var, value);
  }

  private static void start(GatewayConfig config, GovernanceConfig gov) {
    try (Governance g = Governance.open(gov, config.dataDir(), Map.of())) {
      ClientKeyStore keys = ClientKeyStores.open(gov.clientKeys(), config.dataDir(), g::clientKeyTable);
      Gateway.start(config, Veil.builder().vault(g.vault()).build(), keys, g).close();
    }
  }

  private static HttpResponse<String> consent(Gateway gateway, String link) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/privacy/consent"))
        .header("X-Veil-Privacy-Link", link).timeout(Duration.ofSeconds(20)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
