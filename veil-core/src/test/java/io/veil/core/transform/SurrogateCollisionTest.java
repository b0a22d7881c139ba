package io.veil.core.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.PseudonymizedText;
import io.veil.core.RestoreFormat;
import io.veil.core.Scope;
import io.veil.core.TokenIndex;
import io.veil.core.TokenVault;
import io.veil.core.keys.VeilKeys;
import io.veil.core.vault.InMemoryTokenVault;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The collision check of pseudonymization builds the scope's restore index only for texts that
 * {@link RetirableWords} cannot rule out. These tests check that ruling out is exact: no text it rules out
 * has a collision, and pseudonymizing conversations gives the same text, replacements, retirements and
 * restores as the check that always builds the index.
 */
class SurrogateCollisionTest {
  private static final VeilKeys KEYS = VeilKeys.generate();

  /** Surrogate-like tokens: names (with parts), e-mails, phones, odd edges, no letters at all, non-ASCII. */
  private static final List<String> SURROGATES = List.of("Anna Berg", "anna berg-Lund", "O'Neil Smith", "Paris",
      "Rose", "ab.cd@ex.com", "Cd@Ex.Com", "+1 555-0101", "555-0101", "(030) 12 34", "_x1", "x1_", "--", "+",
      "İlk Öz", "Jean-Luc Picard", "Dr. Jo Ann Lee", "Smith", "Ω7", "a b");
  private static final List<String> GLUE = List.of(" ", ", ", "-", "_", "x", "7", "'s ", "@", ".", "", "\n", "İ");

  @Test
  void foldingKeepsEveryUnitsLetterOrDigitClass() {
    for (int c = 0; c <= 0xFFFF; c++) {
      assertThat(Character.isLetterOrDigit(RestoreIndex.fold((char) c)))
          .as("U+%04X", c).isEqualTo(Character.isLetterOrDigit((char) c));
    }
  }

  @Test
  void examples() {
    RetirableWords words = new RetirableWords();
    words.add("<PERSON_1>");
    words.add("Anna Berg");
    words.add("ab.cd@ex.com");
    assertThat(words.mayOccurIn("no surrogate here, PERSON_1 and <person_1>")).isFalse();
    assertThat(words.mayOccurIn("mail AB.CD@EX.COM now")).isTrue();
    assertThat(words.mayOccurIn("ab.cd@ex.community")).isFalse(); // "com" is not a whole word there
    assertThat(words.mayOccurIn("abcd@ex.com")).isFalse();
    assertThat(words.mayOccurIn("Bergen")).isFalse();
    assertThat(words.mayOccurIn("Mrs Berg")).isTrue(); // a name part
    words.add(RestoreIndex.RETIRED_PREFIX + "Berg");
    assertThat(words.mayOccurIn("Mrs Berg")).isFalse();
    words.add("--");
    assertThat(words.mayOccurIn("anything")).isTrue(); // no letter or digit: could be anywhere
  }

  /** Soundness: a text that the index rules out has no collision, whatever the findings. */
  @Property(tries = 2000)
  void aTextRuledOutHasNoCollision(@ForAll long seed) {
    Random r = new Random(seed);
    Map<String, String> entries = new HashMap<>();
    Map<String, EntityType> types = new HashMap<>();
    for (int i = r.nextInt(8); i > 0; i--) {
      String s = SURROGATES.get(r.nextInt(SURROGATES.size()));
      entries.put(s, "orig " + r.nextInt(5) + (r.nextBoolean() ? " Name" : ""));
      if (r.nextBoolean()) {
        types.put(s, EntityType.PERSON);
      }
    }
    entries.put("<PERSON_" + (1 + r.nextInt(3)) + ">", "p");
    if (r.nextInt(4) == 0 && !entries.isEmpty()) {
      String s = SURROGATES.get(r.nextInt(SURROGATES.size()));
      entries.put(RestoreIndex.RETIRED_PREFIX + (r.nextBoolean() ? s : s.split(" ")[0]), "");
    }
    String text = text(r, new ArrayList<>(entries.keySet()));
    RetirableWords words = new RetirableWords();
    entries.keySet().forEach(words::add);
    List<String> collisions = Restorer.of(entries, types, RestoreFormat.TEXT).collisions(text, List.of());
    if (!collisions.isEmpty()) {
      assertThat(words.mayOccurIn(text)).as("collisions %s", collisions.size()).isTrue();
    }
  }

