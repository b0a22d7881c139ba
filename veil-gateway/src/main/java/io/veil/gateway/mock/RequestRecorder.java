package io.veil.gateway.mock;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends request bodies to a file, one JSON value per line, flushed after every line so that a reader (a
 * test) sees each request as soon as the mock has answered it. Thread-safe: lines never interleave.
 */
final class RequestRecorder implements Closeable {

  private final BufferedWriter writer;

  RequestRecorder(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
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
