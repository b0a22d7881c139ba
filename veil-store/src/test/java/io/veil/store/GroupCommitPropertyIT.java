package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.EntityType;
import io.veil.core.Scope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property: N concurrent requests (virtual threads, each a new conversation and so a new subject, some sharing
 * a conversation with others), whose texts' inserts are group-committed together with their new subject keys,
 * all get their values stored exactly once, readable by another instance with the tokens they were given, and
 * one key per subject (H2).
 */
class GroupCommitPropertyIT {
  private static final AtomicInteger TRIES = new AtomicInteger();
  private static Path dir;
  private static Database db;
  private static Database db2;
  private static JdbcTokenVault vault;
  private static JdbcTokenVault vault2;

  @BeforeContainer
  static void open() throws IOException {
    dir = Files.createTempDirectory("veil-group-");
    db = Database.open(DatabaseConfig.h2(dir.resolve("db")));
    db2 = Database.open(DatabaseConfig.h2(dir.resolve("db")));
    vault = new JdbcTokenVault(db, new SubjectKeys(db, KeyManager.openOrCreate(dir.resolve("keys"))),
        Duration.ofHours(1), SubjectResolver.perConversation());
    vault2 = new JdbcTokenVault(db2, new SubjectKeys(db2, KeyManager.openOrCreate(dir.resolve("keys"))),
        Duration.ofHours(1), SubjectResolver.perConversation());
  }

  @AfterContainer
  static void close() {
    db2.close();
    db.close();
  }

  /** A request: its conversation number (few, so some requests share one) and its texts of value numbers. */
  record Request(int conversation, List<List<Integer>> texts) {}

  @Provide
  Arbitrary<List<Request>> requests() {
    Arbitrary<List<List<Integer>>> texts = Arbitraries.integers().between(0, 9).list().ofMinSize(0).ofMaxSize(6)
        .list().ofMinSize(1).ofMaxSize(3);
    return net.jqwik.api.Combinators.combine(Arbitraries.integers().between(0, 11), texts).as(Request::new)
        .list().ofMinSize(1).ofMaxSize(32);
  }

  @Property(tries = 25)
  void concurrentCallersValuesAreAllStoredExactlyOnceAndReadable(@ForAll("requests") List<Request> requests)
      throws Exception {
    int t = TRIES.incrementAndGet();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<String>>> futures = new ArrayList<>();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Request r : requests) {
        Scope scope = new Scope("acme", "t" + t + "-c" + r.conversation());
        futures.add(pool.submit(() -> {
          start.await();
          return vault.batched(() -> {
            List<String> out = new ArrayList<>();
            for (List<Integer> text : r.texts()) {
              out.addAll(vault.tokenizeTogether(scope, () -> {
                List<String> tokens = new ArrayList<>();
                for (int v : text) {
                  tokens.add(vault.tokenize(scope, EntityType.PERSON, "Person " + v, n -> "<PERSON_" + n + ">"));
                }
                return tokens;
              }));
            }
            return out;
          });
        }));
      }
      start.countDown();
      Map<Integer, Map<String, String>> tokenOf = new HashMap<>(); // conversation -> value -> token
      Map<Integer, LinkedHashSet<String>> valuesOf = new HashMap<>();
      for (int i = 0; i < requests.size(); i++) {
        Request r = requests.get(i);
        List<String> tokens = futures.get(i).get(120, TimeUnit.SECONDS);
        List<String> values = r.texts().stream().flatMap(List::stream).map(v -> "Person " + v).toList();
        assertThat(tokens).hasSameSizeAs(values);
        for (int k = 0; k < values.size(); k++) {
          String before = tokenOf.computeIfAbsent(r.conversation(), c -> new HashMap<>()).putIfAbsent(values.get(k), tokens.get(k));
          assertThat(before == null || before.equals(tokens.get(k))).as("one token per value").isTrue();
          valuesOf.computeIfAbsent(r.conversation(), c -> new LinkedHashSet<>()).add(values.get(k));
        }
      }
      for (var e : tokenOf.entrySet()) {
        Scope scope = new Scope("acme", "t" + t + "-c" + e.getKey());
        assertThat(count("SELECT COUNT(*) FROM vault_entries v JOIN vault_scopes s ON s.id = v.scope_id WHERE s.tenant = 'acme' AND s.conversation = '"
            + scope.conversation() + "'")).as("each value stored once").isEqualTo(valuesOf.get(e.getKey()).size());
        Map<String, String> entries = vault2.entries(scope);
        e.getValue().forEach((value, token) -> assertThat(entries).containsEntry(token, value));
      }
      long subjects = tokenOf.values().stream().filter(m -> !m.isEmpty()).count();
      assertThat(count("SELECT COUNT(*) FROM subject_keys k WHERE EXISTS (SELECT 1 FROM vault_entries v"
          + " JOIN vault_scopes s ON s.id = v.scope_id WHERE v.subject_ref = k.subject_ref AND s.conversation LIKE 't" + t + "-c%')"))
          .as("one key per subject").isEqualTo(subjects);
    }
  }

  private static long count(String sql) throws Exception {
    try (Connection c = java.sql.DriverManager.getConnection(DatabaseConfig.h2(dir.resolve("db")).jdbcUrl(), "veil", "");
         PreparedStatement ps = c.prepareStatement(sql);
         ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
