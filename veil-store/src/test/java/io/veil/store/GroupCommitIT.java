package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link GroupCommit}: concurrent callers' units share transactions, each caller gets exactly its own outcome
 * or failure, only what was kept is stored, and nothing is dropped or stored twice.
 */
@ParameterizedClass
@EnumSource(TestDatabases.class)
class GroupCommitIT {
  @Parameter TestDatabases backend;
  Database db;
  GroupCommit writes;

  @BeforeEach
  void open() {
    db = Database.open(backend.fresh());
    db.withConnection("test table", c -> {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE gc_test (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL)");
      }
      return null;
    });
    writes = new GroupCommit(db, "test insert");
  }

  @AfterEach
  void close() {
    db.close();
  }

  /** Inserts (id, v); false (not kept) when the id is taken. */
  private GroupCommit.Unit<Boolean> insert(int id, String v) {
    return c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO gc_test (id, v) VALUES (?, ?)")) {
        ps.setInt(1, id);
        ps.setString(2, v);
        ps.executeUpdate();
        return true;
      } catch (SQLException e) {
        if (Database.isUniqueViolation(e)) {
          return false;
        }
        throw e;
      }
    };
  }

  private Map<Integer, String> rows() {
    return db.withConnection("read", c -> {
      Map<Integer, String> out = new HashMap<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, v FROM gc_test")) {
        while (rs.next()) {
          out.put(rs.getInt(1), rs.getString(2));
        }
      }
      return out;
    });
  }

  /** Runs {@code n} callers at once on virtual threads; each result is the outcome or the exception. */
  private List<Object> concurrently(int n, java.util.function.IntFunction<GroupCommit.Unit<Boolean>> unit)
      throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Object>> futures = new ArrayList<>();
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < n; i++) {
        int k = i;
        futures.add(ex.submit(() -> {
          start.await();
          try {
            return (Object) writes.run(unit.apply(k), Boolean::booleanValue);
          } catch (RuntimeException e) {
            return e;
          }
        }));
      }
      start.countDown();
      List<Object> out = new ArrayList<>();
      for (Future<Object> f : futures) {
        out.add(f.get(60, TimeUnit.SECONDS));
      }
      return out;
    }
  }

  @Test
  void concurrentCallersAreAllStoredExactlyOnceInFewerCommits() throws Exception {
    int n = 200;
    List<Object> results = concurrently(n, k -> insert(k, "v" + k));
    assertThat(results).containsOnly(true);
    Map<Integer, String> rows = rows();
    assertThat(rows).hasSize(n);
    for (int k = 0; k < n; k++) {
      assertThat(rows).containsEntry(k, "v" + k);
    }
    assertThat(writes.units()).isEqualTo(n);
    assertThat(writes.commits()).isBetween(1L, (long) n);
  }

  @Test
  void aUnitThatIsNotKeptLeavesNothingAndTheOthersStay() throws Exception {
    // every id twice: exactly one of each pair is stored, the other caller is told so (false), nothing is lost
    int n = 120;
    List<Object> results = concurrently(n, k -> c -> {
      boolean first = insert(1000 + k, "extra" + k).run(c); // stored only if the unit is kept
      boolean mine = insert(k / 2, "v" + k).run(c);
      return first && mine;
    });
    long kept = results.stream().filter(Boolean.TRUE::equals).count();
    assertThat(results).containsOnly(true, false);
    assertThat(kept).isEqualTo(n / 2);
    Map<Integer, String> rows = rows();
    for (int pair = 0; pair < n / 2; pair++) {
      int winner = results.get(2 * pair).equals(true) ? 2 * pair : 2 * pair + 1;
      int loser = winner ^ 1;
      assertThat(results.get(loser)).isEqualTo(false);
      assertThat(rows).containsEntry(pair, "v" + winner);
      assertThat(rows).containsEntry(1000 + winner, "extra" + winner).doesNotContainKey(1000 + loser);
    }
    assertThat(rows).hasSize(n);
  }

  @Test
  void aFailingUnitFailsOnlyItsCallerWithTheStoreError() throws Exception {
    int n = 60;
    List<Object> results = concurrently(n, k -> k % 10 == 3
        ? c -> {
          insert(k, "v" + k).run(c);
          try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO no_such_table VALUES (1)"); // an SQL error after a write of its own
          }
          return true;
        }
        : insert(k, "v" + k));
    Map<Integer, String> rows = rows();
    for (int k = 0; k < n; k++) {
      if (k % 10 == 3) {
        assertThat(results.get(k)).isInstanceOf(StoreException.class).isNotInstanceOf(StoreUnavailableException.class);
        assertThat(((StoreException) results.get(k)).getMessage()).contains("test insert");
        assertThat(rows).doesNotContainKey(k);
      } else {
        assertThat(results.get(k)).isEqualTo(true);
        assertThat(rows).containsEntry(k, "v" + k);
      }
    }
  }

  @Test
  void aGroupThatCannotCommitIsRetriedUnitByUnitSoOnlyTheBrokenUnitsCallerFails() throws Exception {
    // a connection failure ends the shared transaction: every unit of the group runs again alone
    int n = 60;
    List<Object> results = concurrently(n, k -> k == 17
        ? c -> {
          insert(k, "v" + k).run(c);
          throw new SQLException("simulated broken connection", "08006");
        }
        : insert(k, "v" + k));
    assertThat(results.get(17)).isInstanceOf(StoreUnavailableException.class);
    Map<Integer, String> rows = rows();
    assertThat(rows).doesNotContainKey(17).hasSize(n - 1);
    for (int k = 0; k < n; k++) {
      if (k != 17) {
        assertThat(results.get(k)).isEqualTo(true);
      }
    }
  }

  @Test
  void aLoneCallerThatFailsGetsTheFailureAndNothingIsStored() {
    assertThatThrownBy(() -> writes.run(c -> {
      insert(1, "a").run(c);
      throw new SQLException("simulated", "42000");
    }, (Boolean b) -> true)).isInstanceOf(StoreException.class).hasMessageContaining("test insert");
    assertThat(writes.run(insert(2, "b"), Boolean::booleanValue)).isTrue();
    assertThat(rows()).containsOnly(Map.entry(2, "b"));
  }
}
