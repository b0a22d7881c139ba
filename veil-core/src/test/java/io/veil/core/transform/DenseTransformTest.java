package io.veil.core.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.PseudonymizedText;
import io.veil.core.Scope;
import io.veil.core.keys.VeilKeys;
import io.veil.core.vault.InMemoryTokenVault;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Differential tests for the changes that made texts dense with personal data cost linear time: the
 * placeholder operator (ordinals looked up in a {@link TextLookup} instead of scanning the text per value) must
 * mint exactly the tokens the scan minted, and the collision check's span search must agree with a scan of
 * every span.
 */
class DenseTransformTest {
  private static final VeilKeys KEYS = VeilKeys.generate();
  private static final List<EntityType> TYPES = List.of(EntityType.PERSON, EntityType.EMAIL,
      EntityType.of("MY_OWN_TYPE"));

  /** The placeholder operator as it was: folds and scans the whole text for every candidate ordinal. */
  private static final class ScanningPlaceholder implements Operator {
    @Override
    public String name() {
      return PlaceholderOperator.NAME;
    }

    @Override
    public boolean reversible() {
      return true;
    }

    @Override
    public String apply(OperatorContext ctx, EntityType type, String value) {
      return ctx.vault().tokenize(ctx.scope(), type, ValueNormalizer.matchKey(type, value), value, ordinal -> {
        String folded = ctx.text().toLowerCase(Locale.ROOT);
        int n = ordinal;
        while (folded.contains((type.name() + "_" + n).toLowerCase(Locale.ROOT))
            || folded.contains((type.name().replace("_", "\\_") + "\\_" + n).toLowerCase(Locale.ROOT))) {
          n++;
        }
        return PlaceholderOperator.token(type, n);
      });
    }
  }

  /**
   * A text of values and words, some of them spellings of tokens the vault will mint (in both cases and
   * escaped), transformed over several turns of one scope by the old and the new operator.
   */
  @Property(tries = 300)
  void placeholderTokensEqualTheScanningOnes(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int turns) {
    Random r = new Random(seed);
    Scope scope = new Scope("t", "c");
    Transformer scanning = Transformer.of(t -> new ScanningPlaceholder(), InMemoryTokenVault.create(), KEYS);
    Transformer indexed = Transformer.of(t -> Operators.create("placeholder", Map.of()),
        InMemoryTokenVault.create(), KEYS);
    for (int turn = 0; turn < turns; turn++) {
      StringBuilder text = new StringBuilder();
      List<Finding> findings = new ArrayList<>();
      int parts = 1 + r.nextInt(40);
      for (int i = 0; i < parts; i++) {
        EntityType type = TYPES.get(r.nextInt(TYPES.size()));
        String piece = switch (r.nextInt(5)) {
          case 0 -> "<" + type.name() + "_" + (1 + r.nextInt(8)) + ">";
          case 1 -> type.name().toLowerCase(Locale.ROOT) + "_" + r.nextInt(30);
          case 2 -> type.name().replace("_", "\\_") + "\\_" + (1 + r.nextInt(8));
          default -> null;
        };
        if (piece != null) {
          text.append(piece).append(' ');
        } else {
          String value = "v" + r.nextInt(12);
          findings.add(new Finding(text.length(), text.length() + value.length(), type, 1.0, "test"));
          text.append(value).append(" and ");
        }
      }
      PseudonymizedText expected = scanning.pseudonymize(scope, text.toString(), findings);
      PseudonymizedText actual = indexed.pseudonymize(scope, text.toString(), findings);
      assertThat(actual.text()).isEqualTo(expected.text());
      assertThat(actual.replacements()).isEqualTo(expected.replacements());
    }
  }

  @Property(tries = 1000)
  void spanSearchEqualsAScanOfEverySpan(@ForAll long seed) {
    Random r = new Random(seed);
    boolean disjoint = r.nextBoolean();
    List<Finding> spans = new ArrayList<>();
    int at = 0;
    for (int i = r.nextInt(12); i > 0; i--) {
      int start = disjoint ? at + r.nextInt(4) : r.nextInt(40);
      int end = start + 1 + r.nextInt(5);
      spans.add(new Finding(start, end, EntityType.PERSON, 1.0, "test"));
      at = end;
    }
    java.util.Collections.shuffle(spans, r);
    Restorer.SpanSet set = new Restorer.SpanSet(spans);
    for (int start = 0; start < 50; start++) {
      for (int end = start + 1; end < start + 8; end++) {
        boolean scan = false;
        for (Finding f : spans) {
          scan |= f.start() < end && start < f.end();
        }
        assertThat(set.overlaps(start, end)).as("[%d, %d) in %s", start, end, spans).isEqualTo(scan);
      }
    }
  }

