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
}
