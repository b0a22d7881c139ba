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
}
