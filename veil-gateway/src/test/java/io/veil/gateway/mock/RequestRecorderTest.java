package io.veil.gateway.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code veil mock-llm --record FILE} writes the request bodies it receives (raw prompts, when called directly):
 * the file is owner-only, created or not; it was created with the umask ({@code rw-r--r--} here).
 */
class RequestRecorderTest {
  @TempDir
  Path tmp;

  @BeforeEach
  void posix() {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
  }

  @Test
  void aNewRecordFileAndItsNewDirectoryAreOwnerOnly() throws Exception {
    Path file = tmp.resolve("records/requests.jsonl");
    try (RequestRecorder r = new RequestRecorder(file)) {
      r.append("{\"messages\":[{\"role\":\"user\",\"content\":\"Jane Doe\"}]}");
    }
    assertThat(mode(file)).isEqualTo("rw-------");
    assertThat(mode(file.getParent())).isEqualTo("rwx------");
    assertThat(Files.readString(file)).contains("Jane Doe");
  }

  @Test
  void anExistingRecordFileIsRestrictedAndAppendedTo() throws Exception {
    Path file = Files.writeString(tmp.resolve("requests.jsonl"), "{}\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    try (RequestRecorder r = new RequestRecorder(file)) {
      r.append("{\"a\":1}");
    }
    assertThat(mode(file)).isEqualTo("rw-------");
    assertThat(Files.readAllLines(file)).containsExactly("{}", "{\"a\":1}");
  }

  @Test
  void aLinkPlantedAtTheRecordFileIsRefusedNotFollowed() throws Exception {
    Path target = tmp.resolve("elsewhere/prompts.jsonl");
    Files.createDirectories(target.getParent());
    Path file = Files.createSymbolicLink(tmp.resolve("requests.jsonl"), target);
    assertThatThrownBy(() -> new RequestRecorder(file)).isInstanceOf(UncheckedIOException.class);
    assertThat(target).as("nothing created where the link points").doesNotExist();
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
