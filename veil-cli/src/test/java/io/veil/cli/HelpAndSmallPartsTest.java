package io.veil.cli;

import static io.veil.cli.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class HelpAndSmallPartsTest {

  @ParameterizedTest
  @ValueSource(strings = {"analyze", "redact"})
  void everyOptionAndParameterIsDescribed(String name) {
    CommandLine sub = VeilCli.newCommandLine().getSubcommands().get(name);
    assertThat(sub).isNotNull();
    for (OptionSpec o : sub.getCommandSpec().options()) {
      assertThat(String.join("", o.description())).as(o.longestName()).isNotBlank();
    }
    sub.getCommandSpec().positionalParameters()
        .forEach(p -> assertThat(String.join("", p.description())).isNotBlank());
  }

  @ParameterizedTest
  @ValueSource(strings = {"analyze", "redact"})
  void helpPrintsUsageAndExamples(String name) {
    CliRun.Result r = cli().run(name, "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Usage: veil " + name, "--format", "--field", "--lang", "--policy", "Examples:",
        "text, json, jsonl", "Exit status");
  }

  @Test
  void rootHelpListsBothCommands() {
    assertThat(cli().run("--help").out()).contains("analyze", "redact");
  }

  @Test
  void bashCompletionKnowsTheCommandsOptionsAndFormats() {
    CliRun.Result r = cli().run("generate-completion");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("complete -F", "analyze", "redact", "--output-dir", "--show-text", "jsonl");
  }

  @ParameterizedTest
  @CsvSource({"a.json,JSON", "A.JSONL,JSONL", "x.ndjson,JSONL", "notes.txt,TEXT", "noext,TEXT", "x.json.txt,TEXT"})
  void formatIsGuessedFromTheExtension(String file, InputFormat expected) {
    assertThat(InputFormat.guess(file)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"65536,65536", "64k,65536", "64M,67108864", "1g,1073741824"})
  void sizesTakeBinarySuffixes(String in, long expected) {
    assertThat(new ByteSizeConverter().convert(in)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "12x", "", "99999999999g"})
  void badSizesAreRefused(String in) {
    assertThatThrownBy(() -> new ByteSizeConverter().convert(in))
        .isInstanceOf(CommandLine.TypeConversionException.class);
  }

  @Test
  void progressBarShowsBytesPercentageAndRateThrottledAndErasesItself() {
    StringWriter sw = new StringWriter();
    AtomicLong clock = new AtomicLong();
    long mib = 1024 * 1024;
    ProgressBar bar = new ProgressBar(new PrintWriter(sw), "big.jsonl", 10 * mib, true, clock::get);
    clock.set(1_000_000_000L); // 1 s
    bar.update(5 * mib);
    assertThat(sw.toString()).isEqualTo("\r" + bar.render(5 * mib, 1_000_000_000L));
    assertThat(sw.toString()).contains("big.jsonl", " 50%", "5.0 MiB/10.0 MiB", "5.0 MiB/s");
    bar.update(6 * mib); // within 200 ms: not redrawn
    assertThat(sw.toString()).doesNotContain(" 60%");
    clock.addAndGet(300_000_000L);
    bar.update(6 * mib);
    assertThat(sw.toString()).contains(" 60%");
    bar.finish();
    assertThat(sw.toString()).endsWith("\r");
  }

  @Test
  void disabledProgressBarDrawsNothing() {
    StringWriter sw = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(sw), "x", 100, false, System::nanoTime);
    bar.update(50);
    bar.finish();
    assertThat(sw.toString()).isEmpty();
  }
}
