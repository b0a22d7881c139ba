package io.veil.core.transform;

import io.veil.core.EntityType;
import io.veil.core.VaultException;
import java.util.Locale;

/**
 * Replaces a value by a realistic fake of the same kind and format ({@link Surrogates}), recorded in the
 * vault so the same value keeps its surrogate in the scope and the answer can be restored.
 *
 * <p>A surrogate never occurs in the text being transformed (no word of a surrogate name does either, nor
 * a name in a surrogate e-mail's local part: {@code li.chen@example.org} is not minted for a text that says
 * "Li"), and the vault rejects one equal to a value or token already held in the scope.
 */
final class SurrogateOperator extends VaultMintingOperator {
  static final String NAME = "surrogate";
  private static final int ATTEMPTS = 32;
  private final Surrogates surrogates;

  SurrogateOperator(Surrogates surrogates) {
    this.surrogates = surrogates;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  String mint(OperatorContext ctx, EntityType type, String value, int ordinal) {
    for (int i = 0; i < ATTEMPTS; i++) {
      String s = surrogates.generate(type, value);
      if (!clashes(type, s, value, ctx.lookup())) {
        return s;
      }
    }
    throw new VaultException("no surrogate found that does not clash with the text");
  }

  private static boolean clashes(EntityType type, String surrogate, String value, TextLookup text) {
    String s = surrogate.toLowerCase(Locale.ROOT);
    if (s.equals(value.toLowerCase(Locale.ROOT)) || text.contains(s)) {
      return true;
    }
    // a name part is a word of its own; so is each name in an e-mail's local part (first.last42): the model
    // and the reader see "li" in li.chen@example.org, and the text's own "Li" was just replaced by something else
    boolean email = EntityType.EMAIL.equals(type);
    String words = email ? s.substring(0, Math.max(0, s.indexOf('@'))) : s;
    for (String word : words.split(email ? "[^\\p{L}\\p{M}]+" : "\\s+")) {
      if (word.length() > 1 && text.containsWord(word)) {
        return true;
      }
    }
    return false;
  }
}
