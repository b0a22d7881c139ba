package io.veil.core.recognizers;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.TextTraits;
import java.util.List;
import java.util.Set;

/**
 * A built-in recognizer that scans with the {@link TextTraits} the analyzer computes once per text (word
 * starts, character counts); called on its own, it computes them itself.
 *
 * <p>Thread safety: stateless like every built-in; subclasses keep no per-call state in fields.
 */
abstract class TraitScanningRecognizer extends AbstractRecognizer {

  TraitScanningRecognizer(String name, Set<EntityType> types, Set<String> contextWords) {
    super(name, types, contextWords);
  }

  @Override
  public final List<Finding> analyze(String text, String language) {
    return analyze(text, language, TextTraits.of(text));
  }

  /** Finds this recognizer's entities in {@code text}, whose traits are {@code traits} (checked). */
  @Override
  public abstract List<Finding> analyze(String text, String language, TextTraits traits);
}
