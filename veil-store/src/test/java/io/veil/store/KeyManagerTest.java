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

  @Test
  void publicKeysetHasNoSecret() {
    KeyManager km = KeyManager.openOrCreate(dir);
    String pub = km.signingPublicKeyset();
    byte[] data = {1, 2, 3};
    assertThat(KeyManager.verifyWith(pub, km.sign(data), data)).isTrue();
    assertThat(pub).contains("ASYMMETRIC_PUBLIC").doesNotContain("ASYMMETRIC_PRIVATE");
  }
}
