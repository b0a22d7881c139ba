package io.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalCommandTest {
  @TempDir
  Path dir;

  private static CliRun.Result run(String... args) {
    return CliRun.cli().run(args);
  }

  @Test
  void jsonOutputFollowsTheDesignContract() throws Exception {
    Path f = dir.resolve("eval.jsonl");
    Files.write(f, List.of(
        "{\"id\":\"a\",\"text\":\"Write to jane.doe@example.com today\",\"spans\":[{\"start\":9,\"end\":29,\"label\":\"EMAIL\"}]}"));
    CliRun.Result r = run("eval", "--data", f.toString(), "--json");
    assertThat(r.exit()).isZero();
    JsonNode d = new ObjectMapper().readTree(r.out()).get("datasets").get(0);
    assertThat(d.get("name").asText()).isEqualTo(f.toString());
    assertThat(d.get("examples").asInt()).isEqualTo(1);
    assertThat(d.get("micro").has("precision")).isTrue();
    assertThat(d.get("micro").has("recall")).isTrue();
    assertThat(d.get("micro").has("f1")).isTrue();
    assertThat(d.has("leak_rate")).isTrue();
    JsonNode email = d.get("entities").get("EMAIL");
    for (String k : List.of("tp", "fp", "fn", "precision", "recall", "f1")) {
      assertThat(email.has(k)).as(k).isTrue();
    }
  }

  @Test
  void dashReadsTheDatasetFromStandardInputOnce() throws Exception {
    String line = "{\"text\":\"Write to jane.doe@example.com today\",\"spans\":[{\"start\":9,\"end\":29,\"label\":\"EMAIL\"}]}";
    Path f = dir.resolve("eval.jsonl");
    Files.write(f, List.of(line));
    CliRun.Result fromFile = run("eval", "--data", f.toString(), "--json");
    CliRun.Result r = CliRun.cli().stdin(line + "\n").run("eval", "--data", "-", "--data", f.toString(), "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode datasets = new ObjectMapper().readTree(r.out()).get("datasets");
    assertThat(datasets.get(0).get("name").asText()).isEqualTo("-");
    assertThat(datasets.get(0).get("examples").asInt()).isEqualTo(1);
    JsonNode file = new ObjectMapper().readTree(fromFile.out()).get("datasets").get(0);
    assertThat(datasets.get(0).get("micro")).isEqualTo(file.get("micro"));
    assertThat(datasets.get(0).get("entities")).isEqualTo(file.get("entities"));

    CliRun.Result twice = CliRun.cli().stdin(line).run("eval", "--data", "-", "--data", "-");
    assertThat(twice.exit()).isEqualTo(2);
    assertThat(twice.err()).contains("standard input can be given only once");

    CliRun.Result bad = CliRun.cli().stdin(line + "\n{\"text\": 3, \"secret\": \"jane.doe@example.com\"}\n")
        .run("eval", "--data", "-");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("<stdin>:2: no \"text\" string").doesNotContain("jane.doe");
  }

  @Test
  void locationAndAddressAreAlsoScoredTogetherAndOtherGroupsCanBeAsked() throws Exception {
    Path f = dir.resolve("places.jsonl");
    Files.write(f, List.of(
        "{\"id\":\"a\",\"text\":\"Ship it to 221 Baker Street, London please\",\"spans\":["
            + "{\"start\":11,\"end\":27,\"label\":\"ADDRESS\"},{\"start\":29,\"end\":35,\"label\":\"LOCATION\"}]}"));
    CliRun.Result r = run("eval", "--data", f.toString(), "--json");
    assertThat(r.exit()).isZero();
    JsonNode d = new ObjectMapper().readTree(r.out()).get("datasets").get(0);
    JsonNode group = d.get("groups").get("LOCATION+ADDRESS");
    assertThat(group.get("tp").asInt() + group.get("fn").asInt()).isEqualTo(2);
    assertThat(d.get("entities").has("LOCATION+ADDRESS")).isFalse();

    CliRun.Result table = run("eval", "--data", f.toString(), "--group", "ADDRESS+LOCATION", "--group", "PERSON+LOCATION");
    assertThat(table.exit()).isZero();
    assertThat(table.out()).contains("ADDRESS+LOCATION").doesNotContain("PERSON+LOCATION"); // PERSON not labelled

    CliRun.Result bad = run("eval", "--data", f.toString(), "--group", "LOCATION");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err().strip()).startsWith("veil: --group").doesNotContain("\n");
  }

  @Test
  void missingFileAndBadMatchModeExitWithTwoAndOneLine() {
    CliRun.Result missing = run("eval", "--data", dir.resolve("nope.jsonl").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err().strip()).startsWith("veil: ").contains("nope.jsonl").doesNotContain("\n");
    CliRun.Result bad = run("eval", "--data", "x", "--match", "fuzzy");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("--match");
    CliRun.Result unknown = run("eval", "--frobnicate");
    assertThat(unknown.exit()).isEqualTo(2);
  }

  @Test
  void nerComparesEnginesOnTheSameData() throws Exception {
    Path f = dir.resolve("names.jsonl");
    Files.write(f, List.of(
        "{\"id\":\"a\",\"text\":\"Please forward this to Jennifer Lopez by Friday.\",\"spans\":[{\"start\":23,\"end\":37,\"label\":\"PERSON\"}]}",
        "{\"id\":\"b\",\"text\":\"She moved from Rotterdam to Lisbon.\",\"spans\":[{\"start\":15,\"end\":24,\"label\":\"LOCATION\"},{\"start\":28,\"end\":34,\"label\":\"LOCATION\"}]}"));
    CliRun.Result r = run("eval", "--data", f.toString(), "--ner", "model,gazetteer,none", "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode ds = new ObjectMapper().readTree(r.out()).get("datasets");
    assertThat(ds).hasSize(3);
    assertThat(ds.get(0).get("ner").asText()).isEqualTo("model");
    assertThat(ds.get(1).get("ner").asText()).isEqualTo("gazetteer");
    assertThat(ds.get(2).get("ner").asText()).isEqualTo("none");
    assertThat(ds.get(0).get("entities").get("PERSON").get("tp").asInt()).isEqualTo(1);
    assertThat(ds.get(0).get("entities").get("LOCATION").get("tp").asInt()).isEqualTo(2);
    assertThat(ds.get(0).get("ner_bytes_per_second_one_thread").asLong()).isPositive();
    // without an engine no name is found, and nothing is measured
    assertThat(ds.get(2).get("entities").get("PERSON").get("tp").asInt()).isZero();
    assertThat(ds.get(2).has("ner_bytes_per_second_one_thread")).isFalse();

    CliRun.Result table = run("eval", "--data", f.toString(), "--ner", "gazetteer");
    assertThat(table.out()).contains("[ner: gazetteer]").contains("NER alone");
  }

  @Test
  void unknownNerEngineExitsWithTwoAndNamesTheKnownOnes() throws Exception {
    Path f = dir.resolve("e.jsonl");
    Files.write(f, List.of("{\"id\":\"a\",\"text\":\"x\",\"spans\":[]}"));
    CliRun.Result r = run("eval", "--data", f.toString(), "--ner", "model,spacy");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip()).contains("spacy").contains("gazetteer").doesNotContain("\n");
  }

  @Test
  void theOnnxEngineIsInstalledAndItsMissingModelIsOneClearLine() throws Exception {
    Path f = dir.resolve("e.jsonl");
    Files.write(f, List.of("{\"id\":\"a\",\"text\":\"x\",\"spans\":[]}"));
    CliRun.Result r = run("eval", "--data", f.toString(), "--ner", "onnx");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip()).contains("onnx NER").contains("'dir'").doesNotContain("\n");
    CliRun.Result missing = run("eval", "--data", f.toString(), "--ner", "onnx", "--ner-option", "dir=" + dir.resolve("none"));
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err().strip()).contains("option 'dir' is not a folder").doesNotContain("\n");
  }

  @Test
  void corenlpWithoutItsPluginExitsWithTwoAndSaysHowToInstallIt() throws Exception {
    Path f = dir.resolve("c.jsonl");
    Files.write(f, List.of("{\"id\":\"a\",\"text\":\"x\",\"spans\":[]}"));
    CliRun.Result r = run("eval", "--data", f.toString(), "--ner", "corenlp", "--ner-option", "classifier=/opt/en.crf.ser.gz");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip()).contains("'corenlp'").contains("VEIL_PLUGINS").doesNotContain("\n");
  }

  /** qa8: "bad span [0, 9)" did not say what was wrong with it; the reason is named, never the text. */
  @Test
  void aBadSpanIsOneLineThatSaysWhatIsWrongAndQuotesNoText() throws Exception {
    String[][] cases = {
        {"{\"start\":0,\"end\":9,\"label\":\"PERSON\"}", "bad span [0, 9): the text has 8 code points (offsets count code points)"},
        {"{\"start\":3,\"end\":3,\"label\":\"PERSON\"}", "bad span [3, 3): \"end\" must be after \"start\""},
        {"{\"start\":-1,\"end\":3,\"label\":\"PERSON\"}", "bad span [-1, 3): \"start\" and \"end\" must be non-negative integers"},
        {"{\"start\":0,\"end\":3}", "bad span [0, 3): no \"label\""}};
    for (String[] c : cases) {
      Path f = dir.resolve("spans.jsonl");
      Files.write(f, List.of("{\"id\":\"a\",\"text\":\"Jane Doé\",\"spans\":[" + c[0] + "]}"));
      CliRun.Result r = run("eval", "--data", f.toString());
      assertThat(r.exit()).as(c[0]).isEqualTo(2);
      assertThat(r.err().strip()).as(c[0]).isEqualTo("veil: " + f + ":1: " + c[1]).doesNotContain("Jane");
    }
  }

  /**
   * {@code --language auto} scores the path the gateway takes (no language given): the German sentence below names no
   * function word the guesser knows, so read as English the role noun joins the name (docs/notes/names16.md), and the
   * exact match counts it wrong; with the line's {@code "lang":"de"} it is right.
   */
  @Test
  void languageAutoIgnoresTheLinesLanguageAsTheGatewayDoes() throws Exception {
    Path f = dir.resolve("eval.jsonl");
    Files.write(f, List.of("{\"text\":\"Gestern eröffnete Landrätin Sabine Kuhlmann die neue Schule in Jena.\","
        + "\"lang\":\"de\",\"spans\":[{\"start\":28,\"end\":43,\"label\":\"PERSON\"}]}"));
    JsonNode given = new ObjectMapper().readTree(
        run("eval", "--data", f.toString(), "--match", "exact", "--types", "PERSON", "--json").out());
    CliRun.Result auto = run("eval", "--data", f.toString(), "--match", "exact", "--types", "PERSON", "--json",
        "--language", "auto");
    assertThat(auto.exit()).as(auto.err()).isZero();
    JsonNode guessed = new ObjectMapper().readTree(auto.out());
    assertThat(given.at("/datasets/0/entities/PERSON/tp").asInt()).isEqualTo(1);
    assertThat(guessed.at("/datasets/0/entities/PERSON/tp").asInt()).isZero();

    CliRun.Result bad = run("eval", "--data", f.toString(), "--language", "fr");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("--language must be data or auto");
  }
}
