package io.veil.core.transform;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.veil.core.EntityType;
import io.veil.core.RestoreFormat;
import io.veil.core.Scope;
import io.veil.core.TokenVault;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reuses a scope's {@link Restorer} while the scope's vault entries stay the same. Building the
 * restore trie (every accepted spelling of every token and surrogate) costs far more than restoring
 * one answer, and a conversation's entries change only when a turn mints a new token; without this,
 * every request rebuilt the trie twice (collision check and restore).
 *
 * <p>A cached restorer is used only if the vault's current snapshot {@code equals} the snapshot it
 * was built from (an O(entries) comparison), so a restore never misses a token minted since, and a
 * scope cleared or erased in the vault is never restored from the cache.
 *
 * <p>Thread safety: thread-safe. Memory: bounded by {@code maxScopes} and by {@code maxBytes} of estimated heap
 * (a conversation's restorer holds every spelling of every token: ~200 KB for six turns of 1 KB messages, so a
 * bound by count alone let 4096 of them take ~800 MB); entries expire after two minutes without use.
 *
 * <p><b>Security:</b> holds original values in memory for up to two minutes after a scope's last use,
 * as the in-memory vault does; nothing is written anywhere.
 */
public final class RestorerCache {
  private record Key(Scope scope, RestoreFormat format) {}

  /** A scope's restore index. <b>Security:</b> {@code entries} maps tokens to values; {@link #toString()} counts them. */
  private record Built(Map<String, String> entries, Map<String, EntityType> types, Restorer restorer, long bytes) {
    @Override
    public String toString() {
      return "Built[entries=" + entries.size() + ", bytes=" + bytes + "]";
    }
  }

  private final Cache<Key, Built> cache;

  /** The heap budget of {@link #RestorerCache(int)}. */
  public static final long DEFAULT_MAX_BYTES = 64L << 20;

  public RestorerCache(int maxScopes) {
    this(maxScopes, DEFAULT_MAX_BYTES);
  }

  /**
   * @param maxScopes at most this many scopes' restorers are held
   * @param maxBytes at most about this many bytes of heap are held by them (each weighs its estimated size,
   *     and at least {@code maxBytes / maxScopes}, so the count bound holds too)
   */
  public RestorerCache(int maxScopes, long maxBytes) {
    if (maxScopes < 1) {
      throw new IllegalArgumentException("maxScopes must be positive");
    }
    if (maxBytes < maxScopes) {
      throw new IllegalArgumentException("maxBytes must be at least maxScopes");
    }
    long floor = Math.ceilDiv(maxBytes, maxScopes);
    this.cache = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .<Key, Built>weigher((k, b) -> (int) Math.min(Integer.MAX_VALUE, Math.max(floor, b.bytes())))
        .expireAfterAccess(Duration.ofMinutes(2))
        .build();
  }

  /** Estimated heap bytes held now (after pending evictions). */
  long heldBytes() {
    cache.cleanUp();
    return cache.policy().eviction().orElseThrow().weightedSize().orElse(0);
  }

  /** The restorer for the scope's current entries in {@code vault}. */
  public Restorer restorer(TokenVault vault, Scope scope, RestoreFormat format) {
    return restorer(vault, scope, format, null);
  }

  /**
   * The restorer for those of the scope's current entries whose token is in {@code onlyTokens}
   * ({@code null}: all of them). Where the set holds every token of the scope this is the cached
   * restorer of {@link #restorer(TokenVault, Scope, RestoreFormat)}; otherwise a restorer over the
   * subset is built for this call and not cached.
   */
  public Restorer restorer(TokenVault vault, Scope scope, RestoreFormat format, Set<String> onlyTokens) {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(format, "format");
    Map<String, String> entries = vault.entries(scope);
    Map<String, EntityType> types = vault.tokenTypes(scope);
    if (onlyTokens != null && !onlyTokens.containsAll(entries.keySet())) {
      Map<String, String> subset = new HashMap<>();
      Map<String, EntityType> subsetTypes = new HashMap<>();
      entries.forEach((token, value) -> {
        if (onlyTokens.contains(token)) {
          subset.put(token, value);
          EntityType type = types.get(token);
          if (type != null) {
            subsetTypes.put(token, type);
          }
        }
      });
      return Restorer.of(subset, subsetTypes, format);
    }
    Key key = new Key(scope, format);
    Built built = cache.getIfPresent(key);
    if (built != null && built.entries().equals(entries) && built.types().equals(types)) {
      return built.restorer();
    }
    Restorer fresh = Restorer.of(entries, types, format);
    cache.put(key, new Built(Map.copyOf(entries), Map.copyOf(types), fresh, fresh.estimatedBytes()));
    return fresh;
  }

  /**
   * Forgets every cached restorer, and with them the original values they hold (after an erasure: the erased
   * values then leave the heap at once instead of up to two minutes after their scope's last use).
   */
  public void invalidateAll() {
    cache.invalidateAll();
    cache.cleanUp();
  }

  /** How many restorers are cached (each holds the values of one scope and format). */
  public long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  /** Forgets what is cached for the scope (all formats). */
  public void invalidate(Scope scope) {
    for (RestoreFormat f : RestoreFormat.values()) {
      cache.invalidate(new Key(scope, f));
    }
  }

  @Override
  public String toString() {
    return "RestorerCache[size=" + cache.estimatedSize() + "]";
  }
}
