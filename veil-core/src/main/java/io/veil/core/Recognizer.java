package io.veil.core;

import java.util.List;
import java.util.Set;

/**
 * Finds one or more kinds of personal data in a text. Presidio's shape: a recognizer proposes
 * scored {@link Finding}s; the {@link Analyzer} applies context, thresholds, allow/deny lists and
 * overlap resolution.
 *
 * <p>Implementations must be thread-safe (one instance serves every request), must not keep
 * references to the texts they see, and must run in time linear in the text length: no
 * backtracking regular expression over unbounded input.
 *
 * <p>Failure: an exception thrown from {@link #analyze} fails the whole analysis (fail closed);
 * it must not carry any part of the text in its message.
 */
public interface Recognizer {

  /** A stable name, used in findings, explanations and metrics. */
  String name();

  /** The types this recognizer can produce. */
  Set<EntityType> entityTypes();

  /**
   * Returns the findings in {@code text}, in any order.
   *
   * @param text the text to analyse, never null
   * @param language an ISO 639-1 code such as "en", or null when unknown
   */
  List<Finding> analyze(String text, String language);

  /**
   * {@link #analyze(String, String)} with the text's {@link TextTraits}, which the {@link Analyzer}
   * computes once per text for all its recognizers: a recognizer that overrides this method may use
   * them (word positions, digit counts) instead of walking the text again. The result must equal
   * {@code analyze(text, language)}. By default it calls {@code analyze(text, language)}.
   *
   * <p><b>Security:</b> {@code traits} must be {@code TextTraits.of(text)} for this very text; traits of
   * another text make a recognizer look in the wrong places and miss values. Built-in recognizers
   * reject traits whose length differs from the text's.
   *
   * @param traits {@code TextTraits.of(text)}
   */
  default List<Finding> analyze(String text, String language, TextTraits traits) {
    return analyze(text, language);
  }

  /**
   * Words that, when they appear shortly before (or after) a finding of this recognizer, make it
   * more likely to be real ("card", "iban", "ssn"). Lower-case. The analyzer raises the score of such
   * findings; empty by default. The analyzer reads this once, when it is built, so the set must not
   * change afterwards.
   */
  default Set<String> contextWords() {
    return Set.of();
  }

  /**
   * True if every finding of this recognizer contains an ASCII digit ({@code '0'}-{@code '9'}) for every
   * input. The analyzer then skips the recognizer for texts without one (about half of all short
   * prompts), after testing the text for digits once for all such recognizers. Return true only if it
   * holds without exception: a wrong true hides findings. False by default. Read once when the analyzer
   * is built.
   */
  default boolean findingsContainDigit() {
    return false;
  }

  /**
   * False if this recognizer cannot report anything in any text with these {@code traits} (computed
   * once per text by the analyzer, for all recognizers), so that the analyzer may skip it: e.g. an
   * e-mail recognizer needs an '@' ({@code traits.mayContain('@')}), a card number 12 digits. Return
   * false only if that holds without exception for every text: a wrong false hides findings. True by
   * default. Must be fast, thread-safe and free of side effects.
   */
  default boolean mayFind(TextTraits traits) {
    return true;
  }

  /**
   * This recognizer's trigger as data, or null (the default) if it has none. An {@link Analyzer} reads
   * it once, when it is built; for a recognizer with a trigger it then tests {@link Trigger#test} per
   * text (a few comparisons and bit tests) <em>instead of</em> calling {@link #mayFind(TextTraits)}; for
   * one without, it calls {@code mayFind}. A recognizer that returns a trigger should answer
   * {@code mayFind(traits)} with {@code trigger().test(traits)}, so that both paths agree.
   *
   * <p><b>Security:</b> the same rule as for {@code mayFind}: the trigger must hold for every text in
   * which this recognizer can report anything, or the analyzer hides findings. Must return the same
   * trigger on every call.
   */
  default Trigger trigger() {
    return null;
  }
}
