package io.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class NerCommandTest {
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
  void trainRefusesAMissingDataFolderAndBadOptionsWithExitTwo() throws Exception {
    Run missing = run("ner", "train", "--data", dir.resolve("nope").toString(), "--out", dir.resolve("m.gz").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err().strip()).startsWith("veil: ").contains("nope").doesNotContain("\n");

    Run bits = run("ner", "train", "--data", dir.toString(), "--out", dir.resolve("m.gz").toString(), "--bits", "40");
    assertThat(bits.code()).isEqualTo(2);
    assertThat(bits.err()).contains("bits");

    // a folder without the corpora: a clear error, and no model file left behind
    Files.createDirectories(dir.resolve("data"));
    Run empty = run("ner", "train", "--data", dir.resolve("data").toString(), "--out", dir.resolve("m.gz").toString());
    assertThat(empty.code()).isEqualTo(2);
    assertThat(empty.err()).startsWith("veil: cannot train");
    assertThat(dir.resolve("m.gz")).doesNotExist();
  }

  @Test
  void helpDescribesTraining() {
    Run help = run("ner", "train", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("--held-out").contains("80% of Europeana").contains("TRAINING.md");
  }
}
