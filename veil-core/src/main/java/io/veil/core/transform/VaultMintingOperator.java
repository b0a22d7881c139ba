package io.veil.core.transform;

import io.veil.core.EntityType;
import io.veil.core.VaultException;

/**
 * An operator whose replacement the vault keeps ({@code placeholder}, {@code surrogate}): the vault answers with the
 * replacement a value already has in the scope (compared by {@link ValueNormalizer#matchKey}), or records the one
 * {@link #mint} makes, so the same value keeps its replacement across every message and turn and the answer can be
 * restored. One place for that call and for the refusal without a vault, which the two operators must not do
 * differently.
 *
 * <p>Thread safety: as {@link Operator}; subclasses keep {@link #mint} thread-safe.
 *
 * <p>Failure: {@link VaultException} ("NAME needs a vault") when the context has no vault, so a policy that wants a
 * reversible replacement fails closed instead of leaving the value; the vault's own failures pass through.
 */
abstract class VaultMintingOperator implements Operator {

  @Override
  public final boolean reversible() {
    return true;
  }

  @Override
  public final String apply(OperatorContext ctx, EntityType type, String value) {
    if (ctx.irreversibleOnly()) {
      throw new VaultException(name() + " needs a vault");
    }
    // the minter runs only when the value has no replacement yet; ctx.lookup() folds the text once per text
    return ctx.vault().tokenize(ctx.scope(), type, ValueNormalizer.matchKey(type, value), value,
        ordinal -> mint(ctx, type, value, ordinal));
  }

  /**
   * A new replacement for {@code value}, which has none in the scope yet; {@code ordinal} is the vault's next number
   * for {@code type} in the scope.
   *
   * <p><b>Security:</b> never put {@code value} in an exception message or a log.
   */
  abstract String mint(OperatorContext ctx, EntityType type, String value, int ordinal);
}
