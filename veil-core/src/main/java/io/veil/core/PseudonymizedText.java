package io.veil.core;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A text with its personal data replaced, and where each replacement stands.
 *
 * <p><b>Security:</b> {@link #text()} is what is forwarded: it holds no value that was replaced, but every value
 * detection missed is still in it, so it is request text and stays out of logs, errors and metrics;
 * {@link #toString()} prints only its length and the counts by type.
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

  /** The text's length and the replacement counts by type, never the text. */
  @Override
  public String toString() {
    return "PseudonymizedText[length=" + text.length() + ", replaced=" + countsByType() + "]";
  }
}
