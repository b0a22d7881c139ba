package io.veil.cli;

import static io.veil.cli.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input and bad usage: exit code 2, exactly one line on standard error that names the problem,
 * and never any of the input text (the inputs below all contain a marker that must not appear).
 */
class CliErrorsTest {
  private static final String SECRET = "Zyxwvut.Secret@example.com";

  @TempDir
  static Path dir;

  /** One bad-input case: what to run (given the temp dir) and what the error line must say. */
  record Case(String name, byte[] stdin, Function<Path, String[]> args, String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static byte[] bytes(Object... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (Object p : parts) {
      if (p instanceof String s) {
        b.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      } else {
        b.writeBytes((byte[]) p);
      }
    }
    return b.toByteArray();
  }

  private static final byte[] BAD_UTF8 = {(byte) 0xC3, (byte) 0x28};

  private static Path file(Path dir, String name, byte[] content) {
    try {
      return Files.write(dir.resolve(name), content);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    c.add(new Case("invalid UTF-8 on stdin", bytes("Name: " + SECRET + " ", BAD_UTF8), d -> new String[] {},
        "veil: <stdin>:1: invalid UTF-8"));
    c.add(new Case("invalid UTF-8 on line 2 of a text file", null,
        d -> new String[] {file(d, "bad.txt", bytes("ok\n" + SECRET, BAD_UTF8, "\nmore")).toString()},
        "bad.txt:2: invalid UTF-8"));
    c.add(new Case("invalid UTF-8 in JSONL line 3", null,
        d -> new String[] {file(d, "bad-utf8.jsonl", bytes("{\"text\":\"a\"}\n{\"text\":\"b\"}\n{\"text\":\"" + SECRET, BAD_UTF8, "\"}\n")).toString()},
        "bad-utf8.jsonl:3: invalid UTF-8"));
    c.add(new Case("invalid UTF-8 in a JSON document", null,
        d -> new String[] {file(d, "bad-utf8.json", bytes("{\"a\":\n\"" + SECRET, BAD_UTF8, "\"}")).toString()},
        "bad-utf8.json:2: invalid UTF-8"));
    c.add(new Case("malformed JSONL line 3", null,
        d -> new String[] {file(d, "bad.jsonl", bytes("{\"text\":\"a\"}\n{\"text\":\"b\"}\n{\"text\": " + SECRET + "}\n{\"text\":\"d\"}\n")).toString()},
        "bad.jsonl:3: malformed JSON: unexpected character at column"));
    c.add(new Case("JSONL line with two values", bytes("{\"text\":\"x\"} {\"text\":\"" + SECRET + "\"}\n"),
        d -> new String[] {"--format", "jsonl"}, "<stdin>:1: malformed JSON: more than one JSON value"));
    c.add(new Case("JSONL line with a duplicate member", bytes("{\"text\":\"x\",\"text\":\"" + SECRET + "\"}\n"),
        d -> new String[] {"--format", "jsonl"}, "<stdin>:1: malformed JSON: duplicate member name"));
    c.add(new Case("truncated JSON document", null,
        d -> new String[] {file(d, "cut.json", bytes("{\"a\": \"" + SECRET + "\",\n\"b\": [1, 2")).toString()},
        "cut.json:2: malformed JSON: unexpected end of input"));
    c.add(new Case("missing file", null, d -> new String[] {d.resolve("missing.txt").toString()},
        "missing.txt: no such file"));
    c.add(new Case("a directory instead of a file", null, d -> new String[] {d.toString()},
        "is a directory, not a file"));
    c.add(new Case("unknown option", bytes(SECRET), d -> new String[] {"--bogus"}, "veil: Unknown option: '--bogus'"));
    c.add(new Case("unknown format", bytes(SECRET), d -> new String[] {"--format", "xml"},
        "expected text, json or jsonl"));
    c.add(new Case("invalid JSON path", bytes("{\"text\":\"" + SECRET + "\"}"), d -> new String[] {"--format", "jsonl", "--field", "$.a["},
        "invalid JSON path '$.a[': unclosed [ at position 4"));
    c.add(new Case("standard input twice", bytes(SECRET), d -> new String[] {"-", "-"},
        "standard input ('-') can be read only once"));
    c.add(new Case("JSONL line over --max-bytes", bytes("{\"text\":\"" + SECRET + "\"}\n"),
        d -> new String[] {"--format", "jsonl", "--max-bytes", "16"}, "<stdin>:1: line longer than 16 bytes"));
    c.add(new Case("text over --max-bytes", bytes(SECRET), d -> new String[] {"--max-bytes", "8"},
        "<stdin>: larger than 8 bytes"));
    c.add(new Case("bad --max-bytes", bytes(SECRET), d -> new String[] {"--max-bytes", "lots"},
        "is not a size"));
    c.add(new Case("bad --lang", bytes(SECRET), d -> new String[] {"--lang", "english!"},
        "--lang takes a language code"));
    c.add(new Case("missing policy file", bytes(SECRET), d -> new String[] {"--policy", d.resolve("nope.yaml").toString()},
        "nope.yaml: no such policy file"));
    return c;
  }

  static Stream<Arguments> commandsAndCases() {
    return Stream.of("analyze", "redact").flatMap(cmd -> cases().stream().map(c -> Arguments.of(cmd, c)));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("commandsAndCases")
  void badInputGetsOneLineExitTwoAndNoInputEchoed(String command, Case c) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(List.of(c.args().apply(dir)));
    CliRun run = cli().withTestAnalyzer();
    if (c.stdin() != null) {
      run.stdin(c.stdin());
    }
    CliRun.Result r = run.run(args.toArray(String[]::new));
    assertThat(r.exit()).as(r.err()).isEqualTo(VeilCli.EXIT_USAGE);
    assertThat(r.errLines()).as(r.err()).hasSize(1);
    assertThat(r.err()).startsWith("veil: ").contains(c.expected());
    assertThat(r.err() + r.out()).doesNotContainIgnoringCase("zyxwvut").doesNotContainIgnoringCase("secret@");
  }
}
