package io.veil.core.recognizers;

import io.veil.core.EntityType;
import io.veil.core.Trigger;
import java.util.Set;

/**
 * A trait-scanning recognizer whose every finding holds ASCII digits: the analyzer skips it for texts
 * without digits, and, with a minimum above zero, for texts with fewer ASCII digits than the shortest value
 * it can report.
 */
abstract class DigitRunRecognizer extends TraitScanningRecognizer {
  private final Trigger trigger;

  /**
   * @param minAsciiDigits the fewest ASCII digits a reported value has (0: no gate beyond "has a digit")
   */
  DigitRunRecognizer(String name, Set<EntityType> types, Set<String> contextWords, int minAsciiDigits) {
    super(name, types, contextWords);
    this.trigger = Trigger.minAsciiDigits(minAsciiDigits);
  }

  /** True: every finding contains an ASCII digit. */
  @Override
  public final boolean findingsContainDigit() {
    return true;
  }

  /** Skipped unless the text has at least the minimum number of ASCII digits. */
  @Override
  public final Trigger trigger() {
    return trigger;
  }
}
