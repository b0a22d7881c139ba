package io.veil.ner.corenlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.NerEngine;
import io.veil.core.NerEngines;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The provider with small CRF classifiers trained by {@link TinyCrf} (real CoreNLP training and tagging). */
class CoreNlpNerEngineTest {
  @TempDir
  static Path dir;
  static Path plain;
  static Path swappedIob;
  static NerEngine engine;

  @BeforeAll
  static void train() throws Exception {
    plain = TinyCrf.train(dir, "tiny.crf.ser.gz", false, false);
    swappedIob = TinyCrf.train(dir, "tiny-swapped-iob.crf.ser.gz", true, true);
    engine = NerEngines.byName("corenlp", Map.of("classifier", plain.toString(), "classifier.de", swappedIob.toString()));
  }

  /** TYPE=value for each finding, in text order. */
  static List<String> tags(NerEngine e, String text, String language) {
    List<Finding> fs = new ArrayList<>(e.analyze(text, language));
    fs.sort(Comparator.comparingInt(Finding::start));
    return fs.stream().map(f -> f.type() + "=" + f.value(text)).toList();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      My name is Alice Brown and I live in Paris.                | PERSON=Alice Brown;LOCATION=Paris
      Dmitri Novak works at Globex Inc in Osaka.                 | PERSON=Dmitri Novak;ORGANIZATION=Globex Inc;LOCATION=Osaka
      Please call Greta about the Christmas party tomorrow.      | PERSON=Greta
      The meeting is on Monday and the report is ready.          | 
      We flew from Lisbon to Quito with Hiro Tanaka.             | LOCATION=Lisbon;LOCATION=Quito;PERSON=Hiro Tanaka
      """)
  void tagsPeoplePlacesAndOrganizationsAndIgnoresMisc(String text, String expected) {
    List<String> want = expected == null ? List.of() : List.of(expected.split(";"));
    assertThat(tags(engine, text, "en")).containsExactlyElementsOf(want);
  }

  @Test
  void offsetsAreUtf16IndicesAlsoAfterCharactersOutsideTheBmp() {
    String text = "😀🎉 My name is Alice Brown and I live in Paris 𝔘. 😀";
    List<Finding> fs = engine.analyze(text, "en");
    assertThat(fs).extracting(f -> f.value(text)).contains("Alice Brown", "Paris");
    String other = "Ünïcödé ñ: My name is Chiara Rossi and I live in Oslo.";
    assertThat(tags(engine, other, "en")).containsSubsequence("PERSON=Chiara Rossi", "LOCATION=Oslo");
  }

  @Test
  void picksTheClassifierOfTheGivenLanguageElseTheDefault() {
    String text = "My name is Alice Brown and I live in Paris.";
    // the "de" classifier was trained with people and places swapped, and with IOB2 labels (B-PER, I-LOC ...)
    assertThat(tags(engine, text, "de")).containsExactly("LOCATION=Alice Brown", "PERSON=Paris");
    assertThat(tags(engine, text, "en")).containsExactly("PERSON=Alice Brown", "LOCATION=Paris");
    assertThat(tags(engine, text, "fr")).containsExactly("PERSON=Alice Brown", "LOCATION=Paris");
  }

  @Test
  void guessesTheLanguageWhenNoneIsGiven() {
    String german = "Ich bin nicht sicher , und die Sache ist mit dem Vertrag : My name is Alice Brown and I live in Paris.";
    assertThat(tags(engine, german, null)).contains("LOCATION=Alice Brown");
    String english = "My name is Alice Brown and I live in Paris.";
    assertThat(tags(engine, english, null)).containsExactly("PERSON=Alice Brown", "LOCATION=Paris");
  }

  @Test
  void adjacentEntitiesWithAnIob2BeginLabelStaySeparate() {
    assertThat(CoreNlpNerEngine.type("B-PER")).isEqualTo(EntityType.PERSON);
    assertThat(CoreNlpNerEngine.type("I-LOC")).isEqualTo(EntityType.LOCATION);
    assertThat(CoreNlpNerEngine.type("ORGANIZATION")).isEqualTo(EntityType.ORGANIZATION);
    assertThat(CoreNlpNerEngine.type("MISC")).isNull();
    assertThat(CoreNlpNerEngine.type("I-MISC")).isNull();
    assertThat(CoreNlpNerEngine.type("O")).isNull();
  }

  @Test
  void addsVeilsAddressFindingsUnlessTurnedOff() {
    String text = "My name is Alice Brown and I live in Paris. Ship it to 1600 Pennsylvania Avenue NW, Washington, DC 20500.";
    List<String> with = tags(engine, text, "en");
    assertThat(with).contains("PERSON=Alice Brown", "LOCATION=Paris")
        .anySatisfy(t -> assertThat(t).startsWith("ADDRESS=1600 Pennsylvania Avenue"));
    assertThat(engine.entityTypes()).contains(EntityType.ADDRESS);
    NerEngine pure = new CoreNlpNerEngineProvider().create(Map.of("classifier", plain.toString(), "address", "none"));
    assertThat(tags(pure, text, "en")).noneSatisfy(t -> assertThat(t).startsWith("ADDRESS="));
    assertThat(pure.entityTypes()).doesNotContain(EntityType.ADDRESS);
    assertThatThrownBy(() -> new CoreNlpNerEngineProvider().create(Map.of("classifier", plain.toString(), "address", "x")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("veil or none");
  }

  @Test
  void emptyAndPunctuationOnlyTextsHaveNoFindings() {
    assertThat(engine.analyze("", "en")).isEmpty();
    assertThat(engine.analyze("   \n\t ", null)).isEmpty();
    assertThat(engine.analyze("... ,,, !!!", null)).isEmpty();
  }

  @Test
  void longSentencesAreCutIntoBoundedPiecesAndStillTagged() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 600; i++) {
      sb.append("and the report is ready ");
    }
    sb.append("My name is Alice Brown and I live in Paris");
    String text = sb.toString();
    assertThat(tags(engine, text, "en")).contains("PERSON=Alice Brown", "LOCATION=Paris");
  }

  @Test
  void concurrentAnalysesEqualSequentialOnes() throws Exception {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      texts.add("My name is " + TinyCrf.FIRST[i % TinyCrf.FIRST.length] + " " + TinyCrf.LAST[i % TinyCrf.LAST.length]
          + " and I live in " + TinyCrf.CITY[i % TinyCrf.CITY.length] + ". Contact " + TinyCrf.ORG[i % TinyCrf.ORG.length]
          + " support , ask for " + TinyCrf.LAST[(i + 3) % TinyCrf.LAST.length] + " . unknownword" + i);
    }
    List<List<String>> sequential = texts.stream().map(t -> tags(engine, t, "en")).toList();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      List<Future<List<String>>> futures = new ArrayList<>();
      for (int round = 0; round < 4; round++) {
        for (String t : texts) {
          futures.add(pool.submit(() -> tags(engine, t, "en")));
        }
      }
      for (int i = 0; i < futures.size(); i++) {
        assertThat(futures.get(i).get()).isEqualTo(sequential.get(i % texts.size()));
      }
    }
    // and again after all those texts: results do not depend on what the classifier saw before
    assertThat(texts.stream().map(t -> tags(engine, t, "en")).toList()).isEqualTo(sequential);
  }

  @Test
  void loadsAClassifierFromTheClassPath() throws Exception {
    Path cpDir = dir.resolve("cp");
    Files.createDirectories(cpDir.resolve("models"));
    Files.copy(plain, cpDir.resolve("models/tiny.crf.ser.gz"));
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    try (var loader = new java.net.URLClassLoader(new java.net.URL[] {cpDir.toUri().toURL()}, before)) {
      Thread.currentThread().setContextClassLoader(loader);
      NerEngine e = new CoreNlpNerEngineProvider().create(Map.of("classifier", "models/tiny.crf.ser.gz"));
      assertThat(tags(e, "My name is Alice Brown and I live in Paris.", "en"))
          .containsExactly("PERSON=Alice Brown", "LOCATION=Paris");
      NerEngine e2 = new CoreNlpNerEngineProvider().create(Map.of("classifier", "classpath:/models/tiny.crf.ser.gz"));
      assertThat(e2.analyze("My name is Alice Brown .", "en")).isNotEmpty();
    } finally {
      Thread.currentThread().setContextClassLoader(before);
    }
  }

  @Test
  void isFoundThroughTheServiceLoaderAndListedByName() {
    assertThat(NerEngines.names()).contains("corenlp");
    assertThat(NerEngines.exists("corenlp")).isTrue();
    assertThat(engine.name()).isEqualTo("corenlp");
    assertThat(engine.entityTypes()).containsExactlyInAnyOrder(
        EntityType.PERSON, EntityType.LOCATION, EntityType.ORGANIZATION, EntityType.ADDRESS);
  }

  @Test
  void withoutAClassifierOptionTheErrorSaysWhatIsMissing() {
    assertThatThrownBy(() -> NerEngines.byName("corenlp", Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ner_options.classifier")
        .hasMessageContaining("--ner-option classifier=");
  }

  @Test
  void unknownOrEmptyOptionsAreRefused() {
    assertThatThrownBy(() -> new CoreNlpNerEngineProvider().create(Map.of("classifer", plain.toString())))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("unknown ner_options key 'classifer'");
    assertThatThrownBy(() -> new CoreNlpNerEngineProvider().create(Map.of("classifier", " ")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> new CoreNlpNerEngineProvider().create(
        Map.of("classifier", plain.toString(), "classifier.german", plain.toString())))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("classifier.LANG");
  }

  @Test
  void aMissingFileFailsClosedNamingIt() {
    String missing = dir.resolve("nope.crf.ser.gz").toString();
    assertThatThrownBy(() -> new CoreNlpNerEngineProvider().create(Map.of("classifier", missing)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("nope.crf.ser.gz").hasMessageContaining("not found");
    assertThatThrownBy(() -> new CoreNlpNerEngineProvider().create(
        Map.of("classifier", plain.toString(), "classifier.de", missing)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("not found");
  }

  @Test
  void aFileThatIsNoClassifierFailsClosedWithoutQuotingIt() throws Exception {
    Path junk = dir.resolve("junk.crf.ser.gz");
    Files.writeString(junk, "Alice Brown lives at 12 Main Street, this is no model");
    assertThatThrownBy(() -> new CoreNlpNerEngineProvider().create(Map.of("classifier", junk.toString())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("could not be loaded")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Alice", "Main Street"));
    Path truncated = dir.resolve("truncated.crf.ser.gz");
    byte[] all = Files.readAllBytes(plain);
    Files.write(truncated, java.util.Arrays.copyOf(all, all.length / 2));
    assertThatThrownBy(() -> new CoreNlpNerEngineProvider().create(Map.of("classifier", truncated.toString())))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("could not be loaded");
  }

  /** A class outside CoreNLP and the JDK, standing in for a deserialization gadget. */
  record Foreign(String payload) implements Serializable {}

  @Test
  void aStreamWithClassesOutsideCoreNlpAndTheJdkIsRefusedBeforeItIsBuilt() throws Exception {
    Path evil = dir.resolve("evil.crf.ser.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(evil));
         ObjectOutputStream oos = new ObjectOutputStream(out)) {
      oos.writeObject(new Foreign("x"));
    }
    assertThatThrownBy(() -> new CoreNlpNerEngineProvider().create(Map.of("classifier", evil.toString())))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("refused");
    assertThat(ClassifierLoader.FILTER.checkInput(new FilterInfo(Foreign.class)))
        .isEqualTo(java.io.ObjectInputFilter.Status.REJECTED);
    assertThat(ClassifierLoader.FILTER.checkInput(new FilterInfo(edu.stanford.nlp.util.HashIndex.class)))
        .isEqualTo(java.io.ObjectInputFilter.Status.ALLOWED);
  }

  private record FilterInfo(Class<?> serialClass) implements java.io.ObjectInputFilter.FilterInfo {
    @Override public long arrayLength() { return -1; }
    @Override public long depth() { return 1; }
    @Override public long references() { return 1; }
    @Override public long streamBytes() { return 1; }
  }
}
