package io.veil.core.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The one way Veil creates files and directories that hold personal or secret data (keys, the database, recorded
 * prompts, exports, the data directory itself): owner-only from the moment they exist.
 *
 * <ul>
 *   <li>Files are created with mode 0600 in the same system call that creates them ({@code O_CREAT|O_EXCL} with
 *       the mode), so there is no moment when they exist with the umask's permissions; directories Veil creates
 *       get 0700 the same way. (The umask can only take permissions away.)
 *   <li>A symbolic link is never followed at the path being written: {@link #write} writes a new file beside the
 *       target and renames it over the target (a link there is replaced, what it points to is not touched);
 *       {@link #createNew} and {@link #createTempFile} fail if anything, a link included, is already there;
 *       {@link #openForAppend} and {@link #restrict} refuse a link. Links in the <em>parent</em> path are
 *       followed: the operator chose that path.
 *   <li>On a file system without POSIX permissions (Windows, some virtual file systems) every method fails with
 *       an {@link IOException} naming the path ({@link UncheckedIOException} for the methods that cannot throw
 *       it): Veil cannot promise owner-only files there and does not write secrets it cannot protect. This is
 *       the same for every caller.
 * </ul>
 *
 * <p>Stateless; thread-safe. Failures name the path and never any content.
 *
 * <p><b>Security:</b> do not create such files any other way ({@link Files#write}, {@link Files#newOutputStream}
 * with {@code CREATE}, {@code FileWriter}): they follow links and leave a window with the umask's permissions.
 * A directory made here makes everything later created inside it unreachable to other users, whatever the mode of
 * those files (H2's temporary files among them).
 */
public final class OwnerOnlyFiles {
  private static final Set<PosixFilePermission> FILE =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  private static final Set<PosixFilePermission> DIRECTORY = EnumSet.of(PosixFilePermission.OWNER_READ,
      PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
  private static final FileAttribute<Set<PosixFilePermission>> FILE_MODE =
      PosixFilePermissions.asFileAttribute(FILE);
  private static final FileAttribute<Set<PosixFilePermission>> DIRECTORY_MODE =
      PosixFilePermissions.asFileAttribute(DIRECTORY);

  /** This process's user id, or -1 where it cannot be told (then no directory counts as this process's). */
  private static final long PROCESS_UID = processUid();

  private OwnerOnlyFiles() {}

  /**
   * Creates {@code dir} and its missing parents, each new one with mode 0700; an existing directory (or a link to
   * one) is left as it is: it may be a shared parent such as {@code /tmp}. For the directory Veil keeps its data
   * in, use {@link #dataDirectory}.
   *
   * @throws UncheckedIOException if it cannot be created or the file system has no POSIX permissions
   */
  public static void createDirectories(Path dir) {
    try {
      requirePosix(dir);
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, DIRECTORY_MODE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the directory " + dir + ": " + reason(e), e);
    }
  }

  /**
   * Makes {@code dir} a directory only its owner can enter, as a production operator expects of the directory that
   * holds Veil's keys, database and tokens:
   *
   * <ul>
   *   <li>missing: created (with missing parents) mode 0700;
   *   <li>present, owned by this process's user and open to group or others: tightened to 0700 (returns true, so
   *       that the caller can say so);
   *   <li>present, open to group or others, owned by another user: refused ({@link UncheckedIOException} that says
   *       what to do). Veil never changes a directory it does not own (a shared {@code /tmp}, a volume root), and
   *       does not keep secrets where others can list or enter;
   *   <li>already owner-only: nothing changes.
   * </ul>
   *
   * A link to a directory is followed: the directory it names is checked and tightened.
   *
   * @return true if the directory existed and its mode was tightened
   * @throws UncheckedIOException if it cannot be created or tightened, is not a directory, is open to others and
   *     belongs to another user, or the file system has no POSIX permissions
   */
  public static boolean dataDirectory(Path dir) {
    try {
      requirePosix(dir);
      if (!Files.exists(dir)) {
        Files.createDirectories(dir, DIRECTORY_MODE);
        return false;
      }
      if (!Files.isDirectory(dir)) {
        throw new FileSystemException(dir.toString(), null, "not a directory");
      }
      Path real = dir.toRealPath(); // a link to a directory: the directory it names
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(real);
      if (ownerOnly(mode)) {
        return false;
      }
      if (!ownedByThisProcess(real)) {
        throw new FileSystemException(dir.toString(), null, "the data directory is open to other users (mode "
            + PosixFilePermissions.toString(mode) + ") and belongs to another user, so Veil will not change it;"
            + " chmod 700 it, or use a directory of its own inside it (Veil creates it owner-only)");
      }
      Files.setPosixFilePermissions(real, DIRECTORY);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the data directory " + dir + " owner-only: " + reason(e), e);
    }
  }

  /**
   * Writes {@code content} to {@code file} whole or not at all, mode 0600: a new file beside it is written, forced
   * to disk and renamed over it. A link at {@code file} is replaced, never written through. The parent directory
   * must exist.
   *
   * @throws IOException if it cannot be written (the target is then unchanged) or the file system has no POSIX
   *     permissions
   */
  public static void write(Path file, byte[] content) throws IOException {
    Path target = file.toAbsolutePath();
    Path temp = createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
        writeFully(ch, content);
        ch.force(true);
      }
      replace(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Creates {@code file} with mode 0600 and writes {@code content} into it.
   *
   * @throws java.nio.file.FileAlreadyExistsException if anything is at {@code file}, a (dangling) link included
   * @throws IOException if it cannot be written or the file system has no POSIX permissions
   */
  public static void createNew(Path file, byte[] content) throws IOException {
    requirePosix(file);
    try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        FILE_MODE)) {
      writeFully(ch, content);
      ch.force(true);
    }
  }

  /**
   * Creates {@code file} with mode 0600 and the content {@code content} gives, unless something is already at
   * {@code file} (a file another process made first included; a link counts as something and is not followed).
   * {@code content} is called only when the file is to be created.
   *
   * <p>Publish-once: the content is written to an owner-only temporary file beside {@code file}, forced to disk,
   * and then hard-linked to {@code file}, which fails if anything is there; the temporary name is removed either
   * way. Of processes creating the same file at once exactly one wins, none replaces what another published, and
   * no reader ever sees the file empty or half-written: read {@code file} after this returns, and every creator
   * reads the same content. (A rename would replace a file published meanwhile; creating {@code file} itself with
   * {@code O_EXCL} would let a concurrent reader see it before its content.)
   *
   * <p>A process that died between writing the temporary file and removing it left it there, holding the content
   * (a key, a secret): each call first removes such leftovers of {@code file}, that is entries named exactly as this
   * method names its temporary files ({@code .NAME.DIGITS.tmp}) that are regular files (not links) of this process's
   * user, owner-only, and last modified more than {@link #STALE_TEMP_AGE} ago (a concurrent creator's temporary file
   * lives for milliseconds). Nothing else is ever removed; a leftover that cannot be removed is left.
   *
   * @throws IOException if it cannot be written or linked (a file system without hard links included), or the
   *     file system has no POSIX permissions
   */
  public static void createIfAbsent(Path file, Supplier<byte[]> content) throws IOException {
    Path target = file.toAbsolutePath();
    removeStaleTemps(target);
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Path temp = createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
        writeFully(ch, content.get());
        ch.force(true);
      }
      try {
        Files.createLink(target, temp);
      } catch (FileAlreadyExistsException e) {
        return; // another process published it first: theirs stays
      } catch (UnsupportedOperationException e) {
        throw new FileSystemException(target.toString(), null, "the file system cannot make hard links");
      }
      forceDirectory(target.getParent());
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** How old a temporary file of {@link #createIfAbsent} must be before it counts as left by a dead process. */
  public static final java.time.Duration STALE_TEMP_AGE = java.time.Duration.ofMinutes(10);

  /** Removes what {@link #createIfAbsent} of {@code target} left behind in a crash (see there); best effort. */
  private static void removeStaleTemps(Path target) {
    Path dir = target.getParent();
    if (dir == null || !supported(dir)) {
      return;
    }
    // the names Files.createTempFile gives with createIfAbsent's prefix and suffix: prefix, an unsigned long, suffix
    java.util.regex.Pattern name = java.util.regex.Pattern.compile(
        java.util.regex.Pattern.quote("." + target.getFileName() + ".") + "[0-9]{1,20}" + java.util.regex.Pattern.quote(".tmp"));
    long before = System.currentTimeMillis() - STALE_TEMP_AGE.toMillis();
    try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
        p -> name.matcher(p.getFileName().toString()).matches())) {
      for (Path p : entries) {
        try {
          java.nio.file.attribute.PosixFileAttributes a = Files.readAttributes(p,
              java.nio.file.attribute.PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          if (a.isRegularFile() && ownerOnly(a.permissions()) && a.lastModifiedTime().toMillis() < before
              && ownedByThisProcess(p)) {
            Files.deleteIfExists(p);
          }
        } catch (IOException e) {
          // gone meanwhile, or not ours to read: left as it is
        }
      }
    } catch (IOException | java.nio.file.DirectoryIteratorException e) {
      // the directory cannot be listed: nothing is removed, the creation goes on
    }
  }

  /**
   * Creates a new empty file with mode 0600 and a random name in {@code dir} (which must exist).
   *
   * @throws IOException if it cannot be created or the file system has no POSIX permissions
   */
  public static Path createTempFile(Path dir, String prefix, String suffix) throws IOException {
    requirePosix(dir);
    return Files.createTempFile(dir, prefix, suffix, FILE_MODE);
  }

  /**
   * Opens {@code file} for appending. A missing file is created by the open itself, mode 0600 given at creation
   * ({@code O_CREAT|O_EXCL} with the mode; missing parents 0700). An existing file is opened without following a
   * link ({@code O_NOFOLLOW}: a link at {@code file} is refused, what it points to is neither opened nor changed),
   * must be a regular file of this process's user, and is set to 0600 if it was open to others; it is checked to
   * be the same file before and after opening and after the change.
   *
   * <p>Limit: Java cannot {@code fstat}/{@code fchmod} an open channel, so the checks of an existing file are by
   * path (before and after the open, compared by file key); keep such files in directories only their owner can
   * write to (the data directory is 0700).
   *
   * @throws IOException if it cannot be opened or restricted, is a link or not a regular file, belongs to another
   *     user, or the file system has no POSIX permissions
   */
  public static FileChannel openForAppend(Path file) throws IOException {
    requirePosix(file);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      Files.createDirectories(parent, DIRECTORY_MODE); // an IOException, as documented (createDirectories wraps it)
    }
    try {
      return FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.APPEND,
          StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), FILE_MODE);
    } catch (FileAlreadyExistsException e) {
      // there already (a dangling link included): opened below, never through a link
    }
    Object before = requireOwnRegularFile(file);
    FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.APPEND, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS));
    try {
      if (!before.equals(requireOwnRegularFile(file))) {
        throw new FileSystemException(file.toString(), null, "the file changed while it was opened");
      }
      if (!FILE.containsAll(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS))) {
        Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setPermissions(FILE);
        if (!before.equals(requireOwnRegularFile(file))) {
          throw new FileSystemException(file.toString(), null, "the file changed while it was opened");
        }
      }
      return ch;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /**
   * Reads a small secret file of Veil's (a key, the gateway secret, the admin token) without following a link:
   * {@code file} must be a regular file (a link there is refused, what it points to is not read), belong to this
   * process's user and be owner-only (a secret others could read may be known to them: chmod 600 it only if no one
   * could have, else replace it), at most {@code maxBytes} long, and the same file before and after the read.
   *
   * <p><b>Security:</b> read secrets from Veil's data directory only this way; {@link Files#readString} follows a
   * link planted at the path and would use a secret its planter chose.
   *
   * @throws IOException (a {@link FileSystemException} whose reason says what to do) if it is missing, a link, not
   *     a regular file, another user's, open to group or others, larger than {@code maxBytes}, or changed while
   *     read
   */
  public static byte[] readSecret(Path file, int maxBytes) throws IOException {
    requirePosix(file);
    Object before = requireOwnRegularFile(file);
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
    if (!FILE.containsAll(mode)) {
      throw new FileSystemException(file.toString(), null, "the secret is accessible to group or others (mode "
          + PosixFilePermissions.toString(mode) + "): chmod 600 it if no one else could have read it, else replace it");
    }
    byte[] content;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      if (ch.size() > maxBytes) {
        throw new FileSystemException(file.toString(), null, "larger than " + maxBytes + " bytes");
      }
      ByteBuffer b = ByteBuffer.allocate((int) ch.size());
      while (b.hasRemaining() && ch.read(b) >= 0) {
        // reads until full or end of file
      }
      content = java.util.Arrays.copyOf(b.array(), b.position());
    }
    if (!before.equals(requireOwnRegularFile(file))) {
      throw new FileSystemException(file.toString(), null, "the file changed while it was read");
    }
    return content;
  }

  /**
   * The file key of {@code file}, which must be a regular file (not a link) of this process's user.
   *
   * @throws IOException naming what it is instead; a link: the one-line reason says Veil does not follow it
   */
  private static Object requireOwnRegularFile(Path file) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (a.isSymbolicLink()) {
      throw new FileSystemException(file.toString(), null, "is a symbolic link; Veil does not follow links to its"
          + " own files: put the file itself there (or remove the link to have it created)");
    }
    if (!a.isRegularFile()) {
      throw new FileSystemException(file.toString(), null, "not a regular file");
    }
    if (!ownedByThisProcess(file)) {
      throw new FileSystemException(file.toString(), null, "belongs to another user, so Veil will not use it");
    }
    return a.fileKey() != null ? a.fileKey() : a.lastModifiedTime();
  }

  /**
   * Sets mode 0600 on an existing regular file of this process's user, never through a link: a link is refused. The
   * file is not opened (so a lock this process holds on it, such as H2's, is kept). Limit: a user who may rename
   * entries in the file's directory could swap the file for a link between the check and the change.
   *
   * @throws IOException if {@code file} is a link or not a regular file, belongs to another user (also when this
   *     process runs as root), or the file system has no POSIX permissions
   */
  public static void restrict(Path file) throws IOException {
    requirePosix(file);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileSystemException(file.toString(), null, "not a regular file");
    }
    if (!ownedByThisProcess(file)) {
      throw new FileSystemException(file.toString(), null, "belongs to another user, so Veil will not change it");
    }
    // chmod by path, not through a descriptor: the JDK's no-follow variant opens the file and closes it again, and
    // closing any descriptor of a file drops every POSIX lock this process holds on it (H2's lock on its database)
    Files.setPosixFilePermissions(file, FILE);
  }

  /** True if {@code mode} grants nothing to group or others. */
  public static boolean ownerOnly(Set<PosixFilePermission> mode) {
    return DIRECTORY.containsAll(mode);
  }

  /** True if {@code path}'s file system has POSIX permissions (the only kind on which this class works). */
  public static boolean supported(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static void requirePosix(Path path) throws IOException {
    if (!supported(path)) {
      throw new FileSystemException(path.toString(), null,
          "the file system has no POSIX permissions, so Veil cannot make it owner-only");
    }
  }

  private static boolean ownedByThisProcess(Path path) throws IOException {
    Object uid;
    try {
      uid = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return false; // cannot tell: treated as another user's
    }
    return uid instanceof Integer u && u == PROCESS_UID;
  }

  private static long processUid() {
    try {
      return new com.sun.security.auth.module.UnixSystem().getUid();
    } catch (RuntimeException | LinkageError e) {
      return -1;
    }
  }

  private static String reason(IOException e) {
    return e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
  }

  private static void writeFully(FileChannel ch, byte[] content) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Objects.requireNonNull(content, "content"));
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  /**
   * Renames {@code temp} (a file made by {@link #createTempFile} in {@code target}'s directory) over {@code target},
   * atomically where the file system can, and makes the rename durable where the platform allows. A link at
   * {@code target} is replaced, not followed.
   *
   * @throws IOException if the rename fails ({@code target} is then unchanged)
   */
  public static void replace(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    forceDirectory(target.getParent()); // makes the rename itself durable
  }

  /** Forces a directory's entries to disk where the platform allows (after a rename or a link in it). */
  private static void forceDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // the content is on disk already; not every platform opens a directory
    }
  }
}
