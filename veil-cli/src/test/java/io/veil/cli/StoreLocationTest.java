package io.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The store commands on a data directory without a Veil store (qa8: {@code veil keys list --data-dir A} on a
 * PostgreSQL instance's directory, or a typo, created an empty H2 store there and listed no keys): one line that
 * names what is missing and how to point at the database, exit 2, and nothing written there. Only
 * {@code veil serve} creates the store (its first start: {@code ServeCommandTest}).
 */
class StoreLocationTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "keys list", "keys create --tenant acme", "keys revoke vk_0", "keys rotate", "retention run",
      "dsr list --tenant t", "dsr export --tenant t --user u", "dsr erase --tenant t --user u", "dsr verify x",
      "dsr deny x --reason excessive", "audit verify", "audit export", "consent show --tenant t --user u",
      "consent grant --tenant t --user u"})
  void aStoreCommandOnADirectoryWithoutTheStoreRefusesAndCreatesNothing(String command) throws Exception {
    // a directory like a PostgreSQL instance's (keys and secrets, no H2 file), and one that does not exist (a typo)
    Path postgresInstance = Files.createDirectories(tmp.resolve("pg-instance/keys"));
    Files.writeString(tmp.resolve("pg-instance/gateway-secret"), "x");
    for (Path dir : new Path[] {postgresInstance.getParent(), tmp.resolve("typo")}) {
      String[] args = Stream.concat(Stream.of(command.split(" ")), Stream.of("--data-dir", dir + "/.")).toArray(String[]::new);
      CliRun.Result r = CliRun.cli().run(args);
      assertThat(r.exit()).as(command + ": " + r.err()).isEqualTo(VeilCli.EXIT_USAGE);
      assertThat(r.errLines()).singleElement().asString()
          .startsWith("veil: no Veil store in " + dir + " (no veil.mv.db): ")
          .contains("--data-dir").contains("--config").contains("VEIL_DATABASE_URL");
      assertThat(r.out()).isEmpty();
      assertThat(dir.resolve("veil.mv.db")).doesNotExist();
    }
    assertThat(tmp.resolve("typo")).as("nothing created").doesNotExist();
    try (Stream<Path> files = Files.list(postgresInstance)) {
      assertThat(files).as("no keyset created").isEmpty();
    }
  }

  @org.junit.jupiter.api.Test
  void aPrivacyLinkIsNotSignedWithASecretMadeUpForADirectoryWithoutAGateway() {
    Path typo = tmp.resolve("typo");
    CliRun.Result r = CliRun.cli().run("privacy", "link", "--tenant", "t", "--user", "u", "--data-dir", typo.toString());
    assertThat(r.exit()).isEqualTo(VeilCli.EXIT_USAGE);
    assertThat(r.errLines()).singleElement().asString()
        .startsWith("veil: no gateway secret in " + typo + " (no gateway-secret): ");
    assertThat(r.out()).as("no token").isEmpty();
    assertThat(typo).doesNotExist();
  }
}
