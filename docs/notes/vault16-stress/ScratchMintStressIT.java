package io.veil.store;

import io.veil.core.EntityType;
import io.veil.core.Scope;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SCRATCH, not committed: the concurrent mint scenario of TokenNameReuseIT, many rounds, PostgreSQL. */
class ScratchMintStressIT {
  @TempDir Path keyDir;
  static final Function<Integer, String> PERSON = n -> "<PERSON_" + n + ">";

  @Test
  void stress() throws Exception {
    for (String cfg : System.getProperty("scratch.configs", "POSTGRES:6:20").split(",")) {
      String[] p = cfg.split(":");
      if (p[0].equals("TIME")) {
        time(p[1], Integer.parseInt(p[2]), Integer.parseInt(p[3]));
        continue;
      }
      stress(p[0], Integer.parseInt(p[1]), Integer.parseInt(p[2]), 25);
    }
  }

  void time(String backendName, int values, int reps) throws Exception {
    DatabaseConfig config = TestDatabases.valueOf(backendName).fresh();
    try (Database db = Database.open(config)) {
      SubjectKeys keys = new SubjectKeys(db, KeyManager.openOrCreate(keyDir));
      JdbcTokenVault vault = new JdbcTokenVault(db, keys, Duration.ofHours(1), SubjectResolver.perConversation());
      for (int r = 0; r < reps; r++) {
        Scope scope = new Scope("acme", "time-" + r);
        long t0 = System.nanoTime();
        for (int i = 0; i < values; i++) {
          vault.tokenize(scope, EntityType.PERSON, "Value " + i, PERSON);
        }
        long t1 = System.nanoTime();
        Scope scope2 = new Scope("acme", "time-b-" + r);
        vault.batched(() -> {
          for (int i = 0; i < values; i++) {
            vault.tokenize(scope2, EntityType.PERSON, "Value " + i, PERSON);
          }
          return null;
        });
        long t2 = System.nanoTime();
        System.out.printf("SCRATCH TIME %s rep %d plain %.1f us/value batched %.1f us/value%n", backendName, r,
            (t1 - t0) / 1e3 / values, (t2 - t1) / 1e3 / values);
      }
    }
  }

  void stress(String backendName, int threads, int rounds, int perThread) throws Exception {
    TestDatabases backend = TestDatabases.valueOf(backendName);
    DatabaseConfig config = backend.fresh();
    Database db = Database.open(config);
    Database second = backend == TestDatabases.POSTGRES ? Database.open(config) : db;
    KeyManager km = KeyManager.openOrCreate(keyDir);
    SubjectKeys keys = new SubjectKeys(db, km);
    SubjectKeys secondKeys = second == db ? keys : new SubjectKeys(second, km);
    JdbcTokenVault vault = new JdbcTokenVault(db, keys, Duration.ofHours(1), SubjectResolver.perConversation());
    JdbcTokenVault other = second == db ? vault
        : new JdbcTokenVault(second, secondKeys, Duration.ofHours(1), SubjectResolver.perConversation());
    int failedRounds = 0;
    long t0 = System.nanoTime();
    for (int r = 0; r < rounds; r++) {
      Scope scope = new Scope("acme", "conv-" + r);
      JdbcTokenVault.SCRATCH_MOST.set(0);
      JdbcTokenVault.SCRATCH_LOSSES.reset();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> done = new ArrayList<>();
      int rr = r;
      for (int t = 0; t < threads; t++) {
        int id = t;
        JdbcTokenVault v = id % 2 == 0 ? vault : other;
        SubjectKeys k = id % 2 == 0 ? keys : secondKeys;
        done.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            Subject owner = new Subject("acme", "s-" + rr + "-" + id + "-" + i);
            String value = "Person " + id + "-" + i;
            if (i % 3 == 0) {
              v.tokenizeTogether(scope, () -> v.tokenize(scope, owner, EntityType.PERSON, value, PERSON));
            } else {
              v.tokenize(scope, owner, EntityType.PERSON, value, PERSON);
            }
            if (i % 2 == 1) {
              k.destroy(owner);
            }
          }
          return null;
        }));
      }
      String failure = null;
      for (Future<?> f : done) {
        try {
          f.get();
        } catch (Exception e) {
          failure = String.valueOf(e.getCause());
        }
      }
      pool.shutdownNow();
      if (failure != null) {
        failedRounds++;
      }
      System.out.println("SCRATCH round " + r + " most attempts " + JdbcTokenVault.SCRATCH_MOST.get()
          + " losses " + JdbcTokenVault.SCRATCH_LOSSES.sum() + (failure == null ? "" : " FAILED " + failure));
    }
    System.out.println("SCRATCH " + backendName + " threads " + threads + " per " + perThread + ": failed rounds "
        + failedRounds + "/" + rounds + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    if (second != db) {
      second.close();
    }
    db.close();
  }
}
