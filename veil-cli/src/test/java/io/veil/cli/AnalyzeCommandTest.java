package io.veil.cli;

import static io.veil.cli.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalyzeCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir
  Path dir;

  private static JsonNode json(String line) throws Exception {
    return MAPPER.readTree(line);
  }

  @Test
  void jsonFindingsOnTextFromStdinHaveUtf16OffsetsAndNoTextByDefault() throws Exception {
    // "😀" is two UTF-16 units: the e-mail starts at 7, not 6
    CliRun.Result r = cli().withTestAnalyzer().stdin("Hi 😀, jane.doe@example.com!").run("analyze", "--json");
    assertThat(r.exit()).isZero();
    assertThat(r.err()).isEmpty();
    JsonNode f = json(r.out()).get("findings").get(0);
    assertThat(f.get("start").asInt()).isEqualTo(7);
    assertThat(f.get("end").asInt()).isEqualTo(27);
    assertThat(f.get("type").asText()).isEqualTo("EMAIL");
    assertThat(f.get("score").asDouble()).isEqualTo(0.9);
    assertThat(f.has("text")).isFalse();
    assertThat(r.out()).doesNotContain("jane.doe");
  }

  @Test
  void showTextAddsTheValue() throws Exception {
    CliRun.Result r = cli().withTestAnalyzer().stdin("mail jane@example.com").run("analyze", "--json", "--show-text");
    assertThat(json(r.out()).at("/findings/0/text").asText()).isEqualTo("jane@example.com");
  }

  @Test
  void jsonlGivesOneLinePerRecordInOrderWithIds() throws Exception {
    String in = """
        {"id": "a", "text": "x@example.com and y@example.org"}
        {"text": "nothing here"}

        {"id": 3, "text": "z@example.net", "other": "w@example.com"}
        """;
    CliRun.Result r = cli().withTestAnalyzer().stdin(in).run("analyze", "--format", "jsonl", "--json");
    assertThat(r.exit()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(json(lines.get(0)).get("id").asText()).isEqualTo("a");
    assertThat(json(lines.get(0)).get("findings")).hasSize(2);
    assertThat(json(lines.get(1)).get("id").isNull()).isTrue();
    assertThat(json(lines.get(1)).get("findings")).isEmpty();
    assertThat(json(lines.get(2)).get("id").asInt()).isEqualTo(3);
    assertThat(json(lines.get(2)).get("findings")).hasSize(1);
    assertThat(json(lines.get(2)).at("/findings/0/start").asInt()).isZero();
    assertThat(json(lines.get(2)).at("/findings/0").has("path")).isFalse();
  }

  /** Jackson separates root values with a space by default: every line after the first began with one. */
  @Test
  void jsonOutputLinesAreExactlyOneObjectEachWithNothingBeforeIt() throws Exception {
    String in = "{\"id\":1,\"text\":\"a@example.com\"}\n{\"id\":2,\"text\":\"b\"}\n{\"id\":3,\"text\":\"c\"}\n";
    CliRun.Result r = cli().withTestAnalyzer().stdin(in).run("analyze", "--format", "jsonl", "--json");
    assertThat(r.exit()).isZero();
    assertThat(r.out().lines().toList()).hasSize(3).allSatisfy(line -> assertThat(line).startsWith("{").endsWith("}"));

    Path a = dir.resolve("a.txt");
    Path b = dir.resolve("b.txt");
    java.nio.file.Files.writeString(a, "mail a@example.com");
    java.nio.file.Files.writeString(b, "mail b@example.com");
    CliRun.Result files = cli().withTestAnalyzer().run("analyze", "--json", a.toString(), b.toString());
    assertThat(files.out().lines().toList()).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("{"));
  }

  @Test
  void fieldSelectsWhatToAnalyseAndIndefinitePathsNameEachString() throws Exception {
    String in = "{\"id\":1,\"messages\":[{\"content\":\"a@example.com\"},{\"content\":\"ok\"},{\"content\":\"b@example.com\"}]}\n";
    CliRun.Result r = cli().withTestAnalyzer().stdin(in)
        .run("analyze", "--format=jsonl", "--field", "$.messages[*].content", "--json");
    JsonNode findings = json(r.out()).get("findings");
    assertThat(findings).hasSize(2);
    assertThat(findings.get(0).get("path").asText()).isEqualTo("$.messages[0].content");
    assertThat(findings.get(1).get("path").asText()).isEqualTo("$.messages[2].content");
  }

  @Test
  void jsonDocumentFromAFileUsesEveryStringByDefault() throws Exception {
    Path file = dir.resolve("doc.json");
    Files.writeString(file, "{\"to\": \"a@example.com\", \"n\": 1, \"cc\": [\"b@example.com\"]}");
    CliRun.Result r = cli().withTestAnalyzer().run("analyze", "--json", file.toString());
    JsonNode out = json(r.out());
    assertThat(out.get("file").asText()).isEqualTo(file.toString());
    assertThat(out.get("findings")).extracting(n -> n.get("path").asText())
        .containsExactly("$.to", "$.cc[0]");
  }

  @Test
  void tableByDefaultWithASummary() {
    CliRun.Result r = cli().withTestAnalyzer().stdin("a@example.com b@example.com").run("analyze");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("SOURCE", "START", "EMAIL", "0.90").doesNotContain("a@example.com");
    assertThat(r.out().strip()).endsWith("2 findings: EMAIL 2");
  }

  @Test
  void tableShowsTextWithControlCharactersEscapedWhenAsked() {
    CliRun.Result r = cli().withTestAnalyzer().stdin("a@example.com").run("analyze", "--show-text");
    assertThat(r.out()).contains("TEXT", "a@example.com");
  }

  @Test
  void outputFileGetsTheReport() throws Exception {
    Path out = dir.resolve("report.jsonl");
    CliRun.Result r = cli().withTestAnalyzer().stdin("a@example.com").run("analyze", "--json", "-o", out.toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(json(Files.readString(out)).get("findings")).hasSize(1);
  }

  @Test
  void severalFilesAreReportedInOrder() throws Exception {
    Path a = Files.writeString(dir.resolve("a.txt"), "one@example.com");
    Path b = Files.writeString(dir.resolve("b.txt"), "nothing");
    CliRun.Result r = cli().withTestAnalyzer().run("analyze", "--json", a.toString(), b.toString());
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(json(lines.get(0)).get("file").asText()).endsWith("a.txt");
    assertThat(json(lines.get(1)).get("findings")).isEmpty();
  }

  @Test
  void langIsPassedToTheAnalyzer() {
    CliRun.Result r = cli().withTestAnalyzer().stdin("x").run("analyze", "--lang", "DE", "--json");
    assertThat(r.exit()).isZero();
  }

  @Test
  void policyFileAddsCustomPatterns() throws Exception {
    Path policy = Files.writeString(dir.resolve("p.yaml"), """
        version: "t"
        custom_patterns:
          - {name: employee_id, type: EMPLOYEE_ID, regex: "EMP-[0-9]{6}", score: 0.9}
        """);
    CliRun.Result r = cli().stdin("badge EMP-123456").run("analyze", "--json", "--policy", policy.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode f = json(r.out()).at("/findings/0");
    assertThat(f.get("type").asText()).isEqualTo("EMPLOYEE_ID");
    assertThat(f.get("start").asInt()).isEqualTo(6);
    assertThat(f.get("end").asInt()).isEqualTo(16);
  }

  /** The default policy's analyzer: passes once veil-core's recognizers are on main. */
  @Test
  void defaultAnalyzerFindsAnEmailAndACard() throws Exception {
    CliRun.Result r = cli().stdin("Write to jane.doe@example.com, card 4111 1111 1111 1111.")
        .run("analyze", "--json");
    assertThat(r.exit()).isZero();
    assertThat(json(r.out()).get("findings")).extracting(n -> n.get("type").asText())
        .contains("EMAIL", "CREDIT_CARD");
  }
}
