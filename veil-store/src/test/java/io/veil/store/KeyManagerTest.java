package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyManagerTest {
  @TempDir Path dir;

  @Test
  void createsPrivateFilesAndReloadsTheSameKeys() throws Exception {
    KeyManager a = KeyManager.openOrCreate(dir.resolve("keys"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("keys/master.json"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("keys/signing.json"))))
        .isEqualTo("rw-------");
    KeyManager b = KeyManager.openOrCreate(dir.resolve("keys"));
    byte[] data = "x".getBytes(StandardCharsets.UTF_8);
    assertThat(b.verify(a.sign(data), data)).isTrue();
    byte[] ct = a.masterAead().encrypt(data, new byte[0]);
    assertThat(b.masterAead().decrypt(ct, new byte[0])).isEqualTo(data);
  }

  @Test
  void refusesGroupReadableKeys() throws Exception {
    KeyManager.openOrCreate(dir);
    Files.setPosixFilePermissions(dir.resolve("signing.json"), PosixFilePermissions.fromString("rw-r-----"));
    assertThatThrownBy(() -> KeyManager.openOrCreate(dir)).isInstanceOf(StoreException.class)
        .hasMessageContaining("group or others");
  }

  /** review11: a link planted at a key file was followed, so its planter chose the master key. */
  @Test
  void refusesALinkPlantedAtAKeyFile() throws Exception {
    Path other = dir.resolve("elsewhere");
    KeyManager.openOrCreate(other); // a valid keyset someone else knows
    Path keys = dir.resolve("keys");
    KeyManager.openOrCreate(keys);
    Files.delete(keys.resolve("master.json"));
    Files.createSymbolicLink(keys.resolve("master.json"), other.resolve("master.json"));
    assertThatThrownBy(() -> KeyManager.openOrCreate(keys)).isInstanceOf(StoreException.class)
        .hasMessageContaining("master.json").hasMessageContaining("symbolic link");
  }

  @Test
  void rotationKeepsOldCiphertextReadable() throws Exception {
    KeyManager km = KeyManager.openOrCreate(dir);
    byte[] ct = km.masterAead().encrypt("old".getBytes(StandardCharsets.UTF_8), new byte[0]);
    assertThat(km.rotateMaster()).isEqualTo(2);
    assertThat(km.masterAead().decrypt(ct, new byte[0])).isEqualTo("old".getBytes(StandardCharsets.UTF_8));
    KeyManager reopened = KeyManager.openOrCreate(dir);
    assertThat(reopened.masterKeyCount()).isEqualTo(2);
    assertThat(reopened.masterAead().decrypt(ct, new byte[0])).isEqualTo("old".getBytes(StandardCharsets.UTF_8));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("master.json"))))
        .isEqualTo("rw-------");
  }

  @Test
  void loadsFromEnvironmentButCannotRotateThere() throws Exception {
    KeyManager.openOrCreate(dir);
    Map<String, String> env = Map.of(
        KeyManager.MASTER_ENV, Files.readString(dir.resolve("master.json")),
        KeyManager.SIGNING_ENV, Files.readString(dir.resolve("signing.json")));
    KeyManager km = KeyManager.fromEnvironment(env);
    assertThat(km.toString()).contains("environment").doesNotContain("{");
    assertThatThrownBy(km::rotateMaster).isInstanceOf(StoreException.class);
  }

  /** What a command checks a running gateway's signatures with: the keyset already there, read only. */
  @Test
  void theExistingSigningPublicKeysetIsReadWithoutCreatingAnything() throws Exception {
    Path empty = dir.resolve("none");
    assertThat(KeyManager.existingSigningPublicKeyset(empty, null)).isEmpty();
    assertThat(empty).doesNotExist();

    KeyManager km = KeyManager.openOrCreate(dir);
    assertThat(KeyManager.existingSigningPublicKeyset(dir, null)).contains(km.signingPublicKeyset());
    assertThat(KeyManager.existingSigningPublicKeyset(empty, Files.readString(dir.resolve("signing.json"))))
        .as("from the environment's value").contains(km.signingPublicKeyset());
    assertThatThrownBy(() -> KeyManager.existingSigningPublicKeyset(dir, "not a keyset"))
        .isInstanceOf(StoreException.class).hasMessageNotContaining("not a keyset");

    Files.setPosixFilePermissions(dir.resolve("signing.json"), PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> KeyManager.existingSigningPublicKeyset(dir, null)).isInstanceOf(StoreException.class);
  }

  @Test
  void publicKeysetHasNoSecret() {
    KeyManager km = KeyManager.openOrCreate(dir);
    String pub = km.signingPublicKeyset();
    byte[] data = {1, 2, 3};
    assertThat(KeyManager.verifyWith(pub, km.sign(data), data)).isTrue();
    assertThat(pub).contains("ASYMMETRIC_PUBLIC").doesNotContain("ASYMMETRIC_PRIVATE");
  }

  /**
   * Processes starting on one empty key directory at once (six threads here, many rounds): both must end with
   * the keys that are on disk. Before, each generated a keyset, checked that no file was there and renamed its own
   * over the target: the second rename replaced the first process's master key while it was in use.
   */
  @Test
  void creatorsRacingOnAnEmptyDirectoryAllEndWithTheKeysOnDisk() throws Exception {
    byte[] data = "x".getBytes(StandardCharsets.UTF_8);
    int creators = 6;
    for (int round = 0; round < 100; round++) {
      Path keys = dir.resolve("race" + round);
      java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(creators);
      java.util.concurrent.Callable<KeyManager> open = () -> {
        start.await();
        return KeyManager.openOrCreate(keys);
      };
      try (var pool = java.util.concurrent.Executors.newFixedThreadPool(creators)) {
        var opened = new java.util.ArrayList<java.util.concurrent.Future<KeyManager>>();
        for (int i = 0; i < creators; i++) {
          opened.add(pool.submit(open));
        }
        var managers = new java.util.ArrayList<KeyManager>();
        for (var f : opened) {
          managers.add(f.get());
        }
        KeyManager onDisk = KeyManager.openOrCreate(keys); // after all of them: what is on disk now
        for (KeyManager m : managers) {
          assertThat(onDisk.masterAead().decrypt(m.masterAead().encrypt(data, new byte[0]), new byte[0]))
              .as("round %d: a master key that is not the one on disk", round).isEqualTo(data);
          assertThat(onDisk.verify(m.sign(data), data)).as("round %d: signing key", round).isTrue();
        }
      }
      try (var files = Files.list(keys)) {
        assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
            .as("no temporary file is left").containsExactly("master.json", "signing.json");
      }
    }
  }
}
