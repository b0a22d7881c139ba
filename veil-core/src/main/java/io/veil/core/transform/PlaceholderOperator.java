package io.veil.core.transform;

import io.veil.core.EntityType;
import io.veil.core.VaultException;
import java.util.Locale;

/**
 * {@code <PERSON_1>}, {@code <EMAIL_2>}: numbered per type, once per scope, so a value keeps its token
 * across every message and turn of a conversation. Skips numbers whose token already stands in the text.
 */
final class PlaceholderOperator implements Operator {
  static final String NAME = "placeholder";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean reversible() {
    return true;
  }

  @Override
  public String apply(OperatorContext ctx, EntityType type, String value) {
    if (ctx.irreversibleOnly()) {
      throw new VaultException("placeholder needs a vault");
    }
    String folded = ctx.text().toLowerCase(Locale.ROOT);
    return ctx.vault().tokenize(ctx.scope(), type, ValueNormalizer.matchKey(type, value), value, ordinal -> {
      int n = ordinal;
      while (folded.contains(token(type, n).toLowerCase(Locale.ROOT))) {
        n++;
      }
      return token(type, n);
    });
  }

  static String token(EntityType type, int n) {
    return "<" + type.name() + "_" + n + ">";
  }
}
