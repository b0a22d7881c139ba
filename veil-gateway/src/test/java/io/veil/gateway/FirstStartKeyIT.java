package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.gateway.keys.ClientKeyStore;
import io.veil.gateway.keys.ClientKeyStores;
import io.veil.gateway.keys.FileClientKeyStore;
import io.veil.gateway.keys.IssuedKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The first start's client key ({@code veil serve} on an empty database) is created once per database:
 * instances starting at the same moment on one empty PostgreSQL database used to each find no key and
 * each create one.
 */
class FirstStartKeyIT {
  @TempDir Path dir;

  @Test
  void instancesStartingAtOnceOnAnEmptyPostgresCreateOneKey() throws Exception {
    int instances = 4;
    for (int round = 0; round < 3; round++) {
      GovernanceConfig cfg = TestStores.POSTGRES.fresh();
      Path shared = Files.createDirectories(dir.resolve("round" + round));
      List<Governance> opened = new ArrayList<>();
      try {
        List<ClientKeyStore> stores = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
          Governance g = Governance.open(cfg, shared, Map.of());
          opened.add(g);
          stores.add(ClientKeyStores.open(cfg.clientKeys(), shared, g::clientKeyTable));
        }
        CyclicBarrier together = new CyclicBarrier(instances);
        List<Future<Optional<IssuedKey>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(instances)) {
          for (ClientKeyStore store : stores) {
            results.add(pool.submit(() -> {
              together.await();
              return store.createFirst("default", "default", 0);
            }));
          }
        }
        int created = 0;
        for (Future<Optional<IssuedKey>> r : results) {
          created += r.get().isPresent() ? 1 : 0;
        }
        assertThat(created).as("instances that created a first key, round " + round).isEqualTo(1);
        assertThat(stores.get(0).list()).hasSize(1);
        assertThat(stores.get(1).createFirst("default", "default", 0)).as("a later start creates none").isEmpty();
      } finally {
        for (Governance g : opened) {
          g.close();
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(TestStores.class)
  void onlyAnEmptyStoreGetsAFirstKeyAndOnlyOnce(TestStores kind) throws Exception {
    GovernanceConfig cfg = kind.fresh();
    try (Governance g = Governance.open(cfg, dir, Map.of())) {
      ClientKeyStore keys = ClientKeyStores.open(cfg.clientKeys(), dir, g::clientKeyTable);
      Optional<IssuedKey> first = keys.createFirst("default", "default", 0);
      assertThat(first).isPresent();
      assertThat(keys.authenticate(first.get().secret())).isPresent();
      assertThat(keys.revoke(first.get().key().id())).isTrue();
      assertThat(keys.createFirst("default", "default", 0)).as("not again, even with every key revoked").isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(TestStores.class)
  void aDatabaseWithImportedKeysGetsNoFirstKey(TestStores kind) throws Exception {
    FileClientKeyStore.open(dir).create("acme", "default", 0);
    GovernanceConfig cfg = kind.fresh();
    try (Governance g = Governance.open(cfg, dir, Map.of())) {
      ClientKeyStore keys = ClientKeyStores.open(cfg.clientKeys(), dir, g::clientKeyTable);
      assertThat(keys.createFirst("default", "default", 0)).isEmpty();
      assertThat(keys.list()).hasSize(1);
    }
  }
}
