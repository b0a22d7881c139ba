package io.veil.ner.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.core.EntityType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelMapTest {

  @ParameterizedTest
  @CsvSource(nullValues = "null", value = {
      "B-PER, PERSON, true", "I-PER, PERSON, false", "b-per, PERSON, true", "PER, PERSON, false",
      "PERSON, PERSON, false", "S-PERSON, PERSON, true", "E-PER, PERSON, false", "U-LOC, LOCATION, true",
      "L-LOC, LOCATION, false", "B_LOC, LOCATION, true", "B-GPE, LOCATION, true", "LOCATION, LOCATION, false",
      "I-ORG, ORGANIZATION, false", "B-ORGANISATION, ORGANIZATION, true", "ORG, ORGANIZATION, false",
      "O, null, false", "B-MISC, null, true", "I-MISC, null, false", "MISC, null, false", "B-DATE, null, true",
      "X-PER, null, false", "BPER, null, false"})
  void labelsMapToVeilTypes(String label, String type, boolean begins) {
    LabelMap m = LabelMap.of(List.of("O", label));
    assertThat(m.type(1)).isEqualTo(type == null ? null : EntityType.of(type));
    assertThat(m.begins(1)).isEqualTo(begins);
  }

  @Test
  void labelsOfOneTypeShareAGroup() {
    LabelMap m = LabelMap.of(List.of("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-MISC"));
    assertThat(m.group(0)).isEqualTo(-1);
    assertThat(m.group(1)).isEqualTo(m.group(2)).isNotEqualTo(m.group(3));
    assertThat(m.group(3)).isEqualTo(m.group(4));
    assertThat(m.group(5)).isEqualTo(-1);
    assertThat(m.entityTypes()).containsExactlyInAnyOrder(EntityType.PERSON, EntityType.LOCATION);
  }

  @Test
  void configAndLabelFilesAreCheckedNamingTheFile(@TempDir Path tmp) throws IOException {
    Path config = tmp.resolve("config.json");
    Files.writeString(config, "{\"id2label\": {\"1\": \"B-PER\", \"0\": \"O\"}}");
    assertThat(LabelMap.read(config).size()).isEqualTo(2);
    assertThat(LabelMap.read(config).type(1)).isEqualTo(EntityType.PERSON);
    Files.writeString(config, "not json");
    assertThatThrownBy(() -> LabelMap.read(config)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(config.toString()).hasMessageContaining("not valid JSON");
    Files.writeString(config, "{\"id2label\": {\"zero\": \"O\"}}");
    assertThatThrownBy(() -> LabelMap.read(config)).hasMessageContaining("not a number");
    Files.writeString(config, "{\"id2label\": {\"0\": 5}}");
    assertThatThrownBy(() -> LabelMap.read(config)).hasMessageContaining("not a string");
    Path txt = tmp.resolve("labels.txt");
    Files.writeString(txt, "O\n\nB-PER\n");
    assertThatThrownBy(() -> LabelMap.read(txt)).hasMessageContaining("empty line 2");
    Files.writeString(txt, "\n\n");
    assertThatThrownBy(() -> LabelMap.read(txt)).hasMessageContaining("is empty");
    assertThatThrownBy(() -> LabelMap.read(tmp.resolve("missing.txt"))).hasMessageContaining("label file not found");
  }
}
