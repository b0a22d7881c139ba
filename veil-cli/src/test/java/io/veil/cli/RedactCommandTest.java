package io.veil.cli;

import static io.veil.cli.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedactCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void textFromStdinToStdout() {
    CliRun.Result r = cli().withTestAnalyzer().stdin("Mail jane@example.com now.\nBye").run("redact");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo("Mail <EMAIL> now.\nBye");
  }

  @Test
  void jsonKeepsStructureNumbersAndUnselectedFields() throws Exception {
    Path in = Files.writeString(dir.resolve("chat.json"), """
        {"model":"m","temperature":0.70,"big":12345678901234567890,
         "messages":[{"role":"user","content":"I am a@example.com"},{"role":"user","content":7}],
         "user":"b@example.com"}""");
    CliRun.Result r = cli().withTestAnalyzer().run("redact", "--field", "$.messages[*].content", in.toString());
    assertThat(r.exit()).isZero();
    JsonNode out = MAPPER.readTree(r.out());
    assertThat(out.at("/messages/0/content").asText()).isEqualTo("I am <EMAIL>");
    assertThat(out.at("/messages/1/content").asInt()).isEqualTo(7);
    assertThat(out.at("/user").asText()).isEqualTo("b@example.com"); // not selected
    assertThat(r.out()).contains("0.70", "12345678901234567890");
  }

  @Test
  void jsonDefaultsToEveryString() throws Exception {
    CliRun.Result r = cli().withTestAnalyzer().stdin("{\"a\":{\"b\":[\"x@example.com\"]},\"c\":\"y@example.com\"}")
        .run("redact", "--format", "json");
    assertThat(r.out()).doesNotContain("@example.com").contains("<EMAIL>");
  }

  @Test
  void jsonlStreamsLineByLineAndKeepsBlankLines() {
    String in = "{\"id\":1,\"text\":\"a@example.com\"}\n\n{\"id\":2,\"text\":\"none\",\"x\":\"b@example.com\"}\n";
    CliRun.Result r = cli().withTestAnalyzer().stdin(in).run("redact", "--format", "jsonl");
    assertThat(r.out()).isEqualTo(
        "{\"id\":1,\"text\":\"<EMAIL>\"}\n\n{\"id\":2,\"text\":\"none\",\"x\":\"b@example.com\"}\n");
  }

  @Test
  void outputFileIsWrittenWhole() throws Exception {
    Path in = Files.writeString(dir.resolve("in.jsonl"), "{\"text\":\"a@example.com\"}\n");
    Path out = dir.resolve("out.jsonl");
    CliRun.Result r = cli().withTestAnalyzer().run("redact", "--output", out.toString(), in.toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(Files.readString(out)).isEqualTo("{\"text\":\"<EMAIL>\"}\n");
  }

  @Test
  void malformedLineMidwayLeavesThePreviousOutputUntouchedAndNoTemporaryFile() throws Exception {
    Path in = Files.writeString(dir.resolve("in.jsonl"),
        "{\"text\":\"a@example.com\"}\n{\"text\":\"b@example.com\"}\n{\"text\": secret@example.com}\n");
    Path out = Files.writeString(dir.resolve("out.jsonl"), "previous\n");
    CliRun.Result r = cli().withTestAnalyzer().run("redact", "-o", out.toString(), in.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("veil: " + in + ":3: malformed JSON").doesNotContain("secret");
    assertThat(Files.readString(out)).isEqualTo("previous\n");
    assertThat(listing()).containsExactly("in.jsonl", "out.jsonl");
  }

  @Test
  void outputDirWritesEachFileUnderItsName() throws Exception {
    Path src = Files.createDirectory(dir.resolve("src"));
    Path a = Files.writeString(src.resolve("a.txt"), "a@example.com");
    Path b = Files.writeString(src.resolve("b.json"), "[\"b@example.com\"]");
    Path outDir = dir.resolve("out");
    CliRun.Result r = cli().withTestAnalyzer().run("redact", "--output-dir", outDir.toString(), a.toString(), b.toString());
    assertThat(r.exit()).isZero();
    assertThat(Files.readString(outDir.resolve("a.txt"))).isEqualTo("<EMAIL>");
    assertThat(MAPPER.readTree(Files.readString(outDir.resolve("b.json"))).get(0).asText()).isEqualTo("<EMAIL>");
  }

  @Test
  void outputDirRefusesStdinAndClashingNames() throws Exception {
    CliRun.Result r = cli().withTestAnalyzer().stdin("x").run("redact", "--output-dir", dir.resolve("o").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--output-dir needs input files");
    Path a = Files.writeString(Files.createDirectory(dir.resolve("1")).resolve("same.txt"), "x");
    Path b = Files.writeString(Files.createDirectory(dir.resolve("2")).resolve("same.txt"), "y");
    r = cli().withTestAnalyzer().run("redact", "--output-dir", dir.resolve("o").toString(), a.toString(), b.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("same file name");
    assertThat(Files.exists(dir.resolve("o"))).isFalse();
  }

  @Test
  void outputAndOutputDirExcludeEachOther() {
    CliRun.Result r = cli().withTestAnalyzer().stdin("x")
        .run("redact", "-o", dir.resolve("a").toString(), "--output-dir", dir.resolve("b").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.errLines()).hasSize(1);
  }

  private Path employeePolicy() throws Exception {
    return Files.writeString(dir.resolve("policy.yaml"), """
        version: "test-1"
        custom_patterns:
          - {name: employee_id, type: EMPLOYEE_ID, regex: "EMP-[0-9]{6}", score: 0.9}
        """);
  }

  @Test
  void realEngineWithAPolicyFileNumbersTokensPerInput() throws Exception {
    CliRun.Result r = cli().stdin("Badge EMP-123456, again EMP-123456, other EMP-654321.")
        .run("redact", "--policy", employeePolicy().toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("Badge <EMPLOYEE_ID_1>, again <EMPLOYEE_ID_1>, other <EMPLOYEE_ID_2>.");
  }

  @Test
  void realEngineOnJsonlStartsEachRecordAfresh() throws Exception {
    String in = "{\"text\":\"EMP-111111\"}\n{\"text\":\"EMP-222222 EMP-111111\"}\n";
    CliRun.Result r = cli().stdin(in).run("redact", "--format", "jsonl", "--policy", employeePolicy().toString());
    assertThat(r.out()).isEqualTo(
        "{\"text\":\"<EMPLOYEE_ID_1>\"}\n{\"text\":\"<EMPLOYEE_ID_1> <EMPLOYEE_ID_2>\"}\n");
  }

  @Test
  void operatorOverridesThePolicyForEveryType() throws Exception {
    Path policy = Files.writeString(dir.resolve("p2.yaml"), """
        version: "test-2"
        entities:
          EMPLOYEE_ID: {operator: mask, keep_last: 2, threshold: 0.5}
        custom_patterns:
          - {name: employee_id, type: EMPLOYEE_ID, regex: "EMP-[0-9]{6}", score: 0.9}
        """);
    CliRun.Result r = cli().stdin("id EMP-123456").run("redact", "--policy", policy.toString(), "--operator", "redact");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("id [REDACTED]");
    r = cli().stdin("id EMP-123456").run("redact", "--operator", "redact", "--policy", employeePolicy().toString());
    assertThat(r.out()).isEqualTo("id [REDACTED]");
  }

  @Test
  void unknownOperatorOrInvalidPolicyIsAUsageError() throws Exception {
    CliRun.Result r = cli().stdin("x").run("redact", "--operator", "shred");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("veil: ").contains("expected one of placeholder");
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "version: v\nsecret_field: Jane Doe\n");
    r = cli().stdin("x").run("redact", "--policy", bad.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("bad.yaml: invalid policy:").doesNotContain("Jane");
  }

  /** The real engine: passes once veil-core's recognizers and transformation are on main. */
  @Test
  void defaultPolicyReplacesAnEmailWithAPlaceholder() {
    CliRun.Result r = cli().stdin("Write to jane.doe@example.com today.").run("redact");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).doesNotContain("jane.doe@example.com").contains("<EMAIL_1>");
  }

  /** The real engine on JSONL: tokens are numbered per record. */
  @Test
  void defaultPolicyOnJsonl() throws Exception {
    String in = "{\"text\":\"a@example.com\"}\n{\"text\":\"b@example.com\"}\n";
    CliRun.Result r = cli().stdin(in).run("redact", "--format", "jsonl");
    assertThat(r.exit()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(2).noneMatch(l -> l.contains("@example."));
  }

  private List<String> listing() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
