package io.veil.cli;

import io.veil.core.VeilException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What {@code veil analyze} and {@code veil redact} share: the inputs and their format, the JSON path
 * that picks the fields, strict reading, and the error policy.
 *
 * <p>Errors: bad input or usage prints one line {@code veil: <source>:<line>: <problem>} and exits with
 * {@link VeilCli#EXIT_USAGE} (2); a failure of detection or of writing the output exits with 1. No
 * message ever contains input text.
 */
abstract class TextCommand implements Callable<Integer> {
  static final int EXIT_FAILURE = 1;
  static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "FILE", arity = "0..*",
      description = "Input files; '-' or none reads standard input. Input must be UTF-8.")
  List<Path> files;

  @Option(names = "--format", paramLabel = "FORMAT", converter = InputFormat.Converter.class,
      completionCandidates = InputFormat.Names.class,
      description = "Input format: ${COMPLETION-CANDIDATES}. Default: from the file extension "
          + "(.json, .jsonl, .ndjson), else text.")
  InputFormat format;

  @Option(names = {"--field", "--path"}, paramLabel = "JSONPATH",
      description = "Which string values of JSON/JSONL input to process, as a JSON path: $.a.b, "
          + "$.messages[*].content, $..content (any depth), $..* (every string). A bare name means $.name. "
          + "Default: 'text' for JSONL, $..* for JSON.")
  String field;

  @Option(names = "--lang", paramLabel = "LANG",
      description = "Language of the text as an ISO 639-1 code (en, de, es, fr, nl); default: detected.")
  String lang;

  @Option(names = "--policy", paramLabel = "FILE",
      description = "Policy file (YAML): which types to detect, thresholds, operators. Default: the built-in policy.")
  Path policy;

  @Option(names = "--max-bytes", paramLabel = "N",
      description = "Largest text or JSON document, or JSONL line, read into memory, in bytes "
          + "(suffixes k, m, g). Default: 64m.", converter = ByteSizeConverter.class)
  long maxBytes = DEFAULT_MAX_BYTES;

  @Option(names = {"-q", "--quiet"}, description = "No progress bar on standard error.")
  boolean quiet;

  /** Standard input; replaceable for tests. */
  InputStream stdin = System.in;

  @Override
  public final Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      if (lang != null && !lang.matches("[a-zA-Z]{2,3}")) {
        throw new InputException("--lang takes a language code such as en or de");
      }
      if (lang != null) {
        lang = lang.toLowerCase(Locale.ROOT);
      }
      List<InputSource> inputs = InputSource.of(files);
      if (inputs.stream().filter(InputSource::isStdin).count() > 1) {
        throw new InputException("standard input ('-') can be read only once");
      }
      inputs.forEach(InputSource::check);
      execute(inputs);
      return 0;
    } catch (InputException | CliException e) {
      err.println("veil: " + e.getMessage());
      return VeilCli.EXIT_USAGE;
    } catch (OutputException e) {
      err.println("veil: " + e.getMessage());
      return EXIT_FAILURE;
    } catch (VeilException e) {
      err.println("veil: " + spec.name() + " failed: " + e.getMessage());
      return EXIT_FAILURE;
    } catch (UnsupportedOperationException e) {
      err.println("veil: " + spec.name() + " is not available in this build: " + e.getMessage());
      return EXIT_FAILURE;
    } catch (IOException | UncheckedIOException e) {
      err.println("veil: I/O error: " + e.getClass().getSimpleName());
      return EXIT_FAILURE;
    } finally {
      err.flush();
      spec.commandLine().getOut().flush();
    }
  }

  /** Runs the command over the checked inputs. */
  abstract void execute(List<InputSource> inputs) throws IOException;

  /** The format of one input: {@code --format}, else guessed from its name. */
  InputFormat formatOf(InputSource in) {
    if (format != null) {
      return format;
    }
    return in.isStdin() ? InputFormat.TEXT : InputFormat.guess(in.name());
  }

  /** The JSON path for an input of this format. */
  JsonPath pathFor(InputFormat f) {
    String expr = field != null ? field : (f == InputFormat.JSONL ? "text" : "$..*");
    try {
      return JsonPath.parse(expr);
    } catch (IllegalArgumentException e) {
      throw new InputException(e.getMessage());
    }
  }

  int maxBytesInt() {
    if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE - 16) {
      throw new InputException("--max-bytes must be between 1 and 2g");
    }
    return (int) maxBytes;
  }

  /** Reads a whole input (text or JSON document) strictly as UTF-8, at most {@code --max-bytes}. */
  String readWhole(InputSource in, InputStream stream) throws IOException {
    int limit = maxBytesInt();
    byte[] bytes = stream.readNBytes(limit + 1);
    if (bytes.length > limit) {
      throw InputException.at(in.name(), 0, "larger than " + limit + " bytes (see --max-bytes)");
    }
    try {
      return new StrictUtf8().decode(bytes, bytes.length, true);
    } catch (StrictUtf8.MalformedException e) {
      throw InputException.at(in.name(), StrictUtf8.lineOf(bytes, e.byteOffset), "invalid UTF-8");
    }
  }

  /** Opens an input for reading, with a progress bar for long files. */
  CountingInputStream openCounting(InputSource in, ProgressBar bar) {
    return new CountingInputStream(in.open(stdin), bar);
  }

  ProgressBar progressFor(InputSource in) {
    return ProgressBar.forInput(spec.commandLine().getErr(), in.name(), in.size(), quiet);
  }

  /**
   * Stops early when standard output has gone away (e.g. {@code veil redact big.jsonl | head}): a
   * {@link java.io.PrintWriter} swallows write errors, so it is asked.
   */
  static void checkWritable(java.io.Writer out) {
    if (out instanceof java.io.PrintWriter pw && (pw.checkError() || System.out.checkError())) {
      throw new OutputException("standard output: write failed (closed pipe?)");
    }
  }

  static InputStream closeQuietlyUnlessStdin(InputSource in, InputStream s) {
    if (!in.isStdin()) {
      try {
        s.close();
      } catch (IOException ignored) {
        // read side: nothing to lose
      }
    }
    return s;
  }
}
