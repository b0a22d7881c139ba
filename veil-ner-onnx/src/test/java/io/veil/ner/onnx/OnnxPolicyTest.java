package io.veil.ner.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.core.Analyzer;
import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.NerEngine;
import io.veil.core.NerEngines;
import io.veil.core.Policy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine as operators reach it: by name through ServiceLoader, from a policy, inside the analyzer. */
class OnnxPolicyTest {

  @Test
  void theProviderIsFoundByNameAndSharesOneEnginePerConfiguration(@TempDir Path tmp) {
    Path dir = TinyNerModel.standard().writeTo(tmp.resolve("m"));
    assertThat(NerEngines.names()).contains("onnx");
    assertThat(NerEngines.exists("onnx")).isTrue();
    NerEngine a = NerEngines.byName("onnx", Map.of("dir", dir.toString()));
    NerEngine b = NerEngines.byName("onnx", Map.of("dir", dir.toString()));
    NerEngine c = NerEngines.byName("onnx", Map.of("dir", dir.toString(), "max_tokens", "64"));
    assertThat(a).isInstanceOf(OnnxNerEngine.class).isSameAs(b).isNotSameAs(c);
    assertThat(a.name()).isEqualTo("onnx");
    assertThatThrownBy(() -> NerEngines.byName("onnx", Map.of()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("'dir'");
  }

  @Test
  void aPolicyWithNerOnnxAnalysesThroughTheModel(@TempDir Path tmp) {
    Path dir = TinyNerModel.standard().writeTo(tmp.resolve("m"));
    Policy policy = Policy.parse("version: t\nner: onnx\nner_options: {dir: '" + dir + "', max_tokens: 32, stride: 8}\n");
    assertThat(policy.ner()).isEqualTo("onnx");
    Analyzer analyzer = policy.newAnalyzer();
    String text = "Hello, my name is John Smith, mail john@example.com, I live in Paris and work at Acme Corp.";
    List<Finding> found = analyzer.analyze(text, null);
    assertThat(found).extracting(f -> f.type() + "=" + f.value(text))
        .contains("PERSON=John Smith", "LOCATION=Paris", "ORGANIZATION=Acme Corp", "EMAIL=john@example.com");
    assertThat(found).filteredOn(f -> f.type().equals(EntityType.PERSON)).extracting(Finding::recognizer)
        .containsOnly("onnx");
  }

  @Test
  void aPolicyWhoseModelCannotLoadFailsWhenTheAnalyzerIsBuilt(@TempDir Path tmp) {
    Policy policy = Policy.parse("version: t\nner: onnx\nner_options: {dir: '" + tmp.resolve("absent") + "'}\n");
    assertThatThrownBy(policy::newAnalyzer)
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("option 'dir' is not a folder");
  }
}
