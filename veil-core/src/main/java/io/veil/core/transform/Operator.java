package io.veil.core.transform;

import io.veil.core.EntityType;

/**
 * Replaces one detected value. The built-in operators ({@code placeholder}, {@code surrogate},
 * {@code redact}, {@code mask}, {@code hash}, {@code encrypt}, {@code keep}) come from
 * {@link Operators#create}.
 *
 * <p>Implementations must be thread-safe and deterministic per scope where they are
 * {@linkplain #reversible() reversible} (the same value gets the same replacement, through the vault).
 *
 * <p><b>Security:</b> an operator must not log the value or put it in an exception message.
 */
public interface Operator {

  /** The operator's name as written in policies ("placeholder", "mask", ...). */
  String name();

  /** True if {@code Veil.restore} can bring the value back (the replacement is in the vault). */
  boolean reversible();

  /**
   * Returns the text that replaces {@code value}.
   *
   * @throws io.veil.core.VaultException when the vault cannot record the replacement
   */
  String apply(OperatorContext context, EntityType type, String value);
}
