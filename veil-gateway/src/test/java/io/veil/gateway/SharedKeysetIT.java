package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.core.EntityType;
import io.veil.core.Scope;
import io.veil.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An instance whose master keyset is not the one that wrapped its database's keys refuses to start. The
 * multi-instance load run (veil-bench/load/pg-load.sh) found a second instance on a shared PostgreSQL, started
 * with its own {@code DATA_DIR/keys}, starting and answering {@code /health}, then refusing every request of a
 * conversation the first instance had begun with 500 {@code veil_vault_failed}.
 */
class SharedKeysetIT {
  @TempDir Path dir;

  static final Scope SCOPE = new Scope("acme", "conv-1");

  @ParameterizedTest
  @EnumSource(TestStores.class)
  void aStartWithAnotherMasterKeysetIsRefusedAndTheSameKeysetsStart(TestStores kind) throws Exception {
    GovernanceConfig cfg = kind.fresh();
    Path first = Files.createDirectories(dir.resolve("first"));
    String token;
    try (Governance g = Governance.open(cfg, first, Map.of())) {
      token = g.vault().tokenize(SCOPE, EntityType.PERSON, "Anna Schmidt", n -> "<PERSON_" + n + ">");
    }
    Path keys = first.resolve("keys");
    Path saved = dir.resolve("saved-keys");
    copy(keys, saved);
    delete(keys); // the next open generates other keysets in their place

    assertThatThrownBy(() -> Governance.open(cfg, first, Map.of()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("master keyset")
        .hasMessageContaining("same keysets")
        .hasMessageNotContaining("Anna");

    delete(keys);
    copy(saved, keys);
    try (Governance g = Governance.open(cfg, first, Map.of())) {
      assertThat(g.vault().reveal(SCOPE, token)).contains("Anna Schmidt");
      assertThat(g.vault().tokenize(SCOPE, EntityType.PERSON, "Anna Schmidt", n -> "<PERSON_" + n + ">"))
          .isEqualTo(token);
    }
  }

  private static void copy(Path from, Path to) throws Exception {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  private static void delete(Path root) throws Exception {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
