package io.veil.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.core.ner.GazetteerNerEngine;
import io.veil.core.ner.ModelNerEngine;
import java.util.List;
import org.junit.jupiter.api.Test;

class NerEnginesTest {

  @Test
  void builtInNamesResolveToTheirEngines() {
    assertThat(NerEngines.byName("model")).isSameAs(ModelNerEngine.load());
    assertThat(NerEngines.byName("gazetteer")).isSameAs(GazetteerNerEngine.load());
    assertThat(NerEngines.byName("model-union").name()).isEqualTo("model-union");
    assertThat(NerEngines.byName("none")).isNull();
    assertThat(NerEngines.names()).contains("model", "model-union", "gazetteer", "none");
  }

  @Test
  void anUnknownNameListsTheKnownOnesAndDoesNotEchoOddInput() {
    assertThatThrownBy(() -> NerEngines.byName("spacy"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'spacy'").hasMessageContaining("gazetteer");
    assertThatThrownBy(() -> NerEngines.byName("Jane Doe, 12 Main St"))
        .hasMessageNotContaining("Jane");
  }

  @Test
  void anOptionalEngineThatIsNotInstalledSaysHowToInstallIt() {
    // veil-core's class path never holds the GPL CoreNLP plugin
    assertThatThrownBy(() -> NerEngines.byName("corenlp", java.util.Map.of("classifier", "/x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'corenlp'").hasMessageContaining("VEIL_PLUGINS").hasMessageNotContaining("\n");
    assertThatThrownBy(() -> Policy.parse("version: x\nner: corenlp\n"))
        .isInstanceOf(PolicyException.class).hasMessageContaining("VEIL_PLUGINS");
  }

  @Test
  void thePolicyChoosesTheEngineAndDefaultsToTheModel() {
    assertThat(Policy.defaults().ner()).isEqualTo("model");
    assertThat(Policy.parse("version: x\n").ner()).isEqualTo("model");
    Policy gaz = Policy.parse("version: x\nner: gazetteer\n");
    assertThat(gaz.ner()).isEqualTo("gazetteer");
    String text = "Please forward this to Jennifer Lopez by Friday.";
    assertThat(gaz.newAnalyzer().analyze(text, null)).extracting(Finding::type).contains(EntityType.PERSON);
    Policy none = Policy.parse("version: x\nner: none\n");
    assertThat(none.newAnalyzer().analyze(text, null)).extracting(Finding::type).doesNotContain(EntityType.PERSON);
    assertThat(Policy.defaults().newAnalyzer(null).analyze(text, null)).isEmpty();
  }

  @Test
  void anUnknownEngineInAPolicyIsRefusedNamingTheField() {
    for (String bad : List.of("ner: spacy", "ner: [model]", "ner: 3")) {
      assertThatThrownBy(() -> Policy.parse("version: x\n" + bad + "\n"))
          .isInstanceOf(PolicyException.class)
          .hasMessageContaining("'ner'").hasMessageContaining("gazetteer");
    }
  }

  @Test
  void nerOptionsAreReadAsStringsAndBadShapesAreRefused() {
    Policy p = Policy.parse("version: x\nner: gazetteer\nner_options: {model: /opt/ner/model.onnx, max_tokens: 256}\n");
    assertThat(p.nerOptions()).containsEntry("model", "/opt/ner/model.onnx").containsEntry("max_tokens", "256");
    assertThat(Policy.defaults().nerOptions()).isEmpty();
    assertThat(Policy.parse("version: x\n").nerOptions()).isEmpty();
    for (String bad : List.of("ner_options: [a]", "ner_options: x", "ner_options: {a: [1]}", "ner_options: {a: null}")) {
      assertThatThrownBy(() -> Policy.parse("version: x\n" + bad + "\n"))
          .isInstanceOf(PolicyException.class)
          .hasMessageContaining("'ner_options");
    }
    assertThat(p.toString()).doesNotContain("/opt/ner");
  }
}
