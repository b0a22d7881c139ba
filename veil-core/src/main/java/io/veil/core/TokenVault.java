package io.veil.core;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Holds the mapping between original values and the tokens (or surrogates) that replaced them,
 * per {@link Scope}. The in-memory implementation lives in this module; a persistent, encrypted one
 * in {@code veil-store}.
 *
 * <p>Contract: within one scope, the same (type, value) always maps to the same token, and one token
 * maps to exactly one value; scopes never see each other's entries. Entries expire after the vault's
 * retention.
 *
 * <p>Thread safety: implementations must be safe for concurrent use, including concurrent
 * {@link #tokenize} calls for the same value, which must agree on one token.
 *
 * <p>Failure: implementations throw {@link VaultException} when they cannot read or write; callers
 * fail closed. <b>Security:</b> no method may log values; exceptions carry no values.
 */
public interface TokenVault {

  /**
   * Returns the token for {@code value} in {@code scope}, minting one with {@code minter} if there is
   * none yet. The minter receives the 1-based ordinal of this type in the scope (for {@code <PERSON_3>})
   * and must return a token not used in the scope.
   */
  String tokenize(Scope scope, EntityType type, String value, Function<Integer, String> minter);

  /**
   * As {@link #tokenize(Scope, EntityType, String, Function)}, but values are compared by
   * {@code matchKey} (a normalised form of the value, such as an email in lower case or a card
   * number's digits), while {@link #reveal} returns the {@code value} of the first call that minted
   * the token, so a token restores to the text the user actually wrote.
   *
   * <p>The default implementation ignores {@code matchKey} and compares exact values; vaults should
   * override it.
   */
  default String tokenize(
      Scope scope, EntityType type, String matchKey, String value, Function<Integer, String> minter) {
    return tokenize(scope, type, value, minter);
  }

  /** The original value of {@code token} in {@code scope}, if the vault still holds it. */
  Optional<String> reveal(Scope scope, String token);

  /** A snapshot of every token → value of the scope, for restoring. */
  Map<String, String> entries(Scope scope);

  /**
   * The type of every token of the scope, where the vault knows it (a snapshot). Restore uses it to
   * recognise the parts of a surrogate name; the default implementation knows none.
   */
  default Map<String, EntityType> tokenTypes(Scope scope) {
    return Map.of();
  }

  /**
   * Whether some token of the scope satisfies {@code test}. Lets a caller skip work that only tokens of
   * one kind need (the collision check of pseudonymization needs surrogates) without a snapshot of the
   * scope's entries per text. May answer from tokens as current as those {@link #entries} would give (a
   * vault may include expired tokens: callers use it to decide whether to look closer). {@code test} must
   * be a pure function of the token, and callers should pass one constant instance: a vault may remember
   * the answer per instance and test only tokens minted since. The default implementation tests the
   * tokens of {@link #entries}.
   */
  default boolean anyToken(Scope scope, java.util.function.Predicate<String> test) {
    return entries(scope).keySet().stream().anyMatch(test);
  }

  /**
   * Answers {@code query} over an index of the scope's tokens. A vault may keep one index per scope and
   * {@code newIndex} instance, built once from the scope's tokens and then fed each token minted since, so
   * that a question per text costs no snapshot of the scope (callers should pass one constant
   * {@code newIndex} instance). Like {@link #anyToken}, the tokens may be as current as those
   * {@link #entries} would give and may include expired ones: use it to decide whether to look closer.
   * The index must not be used after {@code query} returns. The default implementation builds a fresh
   * index from {@link #entries} for every call.
   */
  default <I extends TokenIndex, R> R withTokenIndex(
      Scope scope, java.util.function.Supplier<I> newIndex, java.util.function.Function<? super I, R> query) {
    I index = newIndex.get();
    entries(scope).keySet().forEach(index::add);
    return query.apply(index);
  }

  /**
   * Runs {@code work}, which tokenizes values of {@code scope} and may read them back ({@link #entries},
   * {@link #reveal} answer with the values minted so far included) but does not {@link #clear} the scope,
   * and returns its result. A vault may hand out the
   * tokens of new values at once but store them only when {@code work} returns, all together (one write
   * instead of one per value). Either every token {@code work} was given is stored when this method
   * returns, or none is and {@code work} runs again (so it must have no effect other than its vault calls,
   * and must not let a token out before it returns): a vault that cannot store them all as minted (another
   * writer minted one of the values or tokens meanwhile) stores none and runs {@code work} once more, storing
   * each new value at once. If {@code work} throws, the exception propagates; nothing it minted in a run that
   * deferred its values is kept, but what a run that stored each value at once stored stays, like any stored
   * value: other requests of the scope may already have been handed those tokens, and a vault cannot tell
   * which (every implementation follows this rule; see {@code RefusedRequestVaultTest}).
   *
   * <p>The default implementation runs {@code work} once; every {@link #tokenize} stores at once.
   *
   * <p><b>Security:</b> a token must not leave the process (upstream, client, log) before this method
   * returns it (inside the result of {@code work}): until then it may not be stored and may not restore.
   */
  default <T> T tokenizeTogether(Scope scope, java.util.function.Supplier<T> work) {
    java.util.Objects.requireNonNull(scope, "scope");
    return work.get();
  }

  /** Forgets everything held for the scope. */
  void clear(Scope scope);
}
