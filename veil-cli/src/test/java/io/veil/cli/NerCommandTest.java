package io.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NerCommandTest {
  @TempDir
  Path dir;

  private static CliRun.Result run(String... args) {
    return CliRun.cli().run(args);
  }

  @Test
  void trainRefusesAMissingDataFolderAndBadOptionsWithExitTwo() throws Exception {
    CliRun.Result missing = run("ner", "train", "--data", dir.resolve("nope").toString(), "--out", dir.resolve("m.gz").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err().strip()).startsWith("veil: ").contains("nope").doesNotContain("\n");

    CliRun.Result bits = run("ner", "train", "--data", dir.toString(), "--out", dir.resolve("m.gz").toString(), "--bits", "40");
    assertThat(bits.exit()).isEqualTo(2);
    assertThat(bits.err()).contains("bits");

    // a folder without the corpora: a clear error, and no model file left behind
    Files.createDirectories(dir.resolve("data"));
    CliRun.Result empty = run("ner", "train", "--data", dir.resolve("data").toString(), "--out", dir.resolve("m.gz").toString());
    assertThat(empty.exit()).isEqualTo(2);
    assertThat(empty.err()).startsWith("veil: cannot train");
    assertThat(dir.resolve("m.gz")).doesNotExist();
  }

  @Test
  void helpDescribesTraining() {
    CliRun.Result help = run("ner", "train", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("--held-out").contains("80% of Europeana").contains("TRAINING.md");
  }
}
