package io.veil.cli;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file whole or not at all: the text goes to a temporary file in the target's directory,
 * which {@link #commit()} forces to disk and moves over the target atomically. Closing without a
 * commit deletes the temporary file and leaves any previous target untouched.
 *
 * <pre>{@code
 * try (AtomicFileWriter out = AtomicFileWriter.create(target)) {
 *   out.writer().write(text);
 *   out.commit();
 * }
 * }</pre>
 *
 * <p>Not thread-safe.
 */
final class AtomicFileWriter implements Closeable {
  private final Path target;
  private final Path temp;
  private final FileChannel channel;
  private final Writer writer;
  private boolean committed;
  private boolean closed;

  private AtomicFileWriter(Path target, Path temp, FileChannel channel) {
    this.target = target;
    this.temp = temp;
    this.channel = channel;
    this.writer = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(channel),
        StandardCharsets.UTF_8.newEncoder()), 64 * 1024);
  }

  /** Opens a temporary file beside {@code target} (same directory, so the final move is atomic). */
  static AtomicFileWriter create(Path target) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Path temp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
    try {
      FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
      return new AtomicFileWriter(abs, temp, ch);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  /** Where the text goes until {@link #commit()}. Do not close it; close this object instead. */
  Writer writer() {
    return writer;
  }

  /** Flushes, forces the data to disk and moves the file into place. */
  void commit() throws IOException {
    if (closed || committed) {
      throw new IllegalStateException("already committed or closed");
    }
    writer.flush();
    channel.force(true);
    channel.close();
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    committed = true;
    forceDirectory(target.getParent());
  }

  private static void forceDirectory(Path dir) {
    // makes the rename itself durable where the platform allows opening a directory
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // not supported on every platform (e.g. Windows); the file content is already on disk
    }
  }

  /** Without a prior {@link #commit()}: discards everything written; the target is not touched. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (!committed) {
      try {
        channel.close();
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }
}
