package io.veil.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owner-only permissions for what Veil writes that holds personal or secret data (the database, recorded
 * prompts): directories it creates get mode 0700, files it creates or restricts get 0600, where the file system
 * has POSIX permissions (elsewhere nothing is changed). The process umask would otherwise decide (typically 022:
 * readable by every local user).
 *
 * <p>An existing directory is left as it is (it may be a shared parent such as {@code /tmp}; {@code veil doctor}
 * warns about a data directory others can enter). Stateless; thread-safe.
 *
 * <p><b>Security:</b> a directory created here makes everything later created inside it unreachable to other
 * users, whatever the mode of those files (H2's temporary and trace files among them).
 */
public final class OwnerOnlyFiles {
  private static final Logger LOG = LoggerFactory.getLogger(OwnerOnlyFiles.class);
  private static final String DIRECTORY = "rwx------";
  private static final String FILE = "rw-------";

  private OwnerOnlyFiles() {}

  /**
   * Creates {@code dir} and its missing parents with mode 0700; an existing directory is left as it is.
   *
   * @throws UncheckedIOException if it cannot be created
   */
  public static void directory(Path dir) {
    if (Files.isDirectory(dir)) {
      return;
    }
    try {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(DIRECTORY)));
    } catch (UnsupportedOperationException e) {
      try {
        Files.createDirectories(dir);
      } catch (IOException io) {
        throw new UncheckedIOException("cannot create directory " + dir, io);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create directory " + dir, e);
    }
  }

  /**
   * Sets mode 0600 on {@code file} if it is a regular file (not a link).
   *
   * @throws UncheckedIOException if the mode cannot be set
   */
  public static void restrict(Path file) {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(FILE));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restrict " + file + " to its owner", e);
    }
  }

  /**
   * Sets mode 0600 on every regular file in {@code dir} whose name starts with {@code prefix}, as far as it can: a
   * file it may not change (another owner) or a directory it cannot list is logged (path and exception class) and
   * left, so that an operator's unusual layout does not stop the store from opening ({@code veil doctor} reports
   * the modes).
   */
  static void restrictAll(Path dir, String prefix) {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*")) {
      for (Path f : files) {
        try {
          restrict(f);
        } catch (UncheckedIOException e) {
          LOG.warn("could not make {} owner-only ({})", f, e.getCause().getClass().getSimpleName());
        }
      }
    } catch (IOException e) {
      LOG.warn("could not list {} to make its files owner-only ({})", dir, e.getClass().getSimpleName());
    }
  }
}
