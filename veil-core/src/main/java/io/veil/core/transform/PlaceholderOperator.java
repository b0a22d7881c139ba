package io.veil.core.transform;

import io.veil.core.EntityType;
import java.util.Locale;

/**
 * {@code <PERSON_1>}, {@code <EMAIL_2>}: numbered per type, once per scope, so a value keeps its token
 * across every message and turn of a conversation. Skips numbers whose token already stands in the text
 * (in any spelling restore accepts), so restoring the output gives back exactly the input.
 */
final class PlaceholderOperator extends VaultMintingOperator {
  static final String NAME = "placeholder";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  String mint(OperatorContext ctx, EntityType type, String value, int ordinal) {
    // type names are ASCII, so folding the prefix alone equals folding prefix + digits
    String bare = (type.name() + "_").toLowerCase(Locale.ROOT);
    String escaped = (type.name().replace("_", "\\_") + "\\_").toLowerCase(Locale.ROOT);
    int n = ordinal;
    // the bare form covers <T_n>, T_n, and escaped spellings restore would also accept
    while (ctx.lookup().containsOrdinal(bare, n) || ctx.lookup().containsOrdinal(escaped, n)) {
      n++;
    }
    return token(type, n);
  }

  static String token(EntityType type, int n) {
    return "<" + type.name() + "_" + n + ">";
  }
}