  private static String text(Random r, List<String> tokens) {
    StringBuilder sb = new StringBuilder();
    for (int i = r.nextInt(12); i >= 0; i--) {
      sb.append(GLUE.get(r.nextInt(GLUE.size())));
      String piece = switch (r.nextInt(6)) {
        case 0, 1 -> tokens.isEmpty() ? "w" : tokens.get(r.nextInt(tokens.size()));
        case 2 -> SURROGATES.get(r.nextInt(SURROGATES.size()));
        case 3 -> "PERSON_" + (1 + r.nextInt(3));
        default -> "word" + r.nextInt(3);
      };
      if (piece.startsWith(RestoreIndex.RETIRED_PREFIX)) {
        piece = piece.substring(RestoreIndex.RETIRED_PREFIX.length());
      }
      piece = switch (r.nextInt(5)) {
        case 0 -> piece.toUpperCase(Locale.ROOT);
        case 1 -> piece.toLowerCase(Locale.ROOT);
        case 2 -> piece.split(" ")[r.nextInt(piece.split(" ").length)];
        case 3 -> piece.length() > 2 ? piece.substring(1) : piece;
        default -> piece;
      };
      sb.append(piece);
    }
    return sb.toString();
  }

  /** Mints surrogates from {@link #SURROGATES} by ordinal: deterministic, so two runs can be compared. */
  private static final class PoolSurrogate implements Operator {
    @Override
    public String name() {
      return SurrogateOperator.NAME;
    }

    @Override
    public boolean reversible() {
      return true;
    }

    @Override
    public String apply(OperatorContext ctx, EntityType type, String value) {
      return ctx.vault().tokenize(ctx.scope(), type, value, value,
          n -> SURROGATES.get((n * 7 + type.name().length()) % SURROGATES.size()) + (n > 20 ? " " + n : ""));
    }
  }

  /** The in-memory vault, but its token index never rules a text out: the collision check as it was. */
  private static final class AlwaysCheckingVault implements TokenVault {
    private final InMemoryTokenVault inner = InMemoryTokenVault.builder().build();

    @Override
    public String tokenize(Scope scope, EntityType type, String value, Function<Integer, String> minter) {
      return inner.tokenize(scope, type, value, minter);
    }

    @Override
    public String tokenize(Scope scope, EntityType type, String matchKey, String value,
                           Function<Integer, String> minter) {
      return inner.tokenize(scope, type, matchKey, value, minter);
    }

    @Override
    public Optional<String> reveal(Scope scope, String token) {
      return inner.reveal(scope, token);
    }

    @Override
    public Map<String, String> entries(Scope scope) {
      return inner.entries(scope);
    }

    @Override
    public Map<String, EntityType> tokenTypes(Scope scope) {
      return inner.tokenTypes(scope);
    }

    @Override
    public <I extends TokenIndex, R> R withTokenIndex(Scope scope, Supplier<I> newIndex,
                                                      Function<? super I, R> query) {
      I index = newIndex.get();
      index.add("--"); // a surrogate with no letter or digit could be anywhere: every text is checked
      return query.apply(index);
    }

    @Override
    public void clear(Scope scope) {
      inner.clear(scope);
    }
  }

