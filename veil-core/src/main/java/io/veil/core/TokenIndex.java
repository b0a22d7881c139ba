package io.veil.core;

/**
 * A derived view of one scope's tokens that a {@link TokenVault} keeps current as tokens are minted, so a
 * caller can ask a question about all of a scope's tokens without a snapshot of the scope per question
 * (see {@link TokenVault#withTokenIndex}). The vault feeds it every token of the scope (placeholders,
 * surrogates, encrypted tokens and internal marks alike), each once, in no promised order.
 *
 * <p>Thread safety: an index need not be thread-safe; the vault calls {@link #add} and the query on it
 * one at a time (the in-memory vault under the scope's lock, a JDBC batch on its own thread).
 *
 * <p>Failure: {@link #add} must not throw; it runs inside the vault's mint.
 *
 * <p><b>Security:</b> an index sees tokens (surrogates are realistic-looking data), never original values;
 * implementations must not log them or print them in {@code toString()}.
 */
public interface TokenIndex {
  /** Records one token of the scope. */
  void add(String token);
}
