package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.store.Subject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code VEIL_GATEWAY_SECRET} and {@code VEIL_GATEWAY_SECRET_FILE}: checked when the configuration is loaded (one
 * line naming the variable, never the value), used instead of the data directory's file, which is then never
 * created.
 */
class GatewaySecretSourceTest {
  @TempDir Path dir;

  static String randomSecret(int bytes) {
    byte[] raw = new byte[bytes];
    new SecureRandom().nextBytes(raw);
    return Base64.getEncoder().encodeToString(raw);
  }

  private Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>(Map.of("VEIL_DATA_DIR", dir.resolve("data").toString()));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  /** A case: the environment and what the one-line refusal must name. */
  static Stream<Arguments> refusals() {
    String good = randomSecret(32);
    String shortOne = randomSecret(31);
    // not base64: the secret with a character the decoder quotes in its own message
    String notBase64 = good.substring(0, 20) + "#" + good.substring(21);
    return Stream.of(
        Arguments.of("both set", new String[] {"VEIL_GATEWAY_SECRET", good, "VEIL_GATEWAY_SECRET_FILE", "/run/s"},
            good, "VEIL_GATEWAY_SECRET and VEIL_GATEWAY_SECRET_FILE are both set"),
        Arguments.of("not base64", new String[] {"VEIL_GATEWAY_SECRET", notBase64}, notBase64,
            "VEIL_GATEWAY_SECRET is not base64"),
        Arguments.of("too short", new String[] {"VEIL_GATEWAY_SECRET", shortOne}, shortOne,
            "VEIL_GATEWAY_SECRET holds 31 bytes; the gateway secret needs at least 32"),
        Arguments.of("file missing", new String[] {"VEIL_GATEWAY_SECRET_FILE", "/nonexistent/veil/gateway-secret"},
            "\u0000", "VEIL_GATEWAY_SECRET_FILE: file not found: /nonexistent/veil/gateway-secret"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void aBadSecretStopsTheConfigurationInOneLineWithoutItsValue(String name, String[] pairs, String value,
      String expected) {
    Map<String, String> env = env(pairs);
    assertThatThrownBy(() -> ConfigLoader.load(null, env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(expected)
        .hasMessageNotContaining(value)
        .hasMessageNotContaining(value.substring(0, Math.min(8, value.length())))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThat(dir.resolve("data/gateway-secret")).doesNotExist();
  }

  @Test
  void aFileThatIsTooShortOrNotBase64NamesTheFileAndNotTheValue() throws Exception {
    String shortOne = randomSecret(16);
    Path file = Files.writeString(dir.resolve("mounted"), shortOne + "\n");
    assertThatThrownBy(() -> ConfigLoader.load(null, env("VEIL_GATEWAY_SECRET_FILE", file.toString())))
        .hasMessageContaining("VEIL_GATEWAY_SECRET_FILE (" + file.toAbsolutePath().normalize() + ") holds 16 bytes")
        .hasMessageNotContaining(shortOne);
  }

  @Test
  void theVariableAndAMountedFileGiveTheSameSecretAndNoFileIsWritten() throws Exception {
    String secret = randomSecret(32);
    // as Kubernetes mounts a Secret: a link to a root-owned 0644 file (owned by us here), with a trailing newline
    Path target = Files.writeString(dir.resolve("..data-file"), secret + "\n");
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
    Path link = Files.createSymbolicLink(dir.resolve("gateway-secret-mount"), target);

    GatewayConfig fromValue = ConfigLoader.load(null, env("VEIL_GATEWAY_SECRET", secret));
    GatewayConfig fromFile = ConfigLoader.load(null, env("VEIL_GATEWAY_SECRET_FILE", link.toString()));
    assertThat(fromValue.gatewaySecret().inDataDirectory()).isFalse();
    assertThat(fromValue.gatewaySecret().describe(fromValue.dataDir())).isEqualTo("VEIL_GATEWAY_SECRET");
    assertThat(fromFile.gatewaySecret().describe(fromFile.dataDir()))
        .isEqualTo("VEIL_GATEWAY_SECRET_FILE (" + link.toAbsolutePath().normalize() + ")");
    assertThat(fromValue.toString()).doesNotContain(secret);

    Subject who = new Subject("acme", "user-1");
    String link1 = PrivacyLinks.open(fromValue).mint(who, java.time.Duration.ofMinutes(1));
    assertThat(PrivacyLinks.open(fromFile).verify(link1)).contains(who);
    // the data directory's own secret is another one: it refuses the link
    Path other = Files.createDirectories(dir.resolve("other"));
    assertThat(PrivacyLinks.open(other).verify(link1)).isEmpty();
    // the same bytes as the file veil serve writes: a data directory holding the value accepts it too
    Path copied = Files.createDirectories(dir.resolve("copied"));
    io.veil.core.files.OwnerOnlyFiles.write(copied.resolve("gateway-secret"),
        secret.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(PrivacyLinks.open(copied).verify(link1)).contains(who);

    assertThat(fromValue.dataDir().resolve("gateway-secret")).doesNotExist();
  }

  @Test
  void neitherVariableMeansTheDataDirectorysFile() {
    GatewayConfig cfg = ConfigLoader.load(null, env("VEIL_GATEWAY_SECRET", "  "));
    assertThat(cfg.gatewaySecret().inDataDirectory()).isTrue();
    assertThat(cfg.gatewaySecret().describe(cfg.dataDir()))
        .isEqualTo(cfg.dataDir().toAbsolutePath().normalize().resolve("gateway-secret").toString());
  }

  /**
   * ops17: what {@code veil serve --adopt-gateway-secret} deletes once the environment's secret is adopted: the data
   * directory's {@code gateway-secret}, and only when the environment gives the secret and does not name that file.
   * A link there is removed, never what it points to.
   */
  @Test
  void onlyADataDirectoryFileTheEnvironmentMakesUnusedIsDeleted() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path there = data.resolve(GatewaySecret.FILE);
    GatewaySecretSource fromVariable = GatewaySecretSource.fromEnvironment(env("VEIL_GATEWAY_SECRET", randomSecret(32)));
    assertThat(fromVariable.deleteUnusedFile(data)).as("no file").isEmpty();

    Files.writeString(there, randomSecret(32));
    assertThat(GatewaySecretSource.dataDirectory().deleteUnusedFile(data)).as("the secret in use").isEmpty();
    assertThat(there).exists();
    // the variable naming that very file, by its path or through a link to it
    assertThat(GatewaySecretSource.fromEnvironment(env("VEIL_GATEWAY_SECRET_FILE", there.toString()))
        .deleteUnusedFile(data)).isEmpty();
    Path link = Files.createSymbolicLink(dir.resolve("mounted"), there);
    assertThat(GatewaySecretSource.fromEnvironment(env("VEIL_GATEWAY_SECRET_FILE", link.toString()))
        .deleteUnusedFile(data)).isEmpty();
    assertThat(there).exists();

    assertThat(fromVariable.deleteUnusedFile(data)).contains(there.toAbsolutePath().normalize());
    assertThat(there).doesNotExist();

    // a link at the path (to a file elsewhere, not the variable's): the link goes, its target stays
    Path elsewhere = Files.writeString(dir.resolve("elsewhere"), randomSecret(32));
    Files.createSymbolicLink(there, elsewhere);
    Path other = Files.writeString(dir.resolve("other"), randomSecret(32));
    assertThat(GatewaySecretSource.fromEnvironment(env("VEIL_GATEWAY_SECRET_FILE", other.toString()))
        .deleteUnusedFile(data)).isPresent();
    assertThat(java.nio.file.Files.exists(there, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(elsewhere).exists();
  }
}
