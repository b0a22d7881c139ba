package io.veil.core.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.EntityType;
import io.veil.core.RestoreFormat;
import io.veil.core.Scope;
import io.veil.core.vault.InMemoryTokenVault;
import org.junit.jupiter.api.Test;

class RestorerCacheTest {
  private final InMemoryTokenVault vault = InMemoryTokenVault.create();
  private final RestorerCache cache = new RestorerCache(16);
  private final Scope scope = new Scope("acme", "c1");

  private String mint(String value) {
    return vault.tokenize(scope, EntityType.EMAIL, value, n -> "<EMAIL_" + n + ">");
  }

  /**
   * Scopes with many tokens are held within the byte budget, not only within the count: the load run's heap
   * grew by ~200 KB per conversation held (a bound of 4096 scopes allowed ~800 MB).
   */
  @Test
  void restorersOfLargeScopesAreHeldWithinTheByteBudget() {
    long budget = 1 << 20;
    RestorerCache bounded = new RestorerCache(4096, budget);
    Restorer last = null;
    for (int s = 0; s < 64; s++) {
      Scope big = new Scope("acme", "big-" + s);
      for (int i = 0; i < 100; i++) {
        vault.tokenize(big, EntityType.PERSON, "Person " + s + " number " + i, n -> "<PERSON_" + n + ">");
      }
      last = bounded.restorer(vault, big, RestoreFormat.TEXT);
    }
    // 64 such restorers weigh more than the budget: within it, some were evicted
    assertThat(last.estimatedBytes()).as("one scope's restorer").isGreaterThan(budget / 64);
    assertThat(bounded.heldBytes()).isPositive().isLessThanOrEqualTo(budget);
  }

  @Test
  void reusesTheRestorerWhileEntriesAreUnchanged() {
    mint("a@x.org");
    Restorer first = cache.restorer(vault, scope, RestoreFormat.TEXT);
    assertThat(cache.restorer(vault, scope, RestoreFormat.TEXT)).isSameAs(first);
    assertThat(cache.restorer(vault, scope, RestoreFormat.JSON_STRING)).isNotSameAs(first);
  }

  @Test
  void aTokenMintedLaterIsRestoredAtOnce() {
    String t1 = mint("a@x.org");
    cache.restorer(vault, scope, RestoreFormat.TEXT);
    String t2 = mint("b@x.org");
    assertThat(cache.restorer(vault, scope, RestoreFormat.TEXT).restore(t1 + " " + t2)).isEqualTo("a@x.org b@x.org");
  }

  @Test
  void aClearedScopeIsNeverRestoredFromTheCache() {
    String t1 = mint("a@x.org");
    assertThat(cache.restorer(vault, scope, RestoreFormat.TEXT).restore(t1)).isEqualTo("a@x.org");
    vault.clear(scope);
    assertThat(cache.restorer(vault, scope, RestoreFormat.TEXT).restore(t1)).isEqualTo(t1);
  }

  @Test
  void scopesDoNotShareRestorers() {
    String t1 = mint("a@x.org");
    Scope other = new Scope("other-tenant", "c1");
    assertThat(cache.restorer(vault, other, RestoreFormat.TEXT).restore(t1)).isEqualTo(t1);
  }

  @Test
  void aTokenSubsetRestoresOnlyThoseTokensAndTheFullSetUsesTheCachedRestorer() {
    String t1 = mint("a@x.org");
    String t2 = mint("b@x.org");
    Restorer cached = cache.restorer(vault, scope, RestoreFormat.TEXT);

    Restorer subset = cache.restorer(vault, scope, RestoreFormat.TEXT, java.util.Set.of(t2));
    assertThat(subset.restore(t1 + " " + t2)).isEqualTo(t1 + " b@x.org");
    assertThat(cache.restorer(vault, scope, RestoreFormat.TEXT, java.util.Set.of()).restore(t1)).isEqualTo(t1);
    assertThat(cache.restorer(vault, scope, RestoreFormat.TEXT, java.util.Set.of(t1, t2, "<OTHER>"))).isSameAs(cached);
  }
}
