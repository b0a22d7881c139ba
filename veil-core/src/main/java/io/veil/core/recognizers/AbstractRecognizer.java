package io.veil.core.recognizers;

import io.veil.core.EntityType;
import io.veil.core.Recognizer;
import io.veil.core.TextTraits;
import io.veil.core.Trigger;
import java.util.Set;

/** Name, types and context words of a built-in recognizer. */
abstract class AbstractRecognizer implements Recognizer {
  private final String name;
  private final Set<EntityType> types;
  private final Set<String> contextWords;

  AbstractRecognizer(String name, Set<EntityType> types, Set<String> contextWords) {
    this.name = name;
    this.types = Set.copyOf(types);
    this.contextWords = Set.copyOf(contextWords);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final Set<EntityType> entityTypes() {
    return types;
  }

  @Override
  public final Set<String> contextWords() {
    return contextWords;
  }

  /**
   * {@link Trigger#ALWAYS} unless a subclass states a narrower trigger; the analyzer reads it once and
   * tests it per text instead of calling {@link #mayFind(TextTraits)}.
   */
  @Override
  public Trigger trigger() {
    return Trigger.ALWAYS;
  }

  /** {@code trigger().test(traits)}, so that the analyzer's path and a direct call agree. */
  @Override
  public final boolean mayFind(TextTraits traits) {
    return trigger().test(traits);
  }

  /**
   * Rejects traits that cannot be those of {@code text} (a different length), so that a caller's mix-up
   * fails loudly instead of hiding findings; the message carries no part of the text.
   */
  static TextTraits checked(String text, TextTraits traits) {
    if (traits.length() != text.length()) {
      throw new IllegalArgumentException("text traits do not belong to this text");
    }
    return traits;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + name + "]";
  }
}
