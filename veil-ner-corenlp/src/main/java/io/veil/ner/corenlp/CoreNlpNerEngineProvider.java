package io.veil.ner.corenlp;

import edu.stanford.nlp.ie.crf.CRFClassifier;
import edu.stanford.nlp.ling.CoreLabel;
import io.veil.core.NerEngine;
import io.veil.core.NerEngineProvider;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Offers Stanford CoreNLP's CRF named-entity classifier as the NER engine {@code corenlp} (found by
 * {@link java.util.ServiceLoader} when this plugin jar is on the class path, e.g. through {@code VEIL_PLUGINS}).
 *
 * <p>Options (policy {@code ner_options}, or {@code veil eval --ner-option KEY=VALUE}):
 * <ul>
 *   <li>{@code classifier} (required): a {@code *.crf.ser.gz} file, or a class-path resource such as
 *       {@code edu/stanford/nlp/models/ner/english.all.3class.distsim.crf.ser.gz} (from CoreNLP's models jar, if the
 *       operator put it on the class path); used for texts whose language has no classifier of its own;</li>
 *   <li>{@code classifier.LANG} (optional, LANG an ISO 639-1 code such as {@code de}): the classifier for texts in
 *       that language: the language the caller gives, else the guess of {@code LanguageGuess}.</li>
 *   <li>{@code address} (optional): {@code veil} (default) adds the ADDRESS findings of Veil's street-address scanner,
 *       which CoreNLP lacks; {@code none} gives CoreNLP's findings alone (for comparing CoreNLP as it is).</li>
 * </ul>
 * Unknown option keys are refused, so a misspelt key cannot silently leave a language on the wrong model.
 *
 * <p>Each call to {@link #create} loads the classifiers anew (seconds, hundreds of MB for CoreNLP's published
 * models); callers keep the engine. Thread-safe.
 *
 * <p>Failure: {@link IllegalStateException} naming the missing option or the classifier that could not be loaded.
 *
 * <p><b>License:</b> this module is GPL-3.0-or-later because CoreNLP is; it is not part of Veil's Apache-2.0
 * artifacts. <b>Security:</b> classifier files are Java serialization streams; see {@link ClassifierLoader}: load only
 * files the operator installed.
 */
public final class CoreNlpNerEngineProvider implements NerEngineProvider {
  /** The engine name operators select with {@code ner: corenlp}. */
  public static final String NAME = "corenlp";
  private static final Pattern LANGUAGE_KEY = Pattern.compile("classifier\\.([a-z]{2})");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public NerEngine create(Map<String, String> options) {
    Map<String, String> opts = options == null ? Map.of() : options;
    String fallback = null;
    String address = "veil";
    Map<String, String> perLanguage = new TreeMap<>();
    for (Map.Entry<String, String> e : opts.entrySet()) {
      String key = e.getKey() == null ? "" : e.getKey().strip().toLowerCase(Locale.ROOT);
      String value = e.getValue() == null ? "" : e.getValue().strip();
      var m = LANGUAGE_KEY.matcher(key);
      if (key.equals("classifier")) {
        fallback = value;
      } else if (m.matches()) {
        perLanguage.put(m.group(1), value);
      } else if (key.equals("address")) {
        address = value.toLowerCase(Locale.ROOT);
        if (!address.equals("veil") && !address.equals("none")) {
          throw new IllegalStateException("corenlp: ner_options address must be veil or none");
        }
      } else {
        throw new IllegalStateException("corenlp: unknown ner_options key " + ClassifierLoader.shown(key)
            + "; known: classifier, classifier.LANG (e.g. classifier.de), address");
      }
      if (value.isEmpty()) {
        throw new IllegalStateException("corenlp: ner_options " + key + " is empty");
      }
    }
    if (fallback == null) {
      throw new IllegalStateException("corenlp needs ner_options.classifier: the path of a CoreNLP CRF classifier,"
          + " e.g. english.all.3class.distsim.crf.ser.gz from the stanford-corenlp models jar"
          + " (veil eval: --ner-option classifier=PATH)");
    }
    CRFClassifier<CoreLabel> main = ClassifierLoader.load(fallback);
    Map<String, CRFClassifier<CoreLabel>> byLanguage = new LinkedHashMap<>();
    Map<String, CRFClassifier<CoreLabel>> loaded = new LinkedHashMap<>();
    loaded.put(fallback, main);
    for (Map.Entry<String, String> e : perLanguage.entrySet()) {
      byLanguage.put(e.getKey(), loaded.computeIfAbsent(e.getValue(), ClassifierLoader::load));
    }
    return new CoreNlpNerEngine(main, byLanguage,
        address.equals("veil") ? io.veil.core.ner.GazetteerNerEngine.addressRecognizer() : null);
  }
}
