package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.EntityType;
import io.veil.core.Scope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property: storing each text's new values together ({@link JdbcTokenVault#tokenizeTogether}, texts grouped
 * into requests as the gateway does) gives exactly the tokens, and leaves exactly the entries, of storing
 * every value one by one (H2; the PostgreSQL path is the same code, covered by {@link TokenizeTogetherIT}).
 */
class TokenizeTogetherPropertyIT {
  private static final List<EntityType> TYPES = List.of(EntityType.PERSON, EntityType.EMAIL, EntityType.of("MY_OWN_TYPE"));
  private static final AtomicInteger TRIES = new AtomicInteger();
  private static Database db;
  private static JdbcTokenVault vault;

  @BeforeContainer
  static void open() throws IOException {
    Path dir = Files.createTempDirectory("veil-together-");
    db = Database.open(DatabaseConfig.h2(dir.resolve("db")));
    vault = new JdbcTokenVault(db, new SubjectKeys(db, KeyManager.openOrCreate(dir.resolve("keys"))),
        Duration.ofHours(1), SubjectResolver.perConversation());
  }

  @AfterContainer
  static void close() {
    db.close();
  }

  /** A value: type index and value number (few numbers, so values repeat within and across texts). */
  record Value(int type, int n) {}

  @Provide
  Arbitrary<List<List<List<Value>>>> requests() {
    Arbitrary<Value> value = net.jqwik.api.Combinators.combine(Arbitraries.integers().between(0, 2),
        Arbitraries.integers().between(0, 12)).as(Value::new);
    return value.list().ofMinSize(0).ofMaxSize(8).list().ofMinSize(1).ofMaxSize(4).list().ofMinSize(1).ofMaxSize(4);
  }

  @Property(tries = 60)
  void togetherEqualsOneByOne(@ForAll("requests") List<List<List<Value>>> requests, @ForAll boolean skipping) {
    int t = TRIES.incrementAndGet();
    Scope plain = new Scope("acme", "plain-" + t);
    Scope together = new Scope("acme", "together-" + t);
    // a minter that skips some ordinals, as a placeholder minter skips those the text already holds
    Function<EntityType, Function<Integer, String>> minter =
        type -> n -> "<" + type.name() + "_" + (skipping && n % 3 == 0 ? n + 1 : n) + ">";
    List<String> expected = new ArrayList<>();
    List<String> actual = new ArrayList<>();
    for (List<List<Value>> request : requests) {
      for (List<Value> text : request) {
        for (Value v : text) {
          EntityType type = TYPES.get(v.type());
          expected.add(vault.tokenize(plain, type, "value " + v.n(), minter.apply(type)));
        }
      }
      vault.batched(() -> {
        for (List<Value> text : request) {
          actual.addAll(vault.tokenizeTogether(together, () -> {
            List<String> out = new ArrayList<>();
            for (Value v : text) {
              EntityType type = TYPES.get(v.type());
              out.add(vault.tokenize(together, type, "value " + v.n(), minter.apply(type)));
            }
            return out;
          }));
        }
        return null;
      });
    }
    assertThat(actual).isEqualTo(expected);
    assertThat(vault.entries(together)).isEqualTo(vault.entries(plain));
  }
}
