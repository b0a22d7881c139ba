package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.core.Veil;
import io.veil.gateway.keys.ClientKeyStore;
import io.veil.gateway.keys.ClientKeyStores;
import io.veil.store.StoreException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every instance on one database holds the same {@code DATA_DIR/gateway-secret} (it keys privacy links, the
 * {@code user} hash and the conversation fallback), or it does not start. Before, an instance with another
 * secret started and silently split conversations and refused the others' privacy links (review10).
 */
class SharedGatewaySecretIT {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(TestStores.class)
  void anotherGatewaySecretRefusesTheStartUntilItIsAdoptedOnPurpose(TestStores kind) throws Exception {
    GovernanceConfig cfg = kind.fresh();
    Path first = Files.createDirectories(dir.resolve("first"));
    start(cfg, first); // records the verifier
    start(cfg, first); // the same secret starts again
    Path secret = first.resolve("gateway-secret");
    String original = Files.readString(secret);
    Path saved = Files.copy(secret, dir.resolve("saved-secret"), StandardCopyOption.COPY_ATTRIBUTES);

    Files.delete(secret); // a data directory restored without it, or another instance's own: a new one is made
    assertThatThrownBy(() -> start(cfg, first))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(secret.toAbsolutePath().normalize().toString())
        .hasMessageContaining("same gateway-secret")
        .hasMessageContaining("--adopt-gateway-secret")
        .hasMessageNotContaining(Files.readString(secret).strip())
        .hasMessageNotContaining(original.strip())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));

    // rotation is explicit: adopting the new secret makes it the one; the old one is refused from then on
    try (Governance g = Governance.open(cfg, first, Map.of())) {
      assertThat(g.adoptGatewaySecret(first)).isTrue();
      assertThat(g.adoptGatewaySecret(first)).as("adopting the recorded one changes nothing").isFalse();
    }
    start(cfg, first);
    Files.copy(saved, secret, StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> start(cfg, first)).isInstanceOf(StoreException.class);
  }

  @ParameterizedTest
  @EnumSource(value = TestStores.class, names = "POSTGRES")
  void aSecondInstanceStartsWithTheFirstsSecretAndNotWithItsOwn(TestStores kind) throws Exception {
    GovernanceConfig cfg = kind.fresh();
    Path a = Files.createDirectories(dir.resolve("a"));
    start(cfg, a);
    Path b = Files.createDirectories(dir.resolve("b"));
    copyKeys(a, b); // the same master keyset (checked before), its own gateway secret
    assertThatThrownBy(() -> start(cfg, b)).isInstanceOf(StoreException.class)
        .hasMessageContaining(b.toAbsolutePath().normalize().resolve("gateway-secret").toString());
    Files.copy(a.resolve("gateway-secret"), b.resolve("gateway-secret"), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.COPY_ATTRIBUTES);
    start(cfg, b);
  }

  /** Opens the store and starts a gateway on {@code dataDir} as veil serve does, then stops both. */
  private static void start(GovernanceConfig cfg, Path dataDir) {
    UpstreamConfig up = new UpstreamConfig(URI.create("http://127.0.0.1:9/v1"), null, null,
        UpstreamConfig.AuthHeader.BEARER, Duration.ofSeconds(1), Duration.ofSeconds(1));
    GatewayConfig config = new GatewayConfig("127.0.0.1", 0, dataDir, up, null,
        Map.of("default", GatewayPolicy.defaults("default")), cfg);
    try (Governance g = Governance.open(cfg, dataDir, Map.of())) {
      ClientKeyStore keys = ClientKeyStores.open(cfg.clientKeys(), dataDir, g::clientKeyTable);
      Gateway.start(config, Veil.builder().vault(g.vault()).build(), keys, g).close();
    }
  }

  private static void copyKeys(Path from, Path to) throws Exception {
    Path target = Files.createDirectories(to.resolve("keys"));
    try (var files = Files.list(from.resolve("keys"))) {
      for (Path p : files.toList()) {
        Files.copy(p, target.resolve(p.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }
}
