package io.veil.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Owner-only files from creation, never through a planted link, the data directory tightened only when it is this
 * process's user's, and one behaviour (refusal) on a file system without POSIX permissions.
 */
class OwnerOnlyFilesTest {
  private static final byte[] SECRET = "secret-value".getBytes(StandardCharsets.US_ASCII);

  @TempDir
  Path tmp;

  @BeforeEach
  void posix() {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
  }

  @Test
  void writeCreatesAnOwnerOnlyFileAndReplacesAnEarlierOne() throws Exception {
    Path f = tmp.resolve("a");
    OwnerOnlyFiles.write(f, SECRET);
    assertThat(mode(f)).isEqualTo("rw-------");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    OwnerOnlyFiles.write(f, "second".getBytes(StandardCharsets.US_ASCII));
    assertThat(mode(f)).isEqualTo("rw-------");
    assertThat(Files.readString(f)).isEqualTo("second");
    try (var left = Files.list(tmp)) {
      assertThat(left).containsExactly(f); // no temporary file left behind
    }
  }

  @Test
  void writeReplacesALinkPlantedAtTheTargetInsteadOfWritingThroughIt() throws Exception {
    Path elsewhere = Files.writeString(tmp.resolve("elsewhere"), "theirs");
    Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rw-r--r--"));
    Path f = Files.createSymbolicLink(tmp.resolve("key"), elsewhere);
    OwnerOnlyFiles.write(f, SECRET);
    assertThat(Files.isSymbolicLink(f)).isFalse();
    assertThat(Files.readAllBytes(f)).isEqualTo(SECRET);
    assertThat(mode(f)).isEqualTo("rw-------");
    assertThat(Files.readString(elsewhere)).isEqualTo("theirs");
    assertThat(mode(elsewhere)).isEqualTo("rw-r--r--");
  }

  @Test
  void createNewRefusesAnythingAtThePathADanglingLinkIncluded() throws Exception {
    Path target = tmp.resolve("planted-target");
    Path f = Files.createSymbolicLink(tmp.resolve("token"), target);
    assertThatThrownBy(() -> OwnerOnlyFiles.createNew(f, SECRET)).isInstanceOf(FileAlreadyExistsException.class);
    assertThat(target).doesNotExist();
    Path g = tmp.resolve("fresh");
    OwnerOnlyFiles.createNew(g, SECRET);
    assertThat(mode(g)).isEqualTo("rw-------");
    assertThat(Files.readAllBytes(g)).isEqualTo(SECRET);
  }

  @Test
  void openForAppendCreatesOwnerOnlyRestrictsAnExistingFileAndRefusesALink() throws Exception {
    Path f = tmp.resolve("new/dir/records.jsonl");
    append(f, "one\n");
    assertThat(mode(f)).isEqualTo("rw-------");
    assertThat(mode(f.getParent())).isEqualTo("rwx------");
    assertThat(mode(f.getParent().getParent())).isEqualTo("rwx------");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-rw-"));
    append(f, "two\n");
    assertThat(mode(f)).isEqualTo("rw-------");
    assertThat(Files.readString(f)).isEqualTo("one\ntwo\n");

    Path target = tmp.resolve("planted-target");
    Path link = Files.createSymbolicLink(tmp.resolve("link.jsonl"), target);
    assertThatThrownBy(() -> append(link, "prompt\n")).isInstanceOf(IOException.class);
    assertThat(target).doesNotExist();
    Path existing = Files.writeString(tmp.resolve("existing-target"), "");
    Path link2 = Files.createSymbolicLink(tmp.resolve("link2.jsonl"), existing);
    assertThatThrownBy(() -> append(link2, "prompt\n")).isInstanceOf(IOException.class);
    assertThat(Files.readString(existing)).isEmpty();
  }

