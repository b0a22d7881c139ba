package io.veil.core.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.core.EntityType;
import io.veil.core.Scope;
import io.veil.core.VaultException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InMemoryTokenVaultTest {
  private static final Scope A = new Scope("acme", "c1");
  private static final Scope B = new Scope("acme", "c2");
  private static final Scope OTHER_TENANT = new Scope("globex", "c1");

  private static String placeholder(EntityType t, int n) {
    return "<" + t + "_" + n + ">";
  }

  @Test
  void sameValueSameTokenDistinctValuesDistinctTokens() {
    InMemoryTokenVault v = InMemoryTokenVault.create();
    String t1 = v.tokenize(A, EntityType.PERSON, "Jane", n -> placeholder(EntityType.PERSON, n));
    String t2 = v.tokenize(A, EntityType.PERSON, "Bob", n -> placeholder(EntityType.PERSON, n));
    String t3 = v.tokenize(A, EntityType.PERSON, "Jane", n -> placeholder(EntityType.PERSON, n));
    String e1 = v.tokenize(A, EntityType.EMAIL, "Jane", n -> placeholder(EntityType.EMAIL, n));
    assertThat(t1).isEqualTo("<PERSON_1>").isEqualTo(t3);
    assertThat(t2).isEqualTo("<PERSON_2>");
    assertThat(e1).isEqualTo("<EMAIL_1>");
    assertThat(v.reveal(A, "<PERSON_2>")).contains("Bob");
    assertThat(v.entries(A)).hasSize(3);
    assertThat(v.tokenTypes(A)).containsEntry("<EMAIL_1>", EntityType.EMAIL);
  }

  @Test
  void matchKeyGroupsSpellingsAndRevealsTheFirst() {
    InMemoryTokenVault v = InMemoryTokenVault.create();
    String t1 = v.tokenize(A, EntityType.EMAIL, "jane@x.example", "Jane@X.example", n -> "<EMAIL_" + n + ">");
    String t2 = v.tokenize(A, EntityType.EMAIL, "jane@x.example", "JANE@x.example", n -> "<EMAIL_" + n + ">");
    assertThat(t2).isEqualTo(t1);
    assertThat(v.reveal(A, t1)).contains("Jane@X.example");
  }

  @Test
  void scopesAreIsolated() {
    InMemoryTokenVault v = InMemoryTokenVault.create();
    v.tokenize(A, EntityType.PERSON, "Jane", n -> placeholder(EntityType.PERSON, n));
    assertThat(v.reveal(B, "<PERSON_1>")).isEmpty();
    assertThat(v.reveal(OTHER_TENANT, "<PERSON_1>")).isEmpty();
    assertThat(v.entries(OTHER_TENANT)).isEmpty();
    assertThat(v.tokenize(B, EntityType.PERSON, "Bob", n -> placeholder(EntityType.PERSON, n))).isEqualTo("<PERSON_1>");
    assertThat(v.reveal(A, "<PERSON_1>")).contains("Jane");
    v.clear(A);
    assertThat(v.entries(A)).isEmpty();
    assertThat(v.reveal(B, "<PERSON_1>")).contains("Bob");
  }

  @Test
  void collidingMintsGetTheNextOrdinal() {
    InMemoryTokenVault v = InMemoryTokenVault.create();
    v.tokenize(A, EntityType.PERSON, "Jane", n -> "Same");
    List<Integer> ordinals = new ArrayList<>();
    String t = v.tokenize(A, EntityType.PERSON, "Bob", n -> {
      ordinals.add(n);
      return n < 4 ? "same" : "Other" + n; // "same" clashes with "Same" ignoring case
    });
    assertThat(t).isEqualTo("Other4");
    assertThat(ordinals).containsExactly(2, 3, 4);
    // a token equal to a value already held is refused too
    assertThat(v.tokenize(A, EntityType.PERSON, "Eve", n -> n == 5 ? "jane" : "T" + n)).isEqualTo("T6");
    assertThatThrownBy(() -> v.tokenize(A, EntityType.PERSON, "Max", n -> "Same"))
        .isInstanceOf(VaultException.class);
  }

  @Test
  void entriesExpireAfterTheTtl() {
    AtomicLong now = new AtomicLong();
    InMemoryTokenVault v = InMemoryTokenVault.builder().ttl(Duration.ofMinutes(10)).clock(now::get).build();
    v.tokenize(A, EntityType.PERSON, "Jane", n -> placeholder(EntityType.PERSON, n));
    now.addAndGet(Duration.ofMinutes(9).toNanos());
    assertThat(v.reveal(A, "<PERSON_1>")).contains("Jane");
    now.addAndGet(Duration.ofMinutes(9).toNanos()); // 9 minutes after the last use
    assertThat(v.reveal(A, "<PERSON_1>")).contains("Jane");
    now.addAndGet(Duration.ofMinutes(11).toNanos());
    assertThat(v.reveal(A, "<PERSON_1>")).isEmpty();
    assertThat(v.entries(A)).isEmpty();
  }

  @Test
  void sizeIsBounded() {
    InMemoryTokenVault v = InMemoryTokenVault.builder().maxEntriesPerScope(3).build();
    for (int i = 0; i < 3; i++) {
      v.tokenize(A, EntityType.PERSON, "p" + i, n -> placeholder(EntityType.PERSON, n));
    }
    assertThat(v.tokenize(A, EntityType.PERSON, "p1", n -> "x")).isEqualTo("<PERSON_2>");
    assertThatThrownBy(() -> v.tokenize(A, EntityType.PERSON, "SECRET-VALUE-42", n -> "x"))
        .isInstanceOf(VaultException.class)
        .hasMessageNotContaining("SECRET-VALUE-42");
  }

  @Test
  void minterFailureIsAVaultExceptionWithoutTheValue() {
    InMemoryTokenVault v = InMemoryTokenVault.create();
    assertThatThrownBy(() -> v.tokenize(A, EntityType.PERSON, "SECRET-VALUE-42", n -> {
      throw new IllegalStateException("SECRET-VALUE-42");
    })).isInstanceOf(VaultException.class).hasMessageNotContaining("SECRET-VALUE-42");
    assertThatThrownBy(() -> v.tokenize(A, EntityType.PERSON, "x", n -> null)).isInstanceOf(VaultException.class);
  }

  @Test
  void concurrentTokenizeAgreesOnOneTokenPerValue() throws Exception {
    InMemoryTokenVault v = InMemoryTokenVault.create();
    int threads = 16;
    int values = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    Map<String, Set<String>> seen = new ConcurrentHashMap<>();
    List<Future<?>> futures = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int offset = t;
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < values; i++) {
            int k = (i + offset * 7) % values;
            for (Scope s : List.of(A, B)) {
              String token = v.tokenize(s, EntityType.PERSON, "value-" + k, n -> placeholder(EntityType.PERSON, n));
              seen.computeIfAbsent(s.conversation() + "|value-" + k, x -> ConcurrentHashMap.newKeySet()).add(token);
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(seen).hasSize(2 * values);
    seen.values().forEach(tokens -> assertThat(tokens).hasSize(1));
    for (Scope s : List.of(A, B)) {
      Map<String, String> entries = v.entries(s);
      assertThat(entries).hasSize(values);
      assertThat(new HashSet<>(entries.values())).hasSize(values);
      for (int i = 0; i < values; i++) {
        String token = seen.get(s.conversation() + "|value-" + i).iterator().next();
        assertThat(entries).containsEntry(token, "value-" + i);
      }
      // ordinals 1..values, each used once
      Set<String> expected = new HashSet<>();
      for (int i = 1; i <= values; i++) {
        expected.add(placeholder(EntityType.PERSON, i));
      }
      assertThat(entries.keySet()).isEqualTo(expected);
    }
  }

  /** Runs {@code work} on another thread (another request) and returns its result. */
  private static <T> T elsewhere(java.util.concurrent.Callable<T> work) {
    try (ExecutorService other = Executors.newSingleThreadExecutor()) {
      return other.submit(work).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static java.util.function.Function<Integer, String> person() {
    return n -> placeholder(EntityType.PERSON, n);
  }

  /**
   * review11: a unit's values get their tokens at once and are visible to the unit's own reads, but reach the
   * scope (other threads) only when its work returns; before, they were stored at each tokenize.
   */
  @Test
  void aUnitsValuesAreStoredWhenItsWorkReturnsAndNotBefore() {
    InMemoryTokenVault v = InMemoryTokenVault.create();
    String anna = v.tokenize(A, EntityType.PERSON, "Anna", person());
    List<String> tokens = v.tokenizeTogether(A, () -> {
      List<String> out = new ArrayList<>();
      out.add(v.tokenize(A, EntityType.PERSON, "Anna", person()));
      out.add(v.tokenize(A, EntityType.PERSON, "Bert", person()));
      out.add(v.tokenizeTogether(A, () -> v.tokenize(A, EntityType.PERSON, "Carl", person()))); // joins
      out.add(v.tokenize(A, EntityType.PERSON, "Bert", person()));
      assertThat(v.entries(A)).containsOnly(Map.entry(anna, "Anna"), Map.entry("<PERSON_2>", "Bert"),
          Map.entry("<PERSON_3>", "Carl"));
      assertThat(v.reveal(A, "<PERSON_3>")).contains("Carl");
      assertThat(v.tokenTypes(A)).containsEntry("<PERSON_2>", EntityType.PERSON);
      assertThat(v.anyToken(A, t -> t.equals("<PERSON_3>"))).isTrue();
      assertThat(elsewhere(() -> v.entries(A))).as("another thread before the unit returns")
          .containsOnly(Map.entry(anna, "Anna"));
      assertThat(elsewhere(() -> v.reveal(A, "<PERSON_2>"))).isEmpty();
      assertThat(elsewhere(() -> v.anyToken(A, t -> t.equals("<PERSON_3>")))).isFalse();
      return out;
    });
    assertThat(tokens).containsExactly(anna, "<PERSON_2>", "<PERSON_3>", "<PERSON_2>");
    assertThat(elsewhere(() -> v.entries(A))).hasSize(3).containsEntry("<PERSON_3>", "Carl");
    assertThat(elsewhere(() -> v.anyToken(A, t -> t.equals("<PERSON_3>")))).isTrue();
  }

  /** review11: a unit whose work throws (a request refused part-way) leaves nothing; its tokens are not taken. */
  @Test
  void aFailedUnitKeepsNothingAndAnotherScopeIsStoredAtOnce() {
    InMemoryTokenVault v = InMemoryTokenVault.create();
    assertThatThrownBy(() -> v.tokenizeTogether(A, () -> {
      v.tokenize(A, EntityType.PERSON, "Anna", person());
      v.tokenize(B, EntityType.PERSON, "Otto", person()); // another scope: stored at once
      assertThat(elsewhere(() -> v.entries(B))).containsOnly(Map.entry("<PERSON_1>", "Otto"));
      throw new IllegalStateException("refused");
    })).hasMessage("refused");
    assertThat(v.entries(A)).isEmpty();
    assertThat(v.reveal(A, "<PERSON_1>")).isEmpty();
    assertThatThrownBy(() -> v.tokenizeTogether(A, () -> {
      v.clear(A);
      return null;
    })).isInstanceOf(IllegalStateException.class);
    assertThat(v.tokenize(A, EntityType.PERSON, "Bert", person())).isEqualTo("<PERSON_1>");
  }

  /** review11: another thread stores a token or the same value meanwhile: the unit stores none and runs again. */
  @Test
  void aTokenOrValueStoredMeanwhileMakesTheUnitRunAgain() {
    InMemoryTokenVault v = InMemoryTokenVault.create();
    AtomicLong runs = new AtomicLong();
    List<String> tokens = v.tokenizeTogether(A, () -> {
      List<String> out = new ArrayList<>();
      out.add(v.tokenize(A, EntityType.PERSON, "Anna", person()));
      if (runs.getAndIncrement() == 0) {
        assertThat(elsewhere(() -> v.tokenize(A, EntityType.PERSON, "Dora", person()))).isEqualTo("<PERSON_1>");
        assertThat(elsewhere(() -> v.tokenize(A, EntityType.PERSON, "Bert", person()))).isEqualTo("<PERSON_2>");
      }
      out.add(v.tokenize(A, EntityType.PERSON, "Bert", person()));
      return out;
    });
    assertThat(runs.get()).isEqualTo(2);
    assertThat(tokens).containsExactly("<PERSON_3>", "<PERSON_2>");
    assertThat(v.entries(A)).containsOnly(Map.entry("<PERSON_1>", "Dora"), Map.entry("<PERSON_2>", "Bert"),
        Map.entry("<PERSON_3>", "Anna"));
  }

  @Test
  void toStringHoldsNoValues() {
    InMemoryTokenVault v = InMemoryTokenVault.create();
    v.tokenize(A, EntityType.PERSON, "SECRET-VALUE-42", n -> placeholder(EntityType.PERSON, n));
    assertThat(v.toString()).doesNotContain("SECRET-VALUE-42").doesNotContain("PERSON_1");
  }
}
