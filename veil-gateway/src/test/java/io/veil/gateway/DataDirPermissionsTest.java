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
}