  /**
   * review11: secrets were read with Files.readString, which follows a link planted at the path (its planter then
   * chose the gateway secret, the admin token or a key) and read files others could read.
   */
  @Test
  void readSecretRefusesALinkAFileOthersCanReadAndAnOversizedOne() throws Exception {
    Path own = tmp.resolve("gateway-secret");
    OwnerOnlyFiles.createNew(own, SECRET);
    assertThat(OwnerOnlyFiles.readSecret(own, 4096)).isEqualTo(SECRET);

    Path planted = Files.writeString(tmp.resolve("planted"), "chosen-by-someone-else");
    Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rw-------"));
    Path link = Files.createSymbolicLink(tmp.resolve("admin-token"), planted);
    assertThatThrownBy(() -> OwnerOnlyFiles.readSecret(link, 4096)).isInstanceOf(FileSystemException.class)
        .hasMessageContaining("symbolic link").hasMessageNotContaining("chosen-by").hasMessageNotContaining("\n");

    Path open = Files.writeString(tmp.resolve("master.json"), "{}");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> OwnerOnlyFiles.readSecret(open, 4096)).isInstanceOf(FileSystemException.class)
        .hasMessageContaining("group or others").hasMessageContaining("chmod 600");
    assertThat(mode(open)).as("left as it is: the operator decides").isEqualTo("rw-r--r--");

