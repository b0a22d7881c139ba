package io.veil.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes an export (a user's data, the audit trail) to a file whole or not at all, readable by its owner only: the
 * bytes go to a temporary file in the target's directory, created owner-only ({@link Files#createTempFile} makes
 * it {@code rw-------} on POSIX file systems), which then replaces the target. A previous target is replaced, its
 * permissions with it.
 *
 * <p><b>Security:</b> {@code veil dsr export} writes a subject's decrypted vault values; a file created with the
 * process's umask (usually {@code rw-r--r--}) would let every local user read them.
 */
final class PrivateFile {
  private PrivateFile() {}

  /** Writes what {@code body} produces. */
  interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  static void write(Path target, String prefix, Body body) throws IOException {
    Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), prefix, ".tmp");
    try {
      try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(tmp))) {
        body.writeTo(o);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Writes {@code text} as UTF-8. */
  static void write(Path target, String prefix, String text) throws IOException {
    write(target, prefix, o -> o.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
