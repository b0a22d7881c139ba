package io.veil.ner.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class OnnxNerEngineTest {
  @TempDir
  static Path tmp;
  static Path dir;
  static OnnxNerEngine engine;

  @BeforeAll
  static void load() {
    dir = TinyNerModel.standard().writeTo(tmp.resolve("tiny"));
    engine = OnnxNerEngine.open(Map.of("dir", dir.toString()));
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  static List<String> show(String text, List<Finding> findings) {
    return findings.stream().map(f -> f.type() + "=" + f.value(text)).toList();
  }

  static List<Object[]> sentences() {
    String emoji = "\uD83D\uDE00";
    return List.of(
        new Object[] {"hello my name is john smith", List.of("PERSON=john smith")},
        new Object[] {"John Smith lives in New York and works at Acme Corp.",
            List.of("PERSON=John Smith", "LOCATION=New York", "ORGANIZATION=Acme Corp")},
        // the tokenizer's offsets are code points: emoji (surrogate pairs) before a name must not shift it
        new Object[] {emoji + emoji + " hello John Smith " + emoji + " Paris " + emoji,
            List.of("PERSON=John Smith", "LOCATION=Paris")},
        new Object[] {"\uD835\uDC09 john", List.of("PERSON=john")},
        // sub-words: jack + ##son is one name
        new Object[] {"Jackson met Zoe.", List.of("PERSON=Jackson", "PERSON=Zoe")},
        // only the first piece is labelled (john + ##y): the span still covers the whole word
        new Object[] {"hello Johny!", List.of("PERSON=Johny")},
        // the normalizer strips accents; offsets still point into the original text
        new Object[] {"hello Jöhn Smith", List.of("PERSON=Jöhn Smith")},
        new Object[] {"hello Jo\u0308hn", List.of("PERSON=Jo\u0308hn")},
        // B- after B- starts a second entity; I- without B- starts one
        new Object[] {"john mary", List.of("PERSON=john", "PERSON=mary")},
        new Object[] {"smith said", List.of("PERSON=smith")},
        // MISC and O are ignored
        new Object[] {"the euro cup in Berlin", List.of("LOCATION=Berlin")},
        new Object[] {"hello, today!", List.of()},
        new Object[] {"   ", List.of()},
        new Object[] {"Globex: Mary Ann, Paris", List.of("ORGANIZATION=Globex", "PERSON=Mary Ann", "LOCATION=Paris")});
  }

  @ParameterizedTest
  @MethodSource("sentences")
  void labelsComeBackAtTheRightCharacters(String text, List<String> expected) {
    List<Finding> found = engine.analyze(text, null);
    assertThat(show(text, found)).containsExactlyElementsOf(expected);
    assertThat(found).allSatisfy(f -> {
      assertThat(f.recognizer()).isEqualTo("onnx");
      assertThat(f.score()).isBetween(0.5, 1.0);
    });
  }

  @Test
  void offsetsAreUtf16IndicesAfterSupplementaryCharacters() {
    String text = "\uD83D\uDC4D\uD83D\uDC4D john";
    List<Finding> found = engine.analyze(text, "en");
    assertThat(found).singleElement().satisfies(f -> {
      assertThat(f.start()).isEqualTo(5);
      assertThat(f.end()).isEqualTo(9);
      assertThat(f.type()).isEqualTo(EntityType.PERSON);
    });
  }

  @Test
  void anUnpairedSurrogateDoesNotShiftTheOffsetsAfterIt() {
    // the tokenizer's native side would decode such a text lossily (one character per byte)
    for (String text : List.of("\uD800 john smith", "x\uDC00y john smith", "john smith \uDBFF")) {
      assertThat(show(text, engine.analyze(text, null))).containsExactly("PERSON=john smith");
    }
    assertThat(OnnxNerEngine.withoutLoneSurrogates("a\uD800b\uD83D\uDE00c\uDC00"))
        .isEqualTo("a\uFFFDb\uD83D\uDE00c\uFFFD");
    String plain = "no surrogates";
    assertThat(OnnxNerEngine.withoutLoneSurrogates(plain)).isSameAs(plain);
  }

  @Test
  void scoresComeFromTheSoftmaxOverTheLabels() {
    // tiny model: chosen label logit 4, O logit 1, the other 7 labels 0; a PERSON token's score is
    // P(B-PER) + P(I-PER)
    double z = Math.exp(4) + Math.exp(1) + 7;
    double person = (Math.exp(4) + 1) / z;
    Finding f = engine.analyze("john", null).getFirst();
    assertThat(f.score()).isCloseTo(person, org.assertj.core.data.Offset.offset(1e-5));
  }

  @Test
  void aLongTextInSmallWindowsGivesTheSameFindingsAsOneBigWindow() throws Exception {
    StringBuilder sb = new StringBuilder();
    String[] parts = {"hello \uD83D\uDE00 john smith lives in new york. ", "mary ann works at acme corp! ",
        "jackson met zoe in berlin, today. ", "the euro cup: globex, paris. "};
    for (int i = 0; i < 120; i++) {
      sb.append(parts[i % parts.length]);
    }
    String text = sb.toString();
    try (OnnxNerEngine small = OnnxNerEngine.open(Map.of("dir", dir.toString(), "max_tokens", "16", "stride", "5",
            "batch", "3"));
        OnnxNerEngine big = OnnxNerEngine.open(Map.of("dir", dir.toString(), "max_tokens", "8192"))) {
      List<Finding> inSmall = small.analyze(text, null);
      List<Finding> inBig = big.analyze(text, null);
      assertThat(inSmall).hasSize(120 / 4 * 9).isEqualTo(inBig);
      assertThat(inSmall).isEqualTo(engine.analyze(text, null));
    }
  }

  @Test
  void concurrentAnalysesEqualSequentialOnes() throws Exception {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      texts.add("text " + i + ": hello John Smith".repeat(1 + i % 7) + " in Paris at Acme Corp, and mary ann. ".repeat(1 + i % 5));
    }
    List<List<Finding>> sequential = texts.stream().map(t -> engine.analyze(t, null)).toList();
    try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
      List<Future<List<Finding>>> futures = new ArrayList<>();
      for (int round = 0; round < 4; round++) {
        for (String t : texts) {
          futures.add(pool.submit(() -> engine.analyze(t, null)));
        }
      }
      for (int i = 0; i < futures.size(); i++) {
        assertThat(futures.get(i).get()).isEqualTo(sequential.get(i % texts.size()));
      }
    }
  }

  @Test
  void modelsWithoutAMaskOrWithTokenTypeIdsAreFed() {
    Path noMask = TinyNerModel.standard().withoutMask().writeTo(tmp.resolve("nomask"));
    Path types = TinyNerModel.standard().withTypeIds().writeTo(tmp.resolve("types"));
    String text = "hello John Smith in Paris. ".repeat(30);
    List<Finding> expected = engine.analyze(text, null);
    for (Path d : List.of(noMask, types)) {
      try (OnnxNerEngine e = OnnxNerEngine.open(Map.of("dir", d.toString(), "max_tokens", "24", "stride", "6"))) {
        assertThat(e.analyze(text, null)).isEqualTo(expected);
      }
    }
  }

  @Test
  void truncationAndPaddingInTokenizerJsonAreTurnedOff() {
    // a tokenizer.json that truncates at 8 tokens would silently hide every name after the 6th word
    Path limited = TinyNerModel.standard().withTokenizerLimits().writeTo(tmp.resolve("limits"));
    String text = "hello, today the euro cup in Berlin: hello Mary Ann and John Smith at Acme Corp.";
    try (OnnxNerEngine e = OnnxNerEngine.open(Map.of("dir", limited.toString(), "max_tokens", "10", "stride", "2"))) {
      assertThat(show(text, e.analyze(text, null))).containsExactly("LOCATION=Berlin", "PERSON=Mary Ann",
          "PERSON=John Smith", "ORGANIZATION=Acme Corp");
      assertThat(e.analyze(text, null)).isEqualTo(engine.analyze(text, null));
    }
  }

  @Test
  void aLabelsTxtWorksLikeConfigJson() throws IOException {
    Path d = TinyNerModel.standard().writeTo(tmp.resolve("labels-txt"));
    Files.delete(d.resolve("config.json"));
    Files.writeString(d.resolve("labels.txt"), String.join("\n", TinyNerModel.LABELS) + "\n\n");
    try (OnnxNerEngine e = OnnxNerEngine.open(Map.of("dir", d.toString()))) {
      String text = "John Smith works at Acme Corp in Paris.";
      assertThat(e.analyze(text, null)).isEqualTo(engine.analyze(text, null));
      assertThat(e.entityTypes()).containsExactlyInAnyOrder(EntityType.PERSON, EntityType.LOCATION, EntityType.ORGANIZATION);
    }
  }

  @Test
  void aClosedEngineRefusesToAnalyse() {
    OnnxNerEngine e = OnnxNerEngine.open(Map.of("dir", dir.toString()));
    assertThat(e.analyze("john", null)).hasSize(1);
    e.close();
    e.close();
    assertThatThrownBy(() -> e.analyze("john smith", null))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed").hasMessageNotContaining("john");
  }

  @Test
  void missingOrBadFilesAndOptionsGiveClearErrors() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertThatThrownBy(() -> OnnxNerEngine.open(Map.of()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("option 'model' (or 'dir'");
    assertThatThrownBy(() -> OnnxNerEngine.open(Map.of("dir", tmp.resolve("nowhere").toString())))
        .hasMessageContaining("option 'dir' is not a folder");
    assertThatThrownBy(() -> OnnxNerEngine.open(Map.of("dir", empty.toString())))
        .hasMessageContaining("model file not found").hasMessageContaining("model.onnx");
    assertThatThrownBy(() -> OnnxNerEngine.open(Map.of("dir", dir.toString(), "modle", "x")))
        .hasMessageContaining("unknown option 'modle'").hasMessageContaining("max_tokens");
    assertThatThrownBy(() -> OnnxNerEngine.open(Map.of("dir", dir.toString(), "max_tokens", "lots")))
        .hasMessageContaining("option 'max_tokens' must be a whole number");
    assertThatThrownBy(() -> OnnxNerEngine.open(Map.of("dir", dir.toString(), "max_tokens", "16", "stride", "9")))
        .hasMessageContaining("option 'stride' must be from 0 to 8");
    assertThatThrownBy(() -> OnnxNerEngine.open(Map.of("dir", dir.toString(), "max_tokens", "8", "stride", "4",
            "threads", "0")))
        .hasMessageContaining("option 'threads'");

    Path noLabels = copy(dir, "no-labels");
    Files.delete(noLabels.resolve("config.json"));
    assertThatThrownBy(() -> OnnxNerEngine.open(Map.of("dir", noLabels.toString())))
        .hasMessageContaining("no label map").hasMessageContaining("labels.txt");

    Path noTokenizer = copy(dir, "no-tokenizer");
    Files.delete(noTokenizer.resolve("tokenizer.json"));
    assertThatThrownBy(() -> OnnxNerEngine.open(Map.of("dir", noTokenizer.toString())))
        .hasMessageContaining("tokenizer file not found").hasMessageContaining("tokenizer.json");

    Path badModel = copy(dir, "bad-model");
    Files.writeString(badModel.resolve("model.onnx"), "this is not a model, Jane Doe");
    assertThatThrownBy(() -> OnnxNerEngine.open(Map.of("dir", badModel.toString())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot load model").hasMessageContaining(badModel.resolve("model.onnx").toString())
        .hasMessageNotContaining("Jane");

    Path badTokenizer = copy(dir, "bad-tokenizer");
    Files.writeString(badTokenizer.resolve("tokenizer.json"), "{\"model\": \"Jane Doe\"");
    assertThatThrownBy(() -> OnnxNerEngine.open(Map.of("dir", badTokenizer.toString())))
        .hasMessageContaining("cannot load tokenizer").hasMessageNotContaining("Jane");

    Path badConfig = copy(dir, "bad-config");
    Files.writeString(badConfig.resolve("config.json"), "{\"label2id\": {}}");
    assertThatThrownBy(() -> OnnxNerEngine.open(Map.of("dir", badConfig.toString())))
        .hasMessageContaining("has no id2label");
    Files.writeString(badConfig.resolve("config.json"), "{\"id2label\": {\"0\": \"O\", \"2\": \"B-PER\"}}");
    assertThatThrownBy(() -> OnnxNerEngine.open(Map.of("dir", badConfig.toString())))
        .hasMessageContaining("ids must be 0..1");

    Path fewLabels = copy(dir, "few-labels");
    Files.writeString(fewLabels.resolve("config.json"), "{\"id2label\": {\"0\": \"O\", \"1\": \"B-PER\", \"2\": \"I-PER\"}}");
    assertThatThrownBy(() -> OnnxNerEngine.open(Map.of("dir", fewLabels.toString())))
        .hasMessageContaining("has 9 labels").hasMessageContaining("has 3");
  }

  private static Path copy(Path from, String name) throws IOException {
    Path to = Files.createDirectories(tmp.resolve(name));
    for (String f : List.of("model.onnx", "tokenizer.json", "config.json")) {
      Files.copy(from.resolve(f), to.resolve(f));
    }
    return to;
  }
}