  /**
   * Differential: multi-turn conversations under a surrogate policy (PERSON and EMAIL surrogates, PHONE
   * placeholders, so placeholder spellings can shadow surrogates), whose later turns hold earlier
   * surrogates (whole, in parts, in other case, glued to words, inside and outside findings). The
   * pseudonymized text, the replacements, the retirements and the restores must equal the always-checking run.
   */
  @Property(tries = 300)
  void conversationsEqualTheAlwaysCheckingRun(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5) int turns) {
    Random r = new Random(seed);
    Scope scope = new Scope("t", "c");
    Function<EntityType, Operator> ops = t -> t.equals(EntityType.PHONE)
        ? Operators.create("placeholder", Map.of()) : new PoolSurrogate();
    TokenVault oldVault = new AlwaysCheckingVault();
    InMemoryTokenVault newVault = InMemoryTokenVault.create();
    Transformer old = Transformer.of(ops, oldVault, KEYS);
    Transformer indexed = Transformer.of(ops, newVault, KEYS);
    List<EntityType> types = List.of(EntityType.PERSON, EntityType.EMAIL, EntityType.PHONE);
    for (int turn = 0; turn < turns; turn++) {
      List<String> known = new ArrayList<>(newVault.entries(scope).keySet());
      known.removeIf(t -> t.startsWith(RestoreIndex.RETIRED_PREFIX));
      StringBuilder text = new StringBuilder();
      List<Finding> findings = new ArrayList<>();
      for (int i = 1 + r.nextInt(15); i > 0; i--) {
        text.append(GLUE.get(r.nextInt(GLUE.size())));
        if (r.nextInt(3) == 0) {
          String value = r.nextInt(4) == 0 && !known.isEmpty()
              ? known.get(r.nextInt(known.size())) : "val" + r.nextInt(15);
          findings.add(new Finding(text.length(), text.length() + value.length(),
              types.get(r.nextInt(types.size())), 1.0, "test"));
          text.append(value).append(" and ");
        } else {
          text.append(text(r, known));
        }
      }
      String t = text.toString();
      PseudonymizedText expected = old.pseudonymize(scope, t, findings);
      PseudonymizedText actual = indexed.pseudonymize(scope, t, findings);
      assertThat(actual.text()).isEqualTo(expected.text());
      assertThat(actual.replacements()).isEqualTo(expected.replacements());
      assertThat(newVault.entries(scope)).isEqualTo(oldVault.entries(scope));
      assertThat(Restorer.of(newVault.entries(scope), newVault.tokenTypes(scope), RestoreFormat.TEXT)
          .restore(actual.text()))
          .isEqualTo(Restorer.of(oldVault.entries(scope), oldVault.tokenTypes(scope), RestoreFormat.TEXT)
              .restore(expected.text()));
    }
  }

  private static boolean may(TokenVault vault, Scope scope, Supplier<RetirableWords> words, String text) {
    return vault.<RetirableWords, Boolean>withTokenIndex(scope, words, w -> w.mayOccurIn(text));
  }

  /** The vault's index follows mints and clears. */
  @Test
  void theVaultsIndexFollowsMintsAndClears() {
    InMemoryTokenVault vault = InMemoryTokenVault.create();
    Scope scope = new Scope("t", "c");
    Supplier<RetirableWords> words = RetirableWords::new;
    assertThat(may(vault, scope, words, "Anna Berg")).isFalse();
    vault.tokenize(scope, EntityType.PERSON, "x", n -> "Anna Berg");
    assertThat(may(vault, scope, words, "Anna Berg")).isTrue();
    vault.tokenize(scope, EntityType.PERSON, "y", n -> "Carl Dunn");
    assertThat(may(vault, scope, words, "Dunn")).isTrue();
    vault.clear(scope);
    assertThat(may(vault, scope, words, "Anna Berg Dunn")).isFalse();
  }

  /**
   * Concurrent requests in one scope: every surrogate minted by any thread is seen by the index once its
   * mint returned, and the index answers like one built from the final entries.
   */
  @Test
  void theVaultsIndexIsCurrentUnderConcurrentMints() throws Exception {
    InMemoryTokenVault vault = InMemoryTokenVault.builder().maxEntriesPerScope(100_000).build();
    Scope scope = new Scope("t", "c");
    Supplier<RetirableWords> words = RetirableWords::new;
    may(vault, scope, words, ""); // no table yet: nothing kept
    vault.tokenize(scope, EntityType.PERSON, "seed", n -> "Seed Person");
    int threads = 8;
    int each = 500;
    try (var pool = Executors.newFixedThreadPool(threads)) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < each; i++) {
            String surrogate = "Zed" + id + "x" + i + " Quill" + id + "y" + i;
            vault.tokenize(scope, EntityType.PERSON, "v" + id + "/" + i, n -> surrogate);
            assertThat(may(vault, scope, words, "hi " + surrogate)).isTrue();
            assertThat(may(vault, scope, words, "Quill" + id + "y" + i)).isTrue();
            assertThat(may(vault, scope, words, "Zed" + id + "x" + i + "Quill"))
                .isFalse();
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    RetirableWords fresh = new RetirableWords();
    vault.entries(scope).keySet().forEach(fresh::add);
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < each; i += 50) {
        String probe = "Zed" + t + "x" + i;
        assertThat(may(vault, scope, words, probe))
            .isEqualTo(fresh.mayOccurIn(probe)).isTrue();
      }
    }
  }
}
