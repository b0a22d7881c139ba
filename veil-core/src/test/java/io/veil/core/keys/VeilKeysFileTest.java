package io.veil.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clear-text key file was written through a symbolic link planted at its path (the keys landed wherever the
 * link pointed, with that file's mode) and existed with the umask's mode until it was restricted.
 */
class VeilKeysFileTest {
  @TempDir
  Path tmp;

  @Test
  void theKeyFileReplacesALinkAtItsPathAndIsOwnerOnly() throws Exception {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    Path elsewhere = Files.writeString(tmp.resolve("readable-by-all"), "");
    Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rw-r--r--"));
    Path file = Files.createSymbolicLink(tmp.resolve("keys.json"), elsewhere);
    VeilKeys keys = VeilKeys.generate();
    keys.writeCleartext(file);
    assertThat(Files.readString(elsewhere)).as("nothing written through the link").isEmpty();
    assertThat(Files.isSymbolicLink(file)).isFalse();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(VeilKeys.load(file)).isNotNull();
  }
}
