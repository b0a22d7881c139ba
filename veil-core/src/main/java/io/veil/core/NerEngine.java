package io.veil.core;

/**
 * A named-entity recognizer for the kinds of personal data that no pattern finds: people, places
 * and organizations. Engines are pluggable (the built-in gazetteer engine, a trained statistical
 * model, optional CoreNLP or ONNX back-ends) and are found through {@link java.util.ServiceLoader}
 * by {@link NerEngineProvider} when they live in another module.
 *
 * <p>Same contract as {@link Recognizer}: thread-safe, linear time, no text in exceptions.
 */
public interface NerEngine extends Recognizer {

  /** The languages this engine was built for (ISO 639-1); empty means any. */
  default java.util.Set<String> languages() {
    return java.util.Set.of();
  }
}
