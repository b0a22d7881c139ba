package io.veil.core;

import io.veil.core.ner.GazetteerNerEngine;
import io.veil.core.recognizers.BuiltInRecognizers;

/**
 * What to detect and what to do with it: the operator and score threshold per entity type,
 * allow- and deny-lists, custom patterns. Loaded from YAML.
 *
 * <p>Thread safety: immutable.
 */
public final class Policy {
  private Policy() {}

  /** The safe default policy: every built-in type detected and replaced by a placeholder token. */
  public static Policy defaults() {
    return new Policy();
  }

  /** A new analyzer with the built-in recognizers, the default NER engine and this policy's settings. */
  public Analyzer newAnalyzer() {
    return Analyzer.builder()
        .addRecognizers(BuiltInRecognizers.all())
        .addRecognizer(GazetteerNerEngine.load())
        .build();
  }
}
