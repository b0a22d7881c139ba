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
}
