package io.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code veil dsr verify|deny} with an id that names no request: a usage error (exit 2) with one clear line, not
 * {@code veil: internal error (IllegalArgumentException)} (QA pass, docs/notes/qa3.md).
 */
class DsrCommandErrorsTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "verify, nosuch", "verify, 00000000-0000-0000-0000-000000000000",
      "deny, nosuch", "deny, 00000000-0000-0000-0000-000000000000"})
  void anUnknownRequestIdIsAClearUsageError(String action, String id) {
    CliRun.withStore(dir);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = VeilCli.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] args = action.equals("deny")
        ? new String[] {"dsr", "deny", id, "--reason", "excessive", "--data-dir", dir.toString()}
        : new String[] {"dsr", "verify", id, "--data-dir", dir.toString()};
    int exit = cl.execute(args);
    assertThat(exit).as(err.toString()).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("veil: no such privacy request (see veil dsr list --tenant T --all)");
  }
}
