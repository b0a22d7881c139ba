package io.veil.core.transform;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.PseudonymizedText;
import io.veil.core.Replacement;
import io.veil.core.Scope;
import io.veil.core.TokenVault;
import io.veil.core.keys.VeilKeys;
import java.util.ArrayList;
import io.veil.core.RestoreFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Applies operators to the findings of a text. Used by {@code Veil}; usable alone with findings from any
 * analyzer.
 *
 * <p>Thread safety: immutable and thread-safe.
 *
 * <p>Failure: a vault failure propagates as {@link io.veil.core.VaultException}; nothing is returned
 * half-transformed.
 */
public final class Transformer {
  private static final EntityType RETIRED = EntityType.of("VEIL_RETIRED");
  /** One instance, so that a vault may remember {@link TokenVault#anyToken} answers for it. */
  private static final java.util.function.Predicate<String> MAY_BE_RETIRABLE = RestoreIndex::mayBeRetirable;
  /** One instance, so that a vault may keep one {@link RetirableWords} per scope, fed by its mints. */
  private static final java.util.function.Supplier<RetirableWords> RETIRABLE_WORDS = RetirableWords::new;
  private final Function<EntityType, Operator> operatorFor;
  private final TokenVault vault;
  private final VeilKeys keys;
  private final RestorerCache restorers;

  private Transformer(Function<EntityType, Operator> operatorFor, TokenVault vault, VeilKeys keys,
                      RestorerCache restorers) {
    this.operatorFor = Objects.requireNonNull(operatorFor, "operatorFor");
    this.vault = Objects.requireNonNull(vault, "vault");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.restorers = Objects.requireNonNull(restorers, "restorers");
  }

  public static Transformer of(Function<EntityType, Operator> operatorFor, TokenVault vault, VeilKeys keys) {
    return of(operatorFor, vault, keys, new RestorerCache(1024));
  }

  /** As {@link #of(Function, TokenVault, VeilKeys)}, sharing a restorer cache with the caller. */
  public static Transformer of(Function<EntityType, Operator> operatorFor, TokenVault vault, VeilKeys keys,
                               RestorerCache restorers) {
    return new Transformer(operatorFor, vault, keys, restorers);
  }

  /**
   * Replaces each finding reversibly where its operator is reversible, recording tokens in the vault.
   *
   * @param findings non-overlapping findings (as {@link io.veil.core.Analyzer} returns them)
   */
  public PseudonymizedText pseudonymize(Scope scope, String text, List<Finding> findings) {
    retireCollisions(scope, text, findings);
    // the text's new values are stored together when it is done (one write per text, not per value); the
    // text leaves this method only after they are stored, and is transformed again if they could not be
    return vault.tokenizeTogether(scope,
        () -> apply(new OperatorContext(scope.tenant(), scope, vault, keys, text), findings, false));
  }

  /**
   * A surrogate minted in an earlier turn may equal text this turn really contains but that is not
   * replaced (an undetected "Von", a house number): restore would rewrite that real text. Such a
   * surrogate (or surrogate-name part) is retired in the scope — recorded in the vault under
   * {@link RestoreIndex#RETIRED_PREFIX} — and no longer restored. Placeholders are never retired.
   */
  private void retireCollisions(Scope scope, String text, List<Finding> findings) {
    // only surrogates can be retired: a scope without any (placeholders only, the default) has no
    // collision, and building its restore index for every text cost O(texts x values) per conversation
    if (!vault.anyToken(scope, MAY_BE_RETIRABLE)) {
      return;
    }
    // the whole restore index costs O(values) to build: build it only if a surrogate may occur in the text
    if (!vault.withTokenIndex(scope, RETIRABLE_WORDS, words -> words.mayOccurIn(text))) {
      return;
    }
    Restorer restorer = restorers.restorer(vault, scope, RestoreFormat.TEXT);
    for (String key : restorer.collisions(text, findings)) {
      vault.tokenize(scope, RETIRED, key, "", n -> RestoreIndex.RETIRED_PREFIX + key);
    }
  }

  /** Replaces each finding irreversibly: reversible operators become {@code hash}; nothing is stored. */
  public PseudonymizedText anonymize(String tenant, String text, List<Finding> findings) {
    return apply(new OperatorContext(tenant, null, null, keys, text), findings, true);
  }

  private PseudonymizedText apply(OperatorContext ctx, List<Finding> findings, boolean irreversible) {
    String text = ctx.text();
    List<Finding> sorted = new ArrayList<>(findings);
    sorted.sort((a, b) -> Integer.compare(a.start(), b.start()));
    StringBuilder out = new StringBuilder(text.length() + 16 * sorted.size());
    List<Replacement> replacements = new ArrayList<>(sorted.size());
    int at = 0;
    for (Finding f : sorted) {
      if (f.start() < at || f.end() > text.length()) {
        throw new IllegalArgumentException("findings overlap or lie outside the text");
      }
      Operator op = Objects.requireNonNull(operatorFor.apply(f.type()), "no operator for a type");
      if (irreversible) {
        op = Operators.irreversible(op);
      }
      out.append(text, at, f.start());
      String value = text.substring(f.start(), f.end());
      String replacement = op.apply(ctx, f.type(), value);
      if (!op.name().equals(KeepOperator.NAME)) {
        replacements.add(new Replacement(out.length(), out.length() + replacement.length(), f.type(), op.name()));
      }
      out.append(replacement);
      at = f.end();
    }
    out.append(text, at, text.length());
    return new PseudonymizedText(out.toString(), replacements);
  }

  @Override
  public String toString() {
    return "Transformer[vault=" + vault.getClass().getSimpleName() + "]";
  }
}
