package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The H2 database (encrypted vault values, audit trail, consent, subject keys' wrapped material) is owner-only on
 * POSIX file systems: H2 created its directory and files with the process umask (here 022: {@code rw-r--r--}).
 */
class DatabaseFilePermissionsIT {
  private static final String VALUE = "lookup-hash-4f2a9c-jane.doe@example.com";

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

  /**
   * ops17: H2 created {@code veil.mv.db} with the umask ({@code rw-r--r--} here) and Veil set 0600 only after the
   * schema migration, so in a directory open to others the new database was readable by them meanwhile, and a
   * descriptor opened then keeps reading it after the change. It is now created owner-only before H2 opens it:
   * watched while it comes into existence, it never has another mode.
   */
  @Test
  void aNewDatabaseFileInAnOpenDirectoryIsNeverReadableByOthers() throws Exception {
    Path dataDir = Files.createDirectories(tmp.resolve("shared"));
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path probe = Files.createFile(tmp.resolve("umask-probe"));
    assumeTrue(!mode(probe).equals("rw-------"), "the umask already makes new files owner-only");
    Path file = dataDir.resolve("veil.mv.db");
    java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    Thread watcher = Thread.ofPlatform().start(() -> {
      while (!stop.get()) {
        try {
          seen.add(mode(file));
        } catch (Exception e) {
          // not there yet
        }
      }
    });
    try (Database db = Database.open(DatabaseConfig.h2(dataDir))) {
      db.ping();
    } finally {
      stop.set(true);
      watcher.join();
    }
    seen.add(mode(file));
    assertThat(seen).as("every mode the new database file had").containsExactly("rw-------");
    try (Database db = Database.open(DatabaseConfig.h2(dataDir))) {
      db.ping(); // and H2 opens it again as the database it now is
    }
  }

  /**
   * With H2's default trace level a failed statement's message went to {@code veil.trace.db}, created with the
   * umask ({@code rw-r--r--} here) after the files were restricted; a unique violation's message holds the
   * conflicting values (for the vault: lookup hashes, scope ids, subject refs).
   */
  @Test
  void failedStatementsLeaveNoTraceFileAndOnlyTheOwnerOnlyDatabaseHoldsValues() throws Exception {
    Path dataDir = Files.createDirectories(tmp.resolve("shared"));
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> errors = new ArrayList<>();
    try (Database db = Database.open(DatabaseConfig.h2(dataDir))) {
      db.withConnection("probe", c -> {
        c.createStatement().execute("CREATE TABLE probe(v VARCHAR(200) PRIMARY KEY)");
        for (int i = 0; i < 2; i++) { // the second insert is a unique violation naming the value
          try (PreparedStatement p = c.prepareStatement("INSERT INTO probe(v) VALUES (?)")) {
            p.setString(1, VALUE);
            p.executeUpdate();
          } catch (SQLException e) {
            errors.add(e.getMessage());
          }
        }
        try {
          c.createStatement().executeQuery("SELECT * FROM no_such_table WHERE v = '" + VALUE + "'");
        } catch (SQLException e) {
          errors.add(e.getMessage());
        }
        return null;
      });
      assertThat(errors).hasSize(2).allSatisfy(m -> assertThat(m).contains(VALUE)); // the failures did happen
      assertOnlyOwnerOnlyFilesHoldTheValue(dataDir);
    }
    assertOnlyOwnerOnlyFilesHoldTheValue(dataDir);
    assertThat(dataDir.resolve("veil.trace.db")).doesNotExist();
  }

  @Test
  void aConfiguredTraceLevelIsKeptAndOtherUrlsAreUnchanged() {
    assertThat(Database.withoutTraceFile("jdbc:h2:file:/d/veil;WRITE_DELAY=0"))
        .isEqualTo("jdbc:h2:file:/d/veil;WRITE_DELAY=0;TRACE_LEVEL_FILE=0");
    assertThat(Database.withoutTraceFile("jdbc:h2:file:/d/veil;trace_level_file=2"))
        .isEqualTo("jdbc:h2:file:/d/veil;trace_level_file=2");
    assertThat(Database.withoutTraceFile("jdbc:postgresql://db/veil")).isEqualTo("jdbc:postgresql://db/veil");
  }

  private static void assertOnlyOwnerOnlyFilesHoldTheValue(Path dir) throws Exception {
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
        if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(VALUE)) {
          assertThat(mode).as(f.getFileName() + " holds the value").isEqualTo("rw-------");
        }
        assertThat(f.getFileName().toString()).doesNotEndWith(".trace.db");
      }
    }
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
