package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway started as a library (not by {@code veil serve}, which made the directory owner-only) created its data
 * directory with the umask when the gateway secret or the admin token came first: {@code rwxr-xr-x} here.
 */
class DataDirPermissionsTest {
  @TempDir
  Path tmp;

  @Test
  void theSecretAndTheAdminTokenCreateAnOwnerOnlyDataDirectory() throws Exception {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    Path a = tmp.resolve("a/data");
    GatewaySecret.loadOrCreate(a);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(a))).isEqualTo("rwx------");
    Path b = tmp.resolve("b/data");
    AdminToken.loadOrCreate(b, null);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(b))).isEqualTo("rwx------");
  }

  /** An existing data directory of this user's that others could enter was left open (review9). */
  @Test
  void anExistingDataDirectoryOpenToOthersIsTightenedWhenItIsThisUsersOwn() throws Exception {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    Path a = Files.createDirectories(tmp.resolve("a/data"));
    Files.setPosixFilePermissions(a, PosixFilePermissions.fromString("rwxr-xr-x"));
    GatewaySecret.loadOrCreate(a);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(a))).isEqualTo("rwx------");
    Path b = Files.createDirectories(tmp.resolve("b/data"));
    Files.setPosixFilePermissions(b, PosixFilePermissions.fromString("rwxrwx---"));
    AdminToken.loadOrCreate(b, null);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(b))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(b.resolve(AdminToken.FILE))))
        .isEqualTo("rw-------");
  }

  /**
   * review11: a link planted at {@code gateway-secret} or {@code admin-token} was followed (Files.readString), so
   * its planter chose the secret that signs privacy links or the admin token; a secret others could read was used.
   * Now each is refused with a one-line reason naming the file, and what the link points to is not used.
   */
  @Test
  void aLinkOrAFileOthersCanReadAtTheSecretOrTheAdminTokenIsRefused() throws Exception {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    Path data = Files.createDirectories(tmp.resolve("data"));
    Path chosen = Files.writeString(tmp.resolve("chosen"), "veil-admin-chosenByThePlanterOfTheLink0123456789");
    Files.setPosixFilePermissions(chosen, PosixFilePermissions.fromString("rw-------"));
    Files.createSymbolicLink(data.resolve(AdminToken.FILE), chosen);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AdminToken.loadOrCreate(data, null))
        .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining(AdminToken.FILE)
        .hasMessageContaining("symbolic link").hasMessageNotContaining("chosenBy").hasMessageNotContaining("\n");

    Files.writeString(chosen, java.util.Base64.getEncoder().encodeToString(new byte[32]));
    Files.createSymbolicLink(data.resolve("gateway-secret"), chosen);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> GatewaySecret.loadOrCreate(data))
        .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("gateway-secret")
        .hasMessageContaining("symbolic link");

    Path other = Files.createDirectories(tmp.resolve("other"));
    GatewaySecret.loadOrCreate(other);
    Files.setPosixFilePermissions(other.resolve("gateway-secret"), PosixFilePermissions.fromString("rw-r--r--"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> GatewaySecret.loadOrCreate(other))
        .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("group or others");
  }
}
