package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The H2 database (encrypted vault values, audit trail, consent, subject keys' wrapped material) is owner-only on
 * POSIX file systems: H2 created its directory and files with the process umask (here 022: {@code rw-r--r--}).
 */
class DatabaseFilePermissionsIT {
  @TempDir
  Path tmp;

  @BeforeEach
  void posix() {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
  }

  @Test
  void aNewDataDirectoryAndTheDatabaseFileAreOwnerOnly() throws Exception {
    Path dataDir = tmp.resolve("new/veil-data");
    try (Database db = Database.open(DatabaseConfig.h2(dataDir))) {
      db.ping();
    }
    assertThat(mode(dataDir)).isEqualTo("rwx------");
    assertThat(mode(dataDir.resolve("veil.mv.db"))).isEqualTo("rw-------");
  }

  @Test
  void inAnExistingDirectoryOpenToOthersTheDatabaseFilesAreOwnerOnly() throws Exception {
    Path dataDir = Files.createDirectories(tmp.resolve("shared"));
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (Database db = Database.open(DatabaseConfig.h2(dataDir))) {
      db.ping();
    }
    assertThat(mode(dataDir)).as("an existing directory is left as it is").isEqualTo("rwxr-xr-x");
    try (var files = Files.list(dataDir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("veil.")).toList()) {
        assertThat(mode(f)).as(f.getFileName().toString()).isEqualTo("rw-------");
      }
    }
    assertThat(dataDir.resolve("veil.mv.db")).exists();
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