  @Property(tries = 3000)
  void placeholderCheckEqualsTheRestorePattern(@ForAll("tokenLike") String token) {
    assertThat(RestoreIndex.isPlaceholder(token))
        .isEqualTo(java.util.regex.Pattern.matches("<([A-Za-z][A-Za-z0-9_]*)_([0-9]+)>", token));
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> tokenLike() {
    net.jqwik.api.Arbitrary<String> body = net.jqwik.api.Arbitraries.strings().withChars("aZ_09<>-é٣").ofMaxLength(8);
    return net.jqwik.api.Arbitraries.oneOf(body, body.map(b -> "<" + b + ">"),
        body.map(b -> "<P" + b + "_" + b.length() + ">"));
  }

  /**
   * The collision check is skipped for scopes whose tokens are all placeholders: whatever the text holds
   * (tokens in every spelling restore accepts, uncovered by findings), such a scope has no collision.
   */
  @Property(tries = 300)
  void aScopeOfPlaceholdersHasNoCollision(@ForAll long seed) {
    Random r = new Random(seed);
    Map<String, String> entries = new java.util.HashMap<>();
    Map<String, EntityType> types = new java.util.HashMap<>();
    StringBuilder text = new StringBuilder();
    for (int i = r.nextInt(20); i >= 0; i--) {
      EntityType type = TYPES.get(r.nextInt(TYPES.size()));
      String token = PlaceholderOperator.token(type, 1 + r.nextInt(9));
      entries.put(token, "value " + i);
      types.put(token, type);
      String bare = token.substring(1, token.length() - 1);
      text.append(switch (r.nextInt(4)) {
        case 0 -> token;
        case 1 -> bare;
        case 2 -> bare.replace("_", "\\_");
        default -> "&lt;" + bare.toLowerCase(Locale.ROOT) + "&gt;";
      }).append(" x ");
    }
    assertThat(entries.keySet()).noneMatch(RestoreIndex::mayBeRetirable);
    Restorer restorer = Restorer.of(entries, types, io.veil.core.RestoreFormat.TEXT);
    assertThat(restorer.collisions(text.toString(), List.of())).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void surrogatesMayBeRetiredOtherTokensNot() {
    assertThat(RestoreIndex.mayBeRetirable("Maria Lopez")).isTrue();
    assertThat(RestoreIndex.mayBeRetirable("PERSON_1")).isTrue(); // not the placeholder spelling
    assertThat(RestoreIndex.mayBeRetirable("<PERSON_1>")).isFalse();
    assertThat(RestoreIndex.mayBeRetirable("<MY_OWN_TYPE_12>")).isFalse();
    assertThat(RestoreIndex.mayBeRetirable("<PERSON_enc:AbC>")).isFalse();
    assertThat(RestoreIndex.mayBeRetirable(RestoreIndex.RETIRED_PREFIX + "Maria")).isFalse();
    assertThat(RestoreIndex.mayBeRetirable("")).isFalse();
  }

  /** The in-memory vault remembers anyToken per predicate; a later mint must still change the answer. */
  @org.junit.jupiter.api.Test
  void anyTokenFollowsMints() {
    InMemoryTokenVault vault = InMemoryTokenVault.create();
    Scope scope = new Scope("t", "c");
    java.util.function.Predicate<String> surrogate = RestoreIndex::mayBeRetirable;
    assertThat(vault.anyToken(scope, surrogate)).isFalse();
    vault.tokenize(scope, EntityType.EMAIL, "a@b.example", n -> "<EMAIL_" + n + ">");
    assertThat(vault.anyToken(scope, surrogate)).isFalse();
    vault.tokenize(scope, EntityType.PERSON, "Anna Schmidt", n -> "Maria Lopez");
    assertThat(vault.anyToken(scope, surrogate)).isTrue();
    vault.clear(scope);
    assertThat(vault.anyToken(scope, surrogate)).isFalse();
  }
}
