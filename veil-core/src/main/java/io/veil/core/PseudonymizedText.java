package io.veil.core;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A text with its personal data replaced, and where each replacement stands.
 *
 * <p><b>Security:</b> {@link #text()} is safe to forward; nothing here holds an original value.
 *
 * @param text the transformed text
 * @param replacements the replacements, sorted by position
 */
public record PseudonymizedText(String text, List<Replacement> replacements) {
  public PseudonymizedText {
    replacements = List.copyOf(replacements);
  }

  /** True if anything was replaced. */
  public boolean changed() {
    return !replacements.isEmpty();
  }

  /** How many values of each type were replaced, by type name order. */
  public Map<EntityType, Integer> countsByType() {
    Map<EntityType, Integer> counts = new TreeMap<>();
    for (Replacement r : replacements) {
      counts.merge(r.type(), 1, Integer::sum);
    }
    return counts;
  }
}
