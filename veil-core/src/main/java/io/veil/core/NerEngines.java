package io.veil.core;

import io.veil.core.ner.GazetteerNerEngine;
import io.veil.core.ner.ModelNerEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Finds a {@link NerEngine} by the name a policy ({@code ner:}) or the command line
 * ({@code veil eval --ner}) gives:
 * <ul>
 *   <li>{@code model} (the default): the bundled trained model combined with the rule layer
 *       ({@link ModelNerEngine});</li>
 *   <li>{@code model-union}: the same, plus rule-layer findings the model did not overlap (more recall,
 *       less precision);</li>
 *   <li>{@code gazetteer}: the rule layer alone ({@link GazetteerNerEngine}): name lists, GeoNames, cues;</li>
 *   <li>{@code none}: no NER engine (patterns only: no names, places, organizations or addresses);</li>
 *   <li>any other name: a {@link NerEngineProvider} found by {@link ServiceLoader} (optional modules such
 *       as CoreNLP or ONNX back-ends, installed by the operator).</li>
 * </ul>
 *
 * <p>Thread safety: stateless; built-in engines are shared singletons.
 */
public final class NerEngines {
  /** The engine a policy gets when it names none. */
  public static final String DEFAULT = "model";
  private static final List<String> BUILT_IN = List.of("model", "model-union", "gazetteer", "none");

  private NerEngines() {}

  /**
   * The engine called {@code name}, or null for {@code none}.
   *
   * @throws IllegalArgumentException if no engine has that name (the message lists the known ones)
   * @throws IllegalStateException if the engine exists but cannot be loaded
   */
  public static NerEngine byName(String name) {
    return byName(name, Map.of());
  }

  /** As {@link #byName(String)}, passing {@code options} to a provider's engine. */
  public static NerEngine byName(String name, Map<String, String> options) {
    switch (name) {
      case "model":
        return ModelNerEngine.load();
      case "model-union":
        return ModelNerEngine.load(ModelNerEngine.Mode.UNION);
      case "gazetteer":
        return GazetteerNerEngine.load();
      case "none":
        return null;
      default:
        for (NerEngineProvider p : ServiceLoader.load(NerEngineProvider.class)) {
          if (p.name().equals(name)) {
            return p.create(options);
          }
        }
        throw new IllegalArgumentException("unknown NER engine '" + safe(name) + "'; known: " + String.join(", ", names())
            + "; " + pluginHint());
    }
  }

  /** True if {@link #byName} knows {@code name} (without loading it). */
  public static boolean exists(String name) {
    return names().contains(name);
  }

  /** Built-in names and those of installed providers, sorted. */
  public static List<String> names() {
    TreeSet<String> out = new TreeSet<>(BUILT_IN);
    for (NerEngineProvider p : ServiceLoader.load(NerEngineProvider.class)) {
      out.add(p.name());
    }
    return new ArrayList<>(out);
  }

  /**
   * One line for error messages: optional engines are plugin jars that are not on the default class path. Says how
   * {@code ./veil} adds them, so an operator who names {@code corenlp} without installing it knows what to do.
   */
  static String pluginHint() {
    return "optional engines (e.g. corenlp) are plugin jars: put them on the class path, with ./veil through"
        + " VEIL_PLUGINS=JAR_OR_FOLDER (e.g. VEIL_PLUGINS=veil-ner-corenlp/target/plugin after mvn -pl veil-ner-corenlp"
        + " -am package)";
  }

  private static String safe(String s) {
    return s.length() <= 40 && s.matches("[A-Za-z0-9_.:-]*") ? s : "<" + s.length() + " characters>";
  }
}
