package io.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every {@code veil} command warns once, on standard error, about {@code VEIL_*} variables that Veil does
 * not read, by name and never by value. Before, only {@code serve} and {@code doctor} did, so a misspelt
 * {@code VEIL_DATA_DIR} made {@code veil keys} (or {@code audit}, {@code dsr}, …) silently use another
 * data directory.
 */
class EnvironmentWarningTest {
  private static final String SECRET = "sk-proj-CLI-ENV-SECRET-0123456789abcdef";

  @TempDir Path tmp;

  private record Run(int exit, String out, String err) {
    List<String> warnings() {
      return err.lines().filter(l -> l.startsWith("veil: warning:")).toList();
    }
  }

  private static Run run(Map<String, String> env, String... args) {
    CommandLine cl = VeilCli.newCommandLine(env);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void aStoreCommandNamesMisspeltVariablesOnceWithoutTheirValues() {
    Map<String, String> env = Map.of("VEIL_DATA_DIRR", "/srv/veil", "VEIL_UPSTREAM_APIKEY", SECRET,
        "VEIL_LOG_LEVEL", "INFO");
    Run r = run(env, "keys", "list", "--data-dir", CliRun.withStore(tmp.resolve("d")).toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.warnings()).containsExactly("veil: warning: ignoring unknown environment variables (not read by"
        + " Veil): VEIL_DATA_DIRR (did you mean VEIL_DATA_DIR?), VEIL_UPSTREAM_APIKEY (did you mean"
        + " VEIL_UPSTREAM_API_KEY?)");
    assertThat(r.out() + r.err()).doesNotContain(SECRET).doesNotContain("/srv/veil");
  }

  @Test
  void aCommandWithoutTheStoreWarnsToo() {
    Run r = run(Map.of("VEIL_PROT", "8443"), "mock-llm", "--help");
    assertThat(r.warnings()).as("help output is left alone").isEmpty();
    Run audit = run(Map.of("VEIL_PROT", "8443"), "audit", "verify", "--data-dir", tmp.resolve("a").toString());
    assertThat(audit.warnings()).singleElement().asString().contains("VEIL_PROT (did you mean VEIL_PORT?)")
        .doesNotContain("8443");
  }

  @Test
  void noWarningForAKnownEnvironmentAndNoSecondOneFromServeOrDoctor() {
    Run clean = run(Map.of("VEIL_LOG_LEVEL", "INFO", "VEIL_PORT", "0"), "keys", "list", "--data-dir",
        tmp.resolve("c").toString());
    assertThat(clean.warnings()).isEmpty();
    Run version = run(Map.of("VEIL_PROT", "1"), "--version");
    assertThat(version.warnings()).isEmpty();
    // doctor reports the names as its environment.variables check instead of a warning line
    Run doctor = run(Map.of("VEIL_PROT", "1"), "doctor", "--data-dir", tmp.resolve("doc").toString());
    assertThat(doctor.warnings()).isEmpty();
  }

  /**
   * ops16: with {@code VEIL_LOG_FORMAT=json} the log lines are JSON, but the unknown-variable warning and {@code veil
   * serve}'s own lines before logging (a refused start, notices) stayed plain text, which a log shipper parsing the
   * stream drops or misreads. Every one is now a JSON object with the log lines' fields; text is unchanged without it.
   */
  @Test
  void withJsonLogsTheWarningAndServesOwnLinesAreJsonObjects() throws Exception {
    Map<String, String> env = Map.of("VEIL_LOG_FORMAT", "json", "VEIL_PROT", "8443");
    Run keys = run(env, "keys", "list", "--data-dir", CliRun.withStore(tmp.resolve("k")).toString());
    assertThat(keys.exit()).as(keys.err()).isZero();
    assertThat(jsonLines(keys.err())).singleElement().satisfies(line -> {
      assertThat(line.path("level").asText()).isEqualTo("WARN");
      assertThat(line.path("loggerName").asText()).isEqualTo("veil");
      assertThat(line.path("timestamp").asLong()).isPositive();
      assertThat(line.path("formattedMessage").asText()).contains("VEIL_PROT (did you mean VEIL_PORT?)")
          .doesNotContain("8443");
    });

    // veil serve: the warning, then a refused start (an address that is not this machine's)
    Map<String, String> serveEnv = Map.of("VEIL_LOG_FORMAT", "json", "VEIL_PROT", "8443", "VEIL_HOST", "192.0.2.1");
    StringWriter err = new StringWriter();
    CommandLine serve = new CommandLine(new ServeCommand(serveEnv));
    serve.setOut(new PrintWriter(new StringWriter(), true));
    serve.setErr(new PrintWriter(err, true));
    int exit = serve.execute("--data-dir", tmp.resolve("s").toString(), "--port", "0", "--upstream", "mock");
    assertThat(exit).isEqualTo(VeilCli.EXIT_USAGE);
    List<com.fasterxml.jackson.databind.JsonNode> lines = jsonLines(err.toString());
    assertThat(lines).extracting(l -> l.path("level").asText()).containsExactly("WARN", "ERROR");
    assertThat(lines.get(1).path("formattedMessage").asText()).startsWith("server.host (VEIL_HOST) 192.0.2.1");

    // text stays text
    Run text = run(Map.of("VEIL_PROT", "8443"), "keys", "list", "--data-dir", tmp.resolve("k").toString());
    assertThat(text.warnings()).singleElement().asString().startsWith("veil: warning: ignoring unknown");
  }

  /** Every line of {@code err} as JSON (fails on a line that is not an object). */
  private static List<com.fasterxml.jackson.databind.JsonNode> jsonLines(String err) {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    return err.lines().map(l -> {
      try {
        com.fasterxml.jackson.databind.JsonNode n = json.readTree(l);
        assertThat(n.isObject()).as(l).isTrue();
        return n;
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new AssertionError("not a JSON line: " + l, e);
      }
    }).toList();
  }
}
