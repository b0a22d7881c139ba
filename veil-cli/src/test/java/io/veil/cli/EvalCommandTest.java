package io.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvalCommandTest {
  @TempDir
  Path dir;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cl = VeilCli.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void jsonOutputFollowsTheDesignContract() throws Exception {
    Path f = dir.resolve("eval.jsonl");
    Files.write(f, List.of(
        "{\"id\":\"a\",\"text\":\"Write to jane.doe@example.com today\",\"spans\":[{\"start\":9,\"end\":29,\"label\":\"EMAIL\"}]}"));
    Run r = run("eval", "--data", f.toString(), "--json");
    assertThat(r.code()).isZero();
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
  void missingFileAndBadMatchModeExitWithTwoAndOneLine() {
    Run missing = run("eval", "--data", dir.resolve("nope.jsonl").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err().strip()).startsWith("veil: ").contains("nope.jsonl").doesNotContain("\n");
    Run bad = run("eval", "--data", "x", "--match", "fuzzy");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--match");
    Run unknown = run("eval", "--frobnicate");
    assertThat(unknown.code()).isEqualTo(2);
  }

  @Test
  void nerComparesEnginesOnTheSameData() throws Exception {
    Path f = dir.resolve("names.jsonl");
    Files.write(f, List.of(
        "{\"id\":\"a\",\"text\":\"Please forward this to Jennifer Lopez by Friday.\",\"spans\":[{\"start\":23,\"end\":37,\"label\":\"PERSON\"}]}",
        "{\"id\":\"b\",\"text\":\"She moved from Rotterdam to Lisbon.\",\"spans\":[{\"start\":15,\"end\":24,\"label\":\"LOCATION\"},{\"start\":28,\"end\":34,\"label\":\"LOCATION\"}]}"));
    Run r = run("eval", "--data", f.toString(), "--ner", "model,gazetteer,none", "--json");
    assertThat(r.code()).as(r.err()).isZero();
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

    Run table = run("eval", "--data", f.toString(), "--ner", "gazetteer");
    assertThat(table.out()).contains("[ner: gazetteer]").contains("NER alone");
  }

  @Test
  void unknownNerEngineExitsWithTwoAndNamesTheKnownOnes() throws Exception {
    Path f = dir.resolve("e.jsonl");
    Files.write(f, List.of("{\"id\":\"a\",\"text\":\"x\",\"spans\":[]}"));
    Run r = run("eval", "--data", f.toString(), "--ner", "model,spacy");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip()).contains("spacy").contains("gazetteer").doesNotContain("\n");
  }

  @Test
  void corenlpWithoutItsPluginExitsWithTwoAndSaysHowToInstallIt() throws Exception {
    Path f = dir.resolve("c.jsonl");
    Files.write(f, List.of("{\"id\":\"a\",\"text\":\"x\",\"spans\":[]}"));
    Run r = run("eval", "--data", f.toString(), "--ner", "corenlp", "--ner-option", "classifier=/opt/en.crf.ser.gz");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip()).contains("'corenlp'").contains("VEIL_PLUGINS").doesNotContain("\n");
  }
}
