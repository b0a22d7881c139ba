package io.veil.gateway.mock;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import io.veil.store.OwnerOnlyFiles;

/**
 * Appends request bodies to a file, one JSON value per line, flushed after every line so that a reader (a
 * test) sees each request as soon as the mock has answered it. Thread-safe: lines never interleave.
 *
 * <p><b>Security:</b> called directly (not behind the gateway) the mock receives raw prompts: the file is made
 * owner-only (0600, and missing parent directories 0700) before anything is written to it.
 */
final class RequestRecorder implements Closeable {

  private final BufferedWriter writer;

  RequestRecorder(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        OwnerOnlyFiles.directory(parent);
      }
      if (!Files.exists(file)) {
        try {
          Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException | java.nio.file.FileAlreadyExistsException e) {
          // not a POSIX file system, or created meanwhile: restricted below
        }
      }
      OwnerOnlyFiles.restrict(file);
      this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the mock LLM's record file " + file, e);
    }
  }

  /** Appends one line; {@code jsonLine} must not contain a line break (compact JSON never does). */
  synchronized void append(String jsonLine) throws IOException {
    writer.write(jsonLine);
    writer.write('\n');
    writer.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    writer.close();
  }
}
