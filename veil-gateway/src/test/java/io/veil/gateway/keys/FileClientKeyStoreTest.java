package io.veil.gateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileClientKeyStoreTest {
  @TempDir
  Path dir;

  @Test
  void createAuthenticateListRevoke() throws Exception {
    FileClientKeyStore store = FileClientKeyStore.open(dir);
    IssuedKey a = store.create("acme", "default", 60);
    IssuedKey b = store.create("globex", "strict", 0);
    assertThat(a.secret()).startsWith("sk-veil-").hasSizeGreaterThan(40);
    assertThat(a.toString()).doesNotContain(a.secret());
    assertThat(store.authenticate(a.secret())).contains(a.key());
    assertThat(store.authenticate(b.secret()).orElseThrow().tenant()).isEqualTo("globex");
    assertThat(store.authenticate(a.secret() + "x")).isEmpty();
    assertThat(store.authenticate("")).isEmpty();
    assertThat(store.list()).extracting(ClientKey::id).containsExactly(a.key().id(), b.key().id());

    String file = Files.readString(dir.resolve("keys.json"));
    assertThat(file).doesNotContain(a.secret()).doesNotContain(b.secret()).contains("sha256");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("keys.json")))).isEqualTo("rw-------");

    assertThat(store.revoke(a.key().id())).isTrue();
    assertThat(store.revoke("vk_nope")).isFalse();
    assertThat(store.authenticate(a.secret())).isEmpty();
    assertThat(store.list().getFirst().revoked()).isTrue();
  }

  @Test
  void anotherProcessSeesChanges() throws Exception {
    FileClientKeyStore gateway = FileClientKeyStore.open(dir);
    FileClientKeyStore cli = FileClientKeyStore.open(dir);
    IssuedKey k = cli.create("acme", "default", 0);
    // the gateway re-reads the file at most once a second; a fresh instance reads it at once
    assertThat(FileClientKeyStore.open(dir).authenticate(k.secret())).isPresent();
    assertThat(gateway.list()).isNotNull();
  }

  @Test
  void badTenantsAreRefused() {
    FileClientKeyStore store = FileClientKeyStore.open(dir);
    assertThatThrownBy(() -> store.create("", "default", 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.create("a b", "default", 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.create("acme", "default", -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
