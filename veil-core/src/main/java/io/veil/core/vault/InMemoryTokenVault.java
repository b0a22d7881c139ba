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
 * <p>Units ({@link #tokenizeTogether}): as in the persistent vault, the values a unit mints get their tokens at
 * once and are visible to the unit's own reads ({@link #entries}, {@link #reveal}, {@link #tokenTypes},
 * {@link #anyToken}, {@link #withTokenIndex}), but are stored in the scope only when the unit's work returns; if
 * it throws (a request refused part-way), nothing it minted is kept. A nested unit joins the outer one. If
 * another thread stored one of the unit's values or tokens meanwhile, none is stored and the work runs again,
 * each value then stored at once; if the work throws in that run, what it stored stays (another thread may
 * already hold those tokens), as in the persistent vault.
 *
 * <p><b>Security:</b> values are held unencrypted in this JVM's heap; use the persistent, encrypted vault
 * for anything that outlives the process. Nothing here logs; exceptions carry no values. {@link #toString()}
 * prints only counts.
 */
public final class InMemoryTokenVault implements TokenVault {
  private static final int MAX_MINT_ATTEMPTS = 64;

  private final Cache<Scope, ScopeTable> scopes;
  private final int maxEntriesPerScope;
  /** The {@link #tokenizeTogether} call running on each thread, if any; {@link Unit#AT_ONCE} during a rerun. */
  private final ThreadLocal<Unit> units = new ThreadLocal<>();

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
    Unit unit = unitOn(scope);
    synchronized (table) {
      String key = type.name() + '\u0000' + matchKey;
      String existing = table.tokenByKey.get(key);
      if (existing == null && unit != null) {
        existing = unit.minted.tokenByKey.get(key);
      }
      if (existing != null) {
        return existing;
      }
      int held = table.valueByToken.size() + (unit == null ? 0 : unit.minted.valueByToken.size());
      if (held >= maxEntriesPerScope) {
        throw new VaultException("the scope holds the maximum of " + maxEntriesPerScope + " values");
      }
      int ordinal = Math.max(table.counters.getOrDefault(type, 0),
          unit == null ? 0 : unit.minted.counters.getOrDefault(type, 0)) + 1;
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
        if (table.collides(folded) || unit != null && unit.minted.collides(folded)) {
          continue;
        }
        if (unit != null) {
          unit.minted.add(key, type, ordinal, token, value); // stored when the unit's work returns
        } else {
          table.add(key, type, ordinal, token, value);
        }
        return token;
      }
      throw new VaultException("could not mint a unique token for a " + type + " value");
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: the unit's new values of {@code scope} are held apart from the scope (on this thread) and added
   * to it in one step, under the scope's lock, when {@code work} returns. Should another thread have stored
   * one of their values, tokens or (ignoring case) a token equal to one of their values meanwhile, none is
   * added and {@code work} runs once more with every value stored at once. If {@code work} throws, the unit's
   * values are dropped at once; if it throws when run once more, the values it stored then stay (another thread
   * may have been handed their tokens meanwhile). Tokenize calls for other scopes store at once; {@link #clear} of the unit's
   * scope inside {@code work} fails with IllegalStateException.
   */
  @Override
  public <T> T tokenizeTogether(Scope scope, java.util.function.Supplier<T> work) {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(work, "work");
    if (units.get() != null) {
      return work.get(); // nested: joins the running unit
    }
    Unit unit = new Unit(scope);
    units.set(unit);
    T result;
    boolean stored;
    try {
      result = work.get();
      stored = store(unit);
    } finally {
      units.remove(); // a refused request's values are dropped here, not kept until the scope expires
    }
    if (stored) {
      return result;
    }
    units.set(Unit.AT_ONCE);
    try {
      return work.get();
    } finally {
      units.remove();
    }
  }

  /** Adds a unit's mints to its scope, all or none; false when one of them collides with what is there now. */
  private boolean store(Unit unit) {
    ScopeTable mints = unit.minted;
    if (mints.valueByToken.isEmpty()) {
      return true;
    }
    ScopeTable table = scopes.get(unit.scope, s -> new ScopeTable());
    synchronized (table) {
      if (table.valueByToken.size() + mints.valueByToken.size() > maxEntriesPerScope) {
        return false; // the rerun stores one by one and fails where the scope is full
      }
      for (Map.Entry<String, String> e : mints.tokenByKey.entrySet()) {
        String token = e.getValue();
        String folded = token.toLowerCase(Locale.ROOT);
        if (table.tokenByKey.containsKey(e.getKey()) || table.collides(folded)) {
          return false;
        }
      }
      for (Map.Entry<String, String> e : mints.tokenByKey.entrySet()) {
        String token = e.getValue();
        EntityType type = mints.typeByToken.get(token);
        table.add(e.getKey(), type, mints.counters.get(type), token, mints.valueByToken.get(token));
      }
      return true;
    }
  }

  /** The unit running on this thread that defers the mints of {@code scope}, or null (store at once). */
  private Unit unitOn(Scope scope) {
    Unit unit = units.get();
    return unit != null && unit.scope != null && unit.scope.equals(scope) ? unit : null;
  }

  @Override
  public Optional<String> reveal(Scope scope, String token) {
    Unit unit = unitOn(scope);
    if (unit != null && unit.minted.valueByToken.containsKey(token)) {
      return Optional.of(unit.minted.valueByToken.get(token)); // minted by this thread's unit, not stored yet
    }
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
    return withUnitsMints(scope, t -> t.valueByToken);
  }

  /** The scope's map {@code part}, with this thread's unit's mints in the scope added (inside tokenizeTogether). */
  private <V> Map<String, V> withUnitsMints(Scope scope, Function<ScopeTable, Map<String, V>> part) {
    Unit unit = unitOn(scope);
    ScopeTable table = scopes.getIfPresent(scope);
    Map<String, V> stored;
    if (table == null) {
      stored = Map.of();
    } else {
      synchronized (table) {
        stored = unit == null || unit.minted.valueByToken.isEmpty() ? Map.copyOf(part.apply(table))
            : new HashMap<>(part.apply(table));
      }
    }
    if (unit == null || unit.minted.valueByToken.isEmpty()) {
      return stored;
    }
    Map<String, V> all = stored.isEmpty() ? new HashMap<>() : stored;
    all.putAll(part.apply(unit.minted));
    return Map.copyOf(all);
  }

  @Override
  public Map<String, EntityType> tokenTypes(Scope scope) {
    return withUnitsMints(scope, t -> t.typeByToken);
  }

  /**
   * Tests the scope's tokens in place (no snapshot) once per predicate instance, then only tokens minted
   * since: constant time per call, where a scan per text cost O(texts x values) per conversation.
   */
  @Override
  public boolean anyToken(Scope scope, java.util.function.Predicate<String> test) {
    Unit unit = unitOn(scope);
    if (unit != null && unit.minted.valueByToken.keySet().stream().anyMatch(test)) {
      return true;
    }
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
    Unit unit = unitOn(scope);
    if (unit != null && !unit.minted.valueByToken.isEmpty()) {
      // the unit's mints must not reach the shared index before they are stored: a fresh one, as the SPI does
      return TokenVault.super.withTokenIndex(scope, newIndex, query);
    }
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
    if (unitOn(scope) != null) {
      throw new IllegalStateException("a scope cannot be cleared inside tokenizeTogether");
    }
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

    /** True if {@code folded} (a token in lower case) is a token or a value of this table, ignoring case. */
    boolean collides(String folded) {
      return foldedTokens.contains(folded) || foldedValues.contains(folded);
    }

    /** Adds one minted value; the type's counter rises to {@code ordinal}; caches and indexes learn the token. */
    void add(String key, EntityType type, int ordinal, String token, String value) {
      counters.merge(type, ordinal, Math::max);
      tokenByKey.put(key, token);
      valueByToken.put(token, value);
      typeByToken.put(token, type);
      foldedTokens.add(token.toLowerCase(Locale.ROOT));
      foldedValues.add(value.toLowerCase(Locale.ROOT));
      anyTokenAnswers.replaceAll((test, any) -> any || test.test(token));
      for (TokenIndex index : indexes.values()) {
        index.add(token);
      }
    }

    @Override
    public String toString() {
      return "ScopeTable[" + valueByToken.size() + " entries]";
    }
  }

  /**
   * One {@link #tokenizeTogether} call on one thread: its scope and the values it minted there, not stored yet
   * (a table of their own, never shared). {@link #AT_ONCE}: the rerun after a conflict, which stores at once.
   * <b>Security:</b> holds values; dropped when the call returns or throws.
   */
  private static final class Unit {
    static final Unit AT_ONCE = new Unit(null);
    final Scope scope;
    final ScopeTable minted = new ScopeTable();

    Unit(Scope scope) {
      this.scope = scope;
    }

    @Override
    public String toString() {
      return "Unit[" + minted + "]";
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
