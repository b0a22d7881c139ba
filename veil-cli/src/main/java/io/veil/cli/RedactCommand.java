package io.veil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.core.Policy;
import io.veil.core.Scope;
import io.veil.core.TokenVault;
import io.veil.core.transform.Operators;
import io.veil.core.Veil;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code veil redact}: writes text, JSON or JSONL with its personal data replaced as the policy says
 * (placeholder tokens such as {@code <EMAIL_1>} by default).
 *
 * <p>Tokens are numbered per input file for text and JSON, and per line for JSONL (each record is
 * its own conversation, which keeps memory bounded on large files). JSON keeps its structure; only
 * the string values the JSON path selects change. Output files are written whole or not at all.
 *
 * <p><b>Security:</b> the output of a redaction is only as good as the detection; it is meant to be
 * shared, but review it where a miss would be costly. Nothing read is echoed in error messages.
 */
@Command(name = "redact", mixinStandardHelpOptions = true, sortOptions = false,
    synopsisHeading = "Usage: ",
    description = {
        "Replaces personal data in text, JSON or JSONL and writes the result.",
        "JSON keeps its structure: only the selected string values change."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  echo 'Call Jane at +44 20 7946 0958' | veil redact",
        "  veil redact --policy policy.yaml --output notes.redacted.txt notes.txt",
        "  veil redact --field '$..content' --output-dir redacted/ a.json b.json",
        "  veil redact --format jsonl --field text big.jsonl > big.redacted.jsonl",
        "",
        "Exit status: 0 done, 1 detection or output failed, 2 bad input or usage."})
public final class RedactCommand extends TextCommand {

