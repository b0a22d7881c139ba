package io.veil.cli;

import static io.veil.cli.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A group command run without a subcommand prints its usage with the subcommands on stdout and exits 0. */
class CommandGroupTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "audit|verify export",
      "consent|show grant withdraw",
      "dsr|list export erase verify deny",
      "keys|create list revoke rotate",
      "ner|train",
      "privacy|link",
      "retention|run",
  })
  void printsItsUsageWithTheSubcommands(String group, String subcommands) {
    CliRun.Result r = cli().run(group);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("Usage: veil " + group).contains("Commands:");
    for (String sub : subcommands.split(" ")) {
      assertThat(r.out()).containsPattern("(?m)^\\s+" + sub + "\\b");
    }
    assertThat(r.err()).isEmpty();
  }
}
