package io.veil.cli;

import io.veil.core.files.OwnerOnlyFiles;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
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
 *
 * <p><b>Security:</b> the file is created owner-only ({@link OwnerOnlyFiles#createTempFile}: {@code rw-------} from
 * its creation) and keeps that mode when it replaces the target, so an export of a user's data is never readable by
 * other local users, not even while it is being written; a symbolic link at the target is replaced, not written
 * through. On a file system without POSIX permissions nothing is written (an error, as {@link OwnerOnlyFiles} says).
 */
final class AtomicFileWriter implements Closeable {
  private final Path target;
  private final Path temp;
  private final FileChannel channel;
  private final Writer writer;
  private OutputStream bytes;
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
    Path temp = OwnerOnlyFiles.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
    try {
      FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
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

  /** Where bytes go until {@link #commit()}, for a writer of bytes (use this or {@link #writer()}, not both). */
  OutputStream output() {
    if (bytes == null) {
      bytes = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
    }
    return bytes;
  }

  /** Writes the file whole or not at all from what {@code body} writes. */
  static void write(Path target, Body body) throws IOException {
    try (AtomicFileWriter out = create(target)) {
      body.writeTo(out.output());
      out.commit();
    }
  }

  /** Writes bytes to a stream. */
  interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Flushes, forces the data to disk and moves the file into place. */
  void commit() throws IOException {
    if (closed || committed) {
      throw new IllegalStateException("already committed or closed");
    }
    writer.flush();
    if (bytes != null) {
      bytes.flush();
    }
    channel.force(true);
    channel.close();
    OwnerOnlyFiles.replace(temp, target);
    committed = true;
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
