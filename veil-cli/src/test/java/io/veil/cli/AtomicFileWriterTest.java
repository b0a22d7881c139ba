package io.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileWriterTest {
  @TempDir
  Path dir;

  @Test
  void commitReplacesTheTargetWhole() throws IOException {
    Path target = dir.resolve("out.txt");
    Files.writeString(target, "old");
    try (AtomicFileWriter w = AtomicFileWriter.create(target)) {
      w.writer().write("new content ✓");
      assertThat(Files.readString(target)).isEqualTo("old");
      w.commit();
    }
    assertThat(Files.readString(target, StandardCharsets.UTF_8)).isEqualTo("new content ✓");
    assertThat(listing()).containsExactly("out.txt");
  }

  /** Bytes (an export) go whole or not at all, and the file is its owner's only, replacing a readable one. */
  @Test
  void bytesAreWrittenWholeAndOwnerOnly() throws IOException {
    Path target = dir.resolve("export.json");
    Files.writeString(target, "old");
    byte[] big = "é".repeat(100_000).getBytes(StandardCharsets.UTF_8); // more than the buffer
    AtomicFileWriter.write(target, o -> o.write(big));
    assertThat(Files.readAllBytes(target)).isEqualTo(big);
    if (target.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
          .isEqualTo("rw-------");
    }
    assertThatThrownBy(() -> AtomicFileWriter.write(target, o -> {
      o.write(new byte[200_000]);
      throw new IOException("simulated failure");
    })).hasMessage("simulated failure");
    assertThat(Files.readAllBytes(target)).isEqualTo(big);
    assertThat(listing()).containsExactly("export.json");
  }

  @Test
  void failureMidwayLeavesNothingBehindAndThePreviousFileUntouched() throws IOException {
    Path target = dir.resolve("out.txt");
    Files.writeString(target, "old");
    assertThatThrownBy(() -> {
      try (AtomicFileWriter w = AtomicFileWriter.create(target)) {
        w.writer().write("x".repeat(200_000)); // more than the buffer: bytes reach the temp file
        throw new IllegalStateException("simulated failure");
      }
    }).hasMessage("simulated failure");
    assertThat(Files.readString(target)).isEqualTo("old");
    assertThat(listing()).containsExactly("out.txt");
  }

  @Test
  void failureWithoutPreviousFileCreatesNone() throws IOException {
    Path target = dir.resolve("new.txt");
    try (AtomicFileWriter w = AtomicFileWriter.create(target)) {
      w.writer().write("partial");
    }
    assertThat(listing()).isEmpty();
  }

  @Test
  void aMissingDirectoryFailsBeforeWriting() {
    assertThatThrownBy(() -> AtomicFileWriter.create(dir.resolve("no/such/dir/out.txt")))
        .isInstanceOf(IOException.class);
  }

  private java.util.List<String> listing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
