package io.veil.core.vault;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.veil.core.EntityType;
import io.veil.core.Scope;
import io.veil.core.TokenIndex;
import io.veil.core.TokenVault;
import io.veil.core.VaultException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A {@link TokenVault} held in memory (Caffeine): for tests, single-instance deployments and library use.
 *
 * <p>Each {@link Scope} has its own table; scopes never see each other's entries. A scope's entries
 * expire together, {@code ttl} after the scope was last used (tokenized or revealed), and at most
 * {@code maxScopes} scopes are held (least recently used evicted first). A scope holds at most
 * {@code maxEntriesPerScope} values; tokenizing more throws {@link VaultException} (fail closed, bounded
 * memory).
 *
 * <p>Thread safety: safe for concurrent use. Tokenizing within one scope is serialised on that scope, so
 * concurrent calls for the same value agree on one token; different scopes proceed in parallel.
 *
 * <p>Minting: the minter receives the next ordinal of the type in the scope. If it returns a token that
 * is already used in the scope, or equal (ignoring case) to an original value held in the scope, it is
 * called again with the next ordinal, up to 64 times, then {@link VaultException} is thrown.
 *
 * <p><b>Security:</b> values are held unencrypted in this JVM's heap; use the persistent, encrypted vault
 * for anything that outlives the process. Nothing here logs; exceptions carry no values. {@link #toString()}
 * prints only counts.
 */
public final class InMemoryTokenVault implements TokenVault {
  private static final int MAX_MINT_ATTEMPTS = 64;

  private final Cache<Scope, ScopeTable> scopes;
  private final int maxEntriesPerScope;

  private InMemoryTokenVault(Duration ttl, long maxScopes, int maxEntriesPerScope, LongSupplier nanoClock) {
    this.scopes = Caffeine.newBuilder()
        .expireAfterAccess(ttl)
        .maximumSize(maxScopes)
        .ticker(nanoClock::getAsLong)
        .build();
    this.maxEntriesPerScope = maxEntriesPerScope;
  }

  /** A vault with 24 hours of retention, 100,000 scopes and 10,000 entries per scope. */
  public static InMemoryTokenVault create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String tokenize(Scope scope, EntityType type, String value, Function<Integer, String> minter) {
    return tokenize(scope, type, value, value, minter);
  }

  @Override
  public String tokenize(
      Scope scope, EntityType type, String matchKey, String value, Function<Integer, String> minter) {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(matchKey, "matchKey");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(minter, "minter");
    ScopeTable table = scopes.get(scope, s -> new ScopeTable());
    synchronized (table) {
      String key = type.name() + '\u0000' + matchKey;
      String existing = table.tokenByKey.get(key);
      if (existing != null) {
        return existing;
      }
      if (table.valueByToken.size() >= maxEntriesPerScope) {
        throw new VaultException("the scope holds the maximum of " + maxEntriesPerScope + " values");
      }
      int ordinal = table.counters.getOrDefault(type, 0) + 1;
      for (int attempt = 0; attempt < MAX_MINT_ATTEMPTS; attempt++, ordinal++) {
        String token;
        try {
          token = minter.apply(ordinal);
        } catch (RuntimeException e) {
          throw new VaultException("token minter failed: " + e.getClass().getSimpleName());
        }
        if (token == null || token.isEmpty()) {
          throw new VaultException("token minter returned no token");
        }
        String folded = token.toLowerCase(Locale.ROOT);
        if (table.foldedTokens.contains(folded) || table.foldedValues.contains(folded)) {
          continue;
        }
        table.counters.put(type, ordinal);
        table.tokenByKey.put(key, token);
        table.valueByToken.put(token, value);
        table.typeByToken.put(token, type);
        table.foldedTokens.add(folded);
        table.foldedValues.add(value.toLowerCase(Locale.ROOT));
        table.anyTokenAnswers.replaceAll((test, any) -> any || test.test(token));
        for (TokenIndex index : table.indexes.values()) {
          index.add(token);
        }
        return token;
      }
      throw new VaultException("could not mint a unique token for a " + type + " value");
    }
  }

  @Override
  public Optional<String> reveal(Scope scope, String token) {
    ScopeTable table = scopes.getIfPresent(scope);
    if (table == null) {
      return Optional.empty();
    }
    synchronized (table) {
      return Optional.ofNullable(table.valueByToken.get(token));
    }
  }

  @Override
  public Map<String, String> entries(Scope scope) {
    ScopeTable table = scopes.getIfPresent(scope);
    if (table == null) {
      return Map.of();
    }
    synchronized (table) {
      return Map.copyOf(table.valueByToken);
    }
  }

  @Override
  public Map<String, EntityType> tokenTypes(Scope scope) {
    ScopeTable table = scopes.getIfPresent(scope);
    if (table == null) {
      return Map.of();
    }
    synchronized (table) {
      return Map.copyOf(table.typeByToken);
    }
  }

  /**
   * Tests the scope's tokens in place (no snapshot) once per predicate instance, then only tokens minted
   * since: constant time per call, where a scan per text cost O(texts x values) per conversation.
   */
  @Override
  public boolean anyToken(Scope scope, java.util.function.Predicate<String> test) {
    ScopeTable table = scopes.getIfPresent(scope);
    if (table == null) {
      return false;
    }
    synchronized (table) {
      Boolean known = table.anyTokenAnswers.get(test);
      if (known == null) {
        known = false;
        for (String token : table.valueByToken.keySet()) {
          if (test.test(token)) {
            known = true;
            break;
          }
        }
        table.anyTokenAnswers.put(test, known);
      }
      return known;
    }
  }

  /**
   * Keeps one index per scope and {@code newIndex} instance, fed each token as it is minted; the query runs
   * under the scope's lock (so it sees no half-made mint, and mints of the scope wait for it).
   */
  @Override
  public <I extends TokenIndex, R> R withTokenIndex(
      Scope scope, java.util.function.Supplier<I> newIndex, java.util.function.Function<? super I, R> query) {
    Objects.requireNonNull(newIndex, "newIndex");
    Objects.requireNonNull(query, "query");
    ScopeTable table = scopes.getIfPresent(scope);
    if (table == null) {
      return query.apply(newIndex.get());
    }
    synchronized (table) {
      TokenIndex index = table.indexes.get(newIndex);
      if (index == null) {
        I fresh = newIndex.get();
        table.valueByToken.keySet().forEach(fresh::add);
        table.indexes.put(newIndex, fresh);
        index = fresh;
      }
      @SuppressWarnings("unchecked") // stored under the supplier that made it
      I typed = (I) index;
      return query.apply(typed);
    }
  }

  @Override
  public void clear(Scope scope) {
    scopes.invalidate(scope);
  }

  /** Number of scopes currently held (approximate: expired scopes may still be counted). */
  public long scopeCount() {
    return scopes.estimatedSize();
  }

  @Override
  public String toString() {
    return "InMemoryTokenVault[scopes≈" + scopes.estimatedSize() + "]";
  }

  /** One scope's table; guarded by its own monitor. */
  private static final class ScopeTable {
    final Map<String, String> tokenByKey = new HashMap<>();
    final Map<String, String> valueByToken = new LinkedHashMap<>();
    final Map<String, EntityType> typeByToken = new HashMap<>();
    final Map<EntityType, Integer> counters = new HashMap<>();
    final Set<String> foldedTokens = new HashSet<>();
    final Set<String> foldedValues = new HashSet<>();
    /** {@link #anyToken} answers per predicate instance, kept current by every mint. */
    final Map<java.util.function.Predicate<String>, Boolean> anyTokenAnswers = new HashMap<>();
    /** {@link #withTokenIndex} indexes per supplier instance, fed every mint. */
    final Map<java.util.function.Supplier<?>, TokenIndex> indexes = new HashMap<>();

    @Override
    public String toString() {
      return "ScopeTable[" + valueByToken.size() + " entries]";
    }
  }

  /** Builds an {@link InMemoryTokenVault}. Not thread-safe. */
  public static final class Builder {
    private Duration ttl = Duration.ofHours(24);
    private long maxScopes = 100_000;
    private int maxEntriesPerScope = 10_000;
    private LongSupplier nanoClock = System::nanoTime;

    private Builder() {}

    /** How long a scope's entries live after the scope was last used; 24 hours by default. */
    public Builder ttl(Duration ttl) {
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("ttl must be positive");
      }
      this.ttl = ttl;
      return this;
    }

    /** The most scopes held at once; the least recently used go first. 100,000 by default. */
    public Builder maxScopes(long maxScopes) {
      if (maxScopes < 1) {
        throw new IllegalArgumentException("maxScopes must be at least 1");
      }
      this.maxScopes = maxScopes;
      return this;
    }

    /** The most values one scope holds; 10,000 by default. */
    public Builder maxEntriesPerScope(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxEntriesPerScope must be at least 1");
      }
      this.maxEntriesPerScope = max;
      return this;
    }

    /** The clock expiry is measured with, in nanoseconds; {@link System#nanoTime()} by default (tests). */
    public Builder clock(LongSupplier nanoClock) {
      this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
      return this;
    }

    public InMemoryTokenVault build() {
      return new InMemoryTokenVault(ttl, maxScopes, maxEntriesPerScope, nanoClock);
    }
  }
}
