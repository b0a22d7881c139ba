package io.veil.core.transform;

import io.veil.core.Scope;
import io.veil.core.TokenVault;
import io.veil.core.keys.VeilKeys;
import java.util.Objects;

/**
 * What an {@link Operator} may use while it replaces a value of one text.
 *
 * <p><b>Security:</b> holds the whole original text (so that surrogates can avoid values that occur in
 * it); {@link #toString()} prints neither the text nor the scope's conversation.
 *
 * @param tenant the tenant (keys the hashes)
 * @param scope the conversation scope, or null when anonymizing (nothing may then be stored)
 * @param vault the vault of the scope, or null when anonymizing
 * @param keys the keys for hash and encrypt
 * @param text the whole text being transformed
 * @param lookup lookups over {@code text} shared by every value minted in it (built lazily, once per text)
 */
public record OperatorContext(String tenant, Scope scope, TokenVault vault, VeilKeys keys, String text,
                              TextLookup lookup) {
  public OperatorContext {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(lookup, "lookup");
    if ((scope == null) != (vault == null)) {
      throw new IllegalArgumentException("scope and vault go together");
    }
  }

  /** A context with fresh lookups over {@code text}; not shareable between threads (see {@link TextLookup}). */
  public OperatorContext(String tenant, Scope scope, TokenVault vault, VeilKeys keys, String text) {
    this(tenant, scope, vault, keys, text, new TextLookup(text));
  }

  /** True when nothing may be stored (anonymization). */
  public boolean irreversibleOnly() {
    return vault == null;
  }

  @Override
  public String toString() {
    return "OperatorContext[tenant-length=" + tenant.length() + ", text-length=" + text.length()
        + ", reversible=" + !irreversibleOnly() + "]";
  }
}