  /** Replaces the personal data in one string within a scope. */
  @FunctionalInterface
  interface Transform {
    String apply(Scope scope, String text, String language);
  }

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Write the result to FILE instead of standard output (whole or not at all). "
          + "Several text or JSONL inputs are concatenated; JSON takes one input.")
  Path output;

  @Option(names = "--operator", paramLabel = "NAME", completionCandidates = OperatorNames.class,
      converter = OperatorNames.class,
      description = "Replace every type with this operator, overriding the policy: ${COMPLETION-CANDIDATES}. "
          + "hash and encrypt use keys made for this run only.")
  String operator;

  @Option(names = "--output-dir", paramLabel = "DIR",
      description = "Write each input file to DIR under its own file name (created if missing).")
  Path outputDir;

  /** Replaces {@link Veil#pseudonymize} when set (tests of the plumbing). */
  Transform transformOverride;

  private Transform transform;
  /** Cleared after each scope: nothing is ever restored from a CLI run, and memory stays bounded. */
  private TokenVault vault;
  private final String runId = UUID.randomUUID().toString();
  private int inputIndex;

  @Override
  void execute(List<InputSource> inputs) throws IOException {
    if (output != null && outputDir != null) {
      throw new InputException("--output and --output-dir cannot be used together");
    }
    if (outputDir != null) {
      checkOutputDir(inputs);
    }
    if (output != null && inputs.size() > 1 && inputs.stream().anyMatch(i -> formatOf(i) == InputFormat.JSON)) {
      throw new InputException("--output takes a single JSON input; use --output-dir for several");
    }
    Policy loaded = Policies.load(policy, operator); // checked even when the transformation is given
    if (transformOverride != null) {
      transform = transformOverride;
    } else {
      Veil veil = Veil.builder().policy(loaded).build();
      transform = (scope, text, language) -> veil.pseudonymize(scope, text, language).text();
      vault = veil.vault();
    }
    if (outputDir != null) {
      Files.createDirectories(outputDir);
      for (InputSource in : inputs) {
        writeAtomically(outputDir.resolve(in.path().getFileName()), List.of(in));
      }
    } else if (output != null) {
      writeAtomically(output, inputs);
    } else {
      Writer out = spec.commandLine().getOut();
      for (InputSource in : inputs) {
        redact(in, out);
      }
      out.flush();
    }
  }

  private void checkOutputDir(List<InputSource> inputs) {
    if (Files.exists(outputDir) && !Files.isDirectory(outputDir)) {
      throw InputException.at(outputDir.toString(), 0, "is not a directory");
    }
    Set<Path> names = new HashSet<>();
    for (InputSource in : inputs) {
      if (in.isStdin()) {
        throw new InputException("--output-dir needs input files, not standard input");
      }
      if (!names.add(in.path().getFileName())) {
        throw InputException.at(in.name(), 0, "two inputs have the same file name; --output-dir would write both to one file");
      }
      if (outputDir.toAbsolutePath().normalize().equals(in.path().toAbsolutePath().normalize().getParent())) {
        throw InputException.at(in.name(), 0, "--output-dir is the input's own directory; the input would be overwritten");
      }
    }
  }

  private void writeAtomically(Path target, List<InputSource> inputs) throws IOException {
    AtomicFileWriter file;
    try {
      file = AtomicFileWriter.create(target);
    } catch (IOException e) {
      throw new OutputException(target + ": cannot write (" + e.getClass().getSimpleName() + ")");
    }
    try (file) {
      for (InputSource in : inputs) {
        redact(in, file.writer());
      }
      try {
        file.commit();
      } catch (IOException e) {
        throw new OutputException(target + ": cannot write (" + e.getClass().getSimpleName() + ")");
      }
    }
  }

  private void redact(InputSource in, Writer out) throws IOException {
    InputFormat f = formatOf(in);
    int index = ++inputIndex;
    ProgressBar bar = progressFor(in);
    InputStream stream = openCounting(in, bar);
    try {
      switch (f) {
        case TEXT -> {
          String text = readWhole(in, stream);
          Scope scope = scope(index, 0);
          try {
            out.write(transform.apply(scope, text, lang));
          } finally {
            forget(scope);
          }
        }
        case JSON -> {
          JsonSupport support = new JsonSupport(in.name(), maxBytes);
          JsonNode root = support.parse(readWhole(in, stream), 0);
          Scope scope = scope(index, 0);
          try {
            root = pathFor(f).apply(root, (p, value) -> transform.apply(scope, value, lang));
          } finally {
            forget(scope);
          }
          support.mapper().writerWithDefaultPrettyPrinter().writeValue(out, root);
          out.write('\n');
        }
        case JSONL -> redactLines(in, stream, out, index, pathFor(f));
      }
    } finally {
      bar.finish();
      closeQuietlyUnlessStdin(in, stream);
    }
  }

  private void redactLines(InputSource in, InputStream stream, Writer out, int index, JsonPath path) throws IOException {
    JsonSupport support = new JsonSupport(in.name(), maxBytes);
    LineReader lines = new LineReader(stream, in.name(), maxBytesInt());
    String line;
    while ((line = lines.next()) != null) {
      if (line.isBlank()) {
        out.write('\n');
        continue;
      }
      JsonNode record = support.parse(line, lines.lineNumber());
      Scope scope = scope(index, lines.lineNumber());
      try {
        record = path.apply(record, (p, value) -> transform.apply(scope, value, lang));
      } finally {
        forget(scope);
      }
      out.write(support.mapper().writeValueAsString(record));
      out.write('\n');
      checkWritable(out);
    }
  }

  private void forget(Scope scope) {
    if (vault != null) {
      vault.clear(scope);
    }
  }

  /** The operator names of veil-core, for completion and validation. */
  static final class OperatorNames implements Iterable<String>, picocli.CommandLine.ITypeConverter<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Operators.NAMES.iterator();
    }

    @Override
    public String convert(String value) {
      String v = value.strip().toLowerCase(java.util.Locale.ROOT);
      if (!Operators.NAMES.contains(v)) {
        throw new picocli.CommandLine.TypeConversionException("expected one of " + String.join(", ", Operators.NAMES));
      }
      return v;
    }
  }

  /** One conversation per input (text, JSON) or per JSONL line; ids never repeat within a run. */
  private Scope scope(int input, long line) {
    return new Scope("veil-cli", runId + ":" + input + ":" + line);
  }
}
