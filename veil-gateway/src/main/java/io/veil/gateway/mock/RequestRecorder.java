package io.veil.gateway.mock;

import io.veil.core.files.OwnerOnlyFiles;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Appends request bodies to a file, one JSON value per line, flushed after every line so that a reader (a
 * test) sees each request as soon as the mock has answered it. Thread-safe: lines never interleave.
 *
 * <p><b>Security:</b> called directly (not behind the gateway) the mock receives raw prompts: the file is opened
 * through {@link OwnerOnlyFiles#openForAppend} (created 0600, missing parent directories 0700, an existing file
 * restricted to 0600, a symbolic link at the path refused) before anything is written to it.
 */
final class RequestRecorder implements Closeable {

  private final BufferedWriter writer;

  RequestRecorder(Path file) {
    try {
      this.writer = new BufferedWriter(Channels.newWriter(OwnerOnlyFiles.openForAppend(file), StandardCharsets.UTF_8));
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
