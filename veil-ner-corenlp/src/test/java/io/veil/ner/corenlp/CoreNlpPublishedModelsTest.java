package io.veil.ner.corenlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.NerEngine;
import io.veil.core.NerEngines;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * CoreNLP's published English 3-class and German models, loaded from the class path as an operator would name them.
 * Runs only with {@code -Pcorenlp-models}, which adds the models jars (474 MB + 200 MB) as test dependencies.
 */
@Tag("corenlp-models")
class CoreNlpPublishedModelsTest {
  static final String ENGLISH = "edu/stanford/nlp/models/ner/english.all.3class.distsim.crf.ser.gz";
  static final String GERMAN = "edu/stanford/nlp/models/ner/german.distsim.crf.ser.gz";
  static NerEngine engine;

  @BeforeAll
  static void load() {
    engine = NerEngines.byName("corenlp", Map.of("classifier", ENGLISH, "classifier.de", GERMAN));
  }

  @Test
  void englishModelFindsPeoplePlacesAndOrganizations() {
    String text = "Yesterday Angela Merkel met Barack Obama in Paris to talk about Siemens and the United Nations.";
    assertThat(CoreNlpNerEngineTest.tags(engine, text, "en")).contains(
        "PERSON=Angela Merkel", "PERSON=Barack Obama", "LOCATION=Paris", "ORGANIZATION=Siemens",
        "ORGANIZATION=United Nations");
  }

  @Test
  void offsetsStayRightAfterEmoji() {
    String text = "🙂🙂 Please forward this to John Smith in London 🙂.";
    assertThat(CoreNlpNerEngineTest.tags(engine, text, "en")).contains("PERSON=John Smith", "LOCATION=London");
  }

  @Test
  void germanTextGoesToTheGermanModel() {
    String text = "Gestern hat Angela Merkel in Berlin mit dem Vorstand der Deutschen Bank gesprochen.";
    assertThat(CoreNlpNerEngineTest.tags(engine, text, "de")).contains("PERSON=Angela Merkel", "LOCATION=Berlin");
    assertThat(CoreNlpNerEngineTest.tags(engine, text, null)).contains("PERSON=Angela Merkel", "LOCATION=Berlin");
  }
}