    assertThatThrownBy(() -> OwnerOnlyFiles.readSecret(own, 4)).isInstanceOf(FileSystemException.class)
        .hasMessageContaining("larger than 4 bytes");
    assertThatThrownBy(() -> OwnerOnlyFiles.readSecret(tmp, 4096)).isInstanceOf(FileSystemException.class)
        .hasMessageContaining("not a regular file");
  }

  /** review11: an existing file is opened with O_NOFOLLOW; a dangling link is not created through either. */
  @Test
  void openForAppendNeverCreatesOrOpensThroughADanglingLink() throws Exception {
    Path target = tmp.resolve("audit-target");
    Path link = Files.createSymbolicLink(tmp.resolve("audit.log"), target);
    assertThatThrownBy(() -> append(link, "record\n")).isInstanceOf(FileSystemException.class)
        .hasMessageContaining("symbolic link");
    assertThat(target).doesNotExist();
    assertThat(Files.isSymbolicLink(link)).isTrue();
  }

  @Test
  void restrictNeverChangesWhatALinkPointsTo() throws Exception {
    Path elsewhere = Files.writeString(tmp.resolve("elsewhere"), "x");
    Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rw-r--r--"));
    Path link = Files.createSymbolicLink(tmp.resolve("veil.trace.db"), elsewhere);
    assertThatThrownBy(() -> OwnerOnlyFiles.restrict(link)).isInstanceOf(FileSystemException.class);
    assertThat(mode(elsewhere)).isEqualTo("rw-r--r--");
  }

  @Test
  void createDirectoriesMakesEachNewDirectoryOwnerOnlyAndLeavesAnExistingOne() throws Exception {
    Path d = tmp.resolve("x/y/z");
    OwnerOnlyFiles.createDirectories(d);
    assertThat(mode(tmp.resolve("x"))).isEqualTo("rwx------");
    assertThat(mode(d)).isEqualTo("rwx------");
    Path open = Files.createDirectory(tmp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
    OwnerOnlyFiles.createDirectories(open);
    assertThat(mode(open)).isEqualTo("rwxr-xr-x");
  }

  @Test
  void aDataDirectoryIsCreatedOwnerOnlyOrTightenedWhenItIsThisUsersOwn() throws Exception {
    Path fresh = tmp.resolve("new/data");
    assertThat(OwnerOnlyFiles.dataDirectory(fresh)).isFalse();
    assertThat(mode(fresh)).isEqualTo("rwx------");
    assertThat(OwnerOnlyFiles.dataDirectory(fresh)).as("already owner-only").isFalse();

    Path open = Files.createDirectory(tmp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-x---"));
    assertThat(OwnerOnlyFiles.dataDirectory(open)).isTrue();
    assertThat(mode(open)).isEqualTo("rwx------");

    Path real = Files.createDirectory(tmp.resolve("real"));
    Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwxrwxr-x"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
    assertThat(OwnerOnlyFiles.dataDirectory(link)).isTrue();
    assertThat(mode(real)).as("the directory a link names").isEqualTo("rwx------");

    Path file = Files.writeString(tmp.resolve("file"), "");
    assertThatThrownBy(() -> OwnerOnlyFiles.dataDirectory(file)).isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void aDataDirectoryOpenToOthersThatBelongsToAnotherUserIsRefusedAndLeftAsItIs() throws Exception {
    Path theirs = Files.createDirectory(tmp.resolve("theirs"));
    Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rwxr-xr-x"));
    try {
      Files.setAttribute(theirs, "unix:uid", 65534); // only root may give a directory away
    } catch (IOException e) {
      assumeTrue(false, "needs root to make a directory of another user");
    }
    assertThatThrownBy(() -> OwnerOnlyFiles.dataDirectory(theirs))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(theirs.toString())
        .cause().hasMessageContaining("belongs to another user");
    assertThat(mode(theirs)).isEqualTo("rwxr-xr-x");

    Path file = Files.writeString(theirs.resolve("veil.mv.db"), "");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    Files.setAttribute(file, "unix:uid", 65534);
    assertThatThrownBy(() -> OwnerOnlyFiles.restrict(file)).isInstanceOf(FileSystemException.class);
    assertThat(mode(file)).isEqualTo("rw-r--r--");
  }

  @Test
  void onAFileSystemWithoutPosixPermissionsNothingIsWritten() throws Exception {
    Path zip = tmp.resolve("store.zip");
    try (FileSystem fs = FileSystems.newFileSystem(URI.create("jar:" + zip.toUri()), Map.of("create", "true"))) {
      assertThat(fs.supportedFileAttributeViews()).doesNotContain("posix");
      Path root = fs.getPath("/");
      Path f = fs.getPath("/secret");
      assertThat(OwnerOnlyFiles.supported(f)).isFalse();
      assertThatThrownBy(() -> OwnerOnlyFiles.write(f, SECRET)).isInstanceOf(FileSystemException.class)
          .hasMessageContaining("no POSIX permissions");
      assertThatThrownBy(() -> OwnerOnlyFiles.createNew(f, SECRET)).isInstanceOf(FileSystemException.class);
      assertThatThrownBy(() -> OwnerOnlyFiles.openForAppend(f)).isInstanceOf(FileSystemException.class);
      assertThatThrownBy(() -> OwnerOnlyFiles.createTempFile(root, "a", "b"))
          .isInstanceOf(FileSystemException.class);
      assertThatThrownBy(() -> OwnerOnlyFiles.dataDirectory(fs.getPath("/data")))
          .isInstanceOf(UncheckedIOException.class);
      assertThatThrownBy(() -> OwnerOnlyFiles.createDirectories(fs.getPath("/dir")))
          .isInstanceOf(UncheckedIOException.class);
      try (var entries = Files.list(root)) {
        assertThat(entries).isEmpty();
      }
    }
  }

  private static void append(Path f, String text) throws IOException {
    try (FileChannel ch = OwnerOnlyFiles.openForAppend(f)) {
      ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  /**
   * review12: a process that died between writing createIfAbsent's temporary file and removing it left
   * {@code .NAME.DIGITS.tmp} (the key or secret, owner-only) in the data directory for good. The next call removes
   * exactly such leftovers: its own naming pattern, regular, owner-only, this user's, older than the bound; a
   * concurrent creator's fresh one, other names, a link, a directory and a file open to others stay.
   */
  @Test
  void createIfAbsentRemovesOnlyStaleTemporaryFilesOfItsOwnPattern() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("data"));
    Path key = dir.resolve("signing.json");
    java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.from(
        java.time.Instant.now().minus(OwnerOnlyFiles.STALE_TEMP_AGE).minusSeconds(60));
    Path stale = ownerOnlyFile(dir.resolve(".signing.json.8437126501927364.tmp"), old);
    Path fresh = ownerOnlyFile(dir.resolve(".signing.json.1234.tmp"), java.nio.file.attribute.FileTime.from(
        java.time.Instant.now()));
    Path otherName = ownerOnlyFile(dir.resolve(".master.json.5555.tmp"), old);
    Path notDigits = ownerOnlyFile(dir.resolve(".signing.json.abc.tmp"), old);
    Path longer = ownerOnlyFile(dir.resolve(".signing.json.5555.tmp.bak"), old);
    Path openToOthers = ownerOnlyFile(dir.resolve(".signing.json.6666.tmp"), old);
    Files.setPosixFilePermissions(openToOthers, PosixFilePermissions.fromString("rw-r--r--"));
    Path elsewhere = ownerOnlyFile(tmp.resolve("kept"), old);
    Path link = Files.createSymbolicLink(dir.resolve(".signing.json.7777.tmp"), elsewhere);
    Path directory = Files.createDirectory(dir.resolve(".signing.json.8888.tmp"));
    Files.setLastModifiedTime(directory, old);

    OwnerOnlyFiles.createIfAbsent(key, () -> "k".getBytes(StandardCharsets.US_ASCII));

    assertThat(stale).doesNotExist();
    assertThat(key).hasContent("k");
    for (Path kept : new Path[] {fresh, otherName, notDigits, longer, openToOthers, elsewhere, directory}) {
      assertThat(kept).as(kept.getFileName().toString()).exists();
    }
    assertThat(Files.isSymbolicLink(link)).isTrue();

    // a crash after the link but before the removal: the file exists, its leftover goes at the next call too
    Path afterLink = ownerOnlyFile(dir.resolve(".signing.json.42.tmp"), old);
    OwnerOnlyFiles.createIfAbsent(key, () -> "other".getBytes(StandardCharsets.US_ASCII));
    assertThat(afterLink).doesNotExist();
    assertThat(key).hasContent("k");
  }

  private static Path ownerOnlyFile(Path f, java.nio.file.attribute.FileTime modified) throws IOException {
    OwnerOnlyFiles.createNew(f, "secret".getBytes(StandardCharsets.US_ASCII));
    Files.setLastModifiedTime(f, modified);
    return f;
  }

  /**
   * Creators racing on one missing file (threads here, as processes do on one data directory), each reading the
   * file as soon as its call returns: every one reads the same, whole content, and nothing but the file is left.
   * Before, the file was created with O_EXCL and then written, so a creator that lost the race could read it empty
   * or half-written (and a gateway secret or admin token read so was refused or, worse, differed).
   */
  @Test
  void creatorsRacingOnOneFileAllReadTheSameWholeContent() throws Exception {
    int creators = 6;
    for (int round = 0; round < 100; round++) {
      Path f = tmp.resolve("race" + round).resolve("secret");
      Files.createDirectory(f.getParent());
      java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(creators);
      try (var pool = java.util.concurrent.Executors.newFixedThreadPool(creators)) {
        var reads = new java.util.ArrayList<java.util.concurrent.Future<byte[]>>();
        for (int i = 0; i < creators; i++) {
          byte[] mine = new byte[256 * 1024];
          java.util.Arrays.fill(mine, (byte) ('a' + i));
          reads.add(pool.submit(() -> {
            start.await();
            OwnerOnlyFiles.createIfAbsent(f, () -> mine);
            return Files.readAllBytes(f);
          }));
        }
        byte[] onDisk = null;
        for (var r : reads) {
          byte[] read = r.get();
          onDisk = onDisk == null ? Files.readAllBytes(f) : onDisk;
          assertThat(read).as("round %d", round).hasSize(256 * 1024).isEqualTo(onDisk);
        }
      }
      assertThat(mode(f)).isEqualTo("rw-------");
      try (var files = Files.list(f.getParent())) {
        assertThat(files.toList()).as("no temporary file is left").containsExactly(f);
      }
    }
  }
}
