package io.veil.core;

import java.util.Map;

/**
 * A {@link java.util.ServiceLoader} entry point through which an optional module offers a
 * {@link NerEngine} under a name ("gazetteer", "corenlp", "onnx", ...).
 */
public interface NerEngineProvider {

  /** The name operators use to select this engine in configuration and on the command line. */
  String name();

  /**
   * Creates the engine.
   *
   * @param options engine-specific settings from configuration (for example a model path)
   * @throws IllegalStateException if the engine cannot be created; the message names what is missing
   */
  NerEngine create(Map<String, String> options);
}
