package io.veil.core;

/**
 * Restores original values in a text that arrives in pieces (a streamed model answer). Each
 * {@link #push} returns the restored text that can safely leave now; only a tail that could still be
 * the beginning of a token is held back. {@link #finish} returns whatever is held.
 *
 * <p>For any text and any way of cutting it into chunks, the concatenation of all returned pieces
 * equals {@link Veil#restore} of the whole text.
 *
 * <p>Thread safety: not thread-safe; one instance per stream. Memory is bounded by the longest token
 * or surrogate in the scope, whatever the stream's length.
 */
public interface StreamingRestorer {

  /** Accepts the next chunk and returns the restored text that is safe to emit (possibly empty). */
  String push(CharSequence chunk);

  /** Ends the stream and returns the held-back tail, restored. */
  String finish();
}
