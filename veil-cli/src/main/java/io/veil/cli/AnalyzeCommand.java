package io.veil.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.veil.core.Analyzer;
import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code veil analyze}: reports the personal data found in text, JSON or JSONL input.
 *
 * <p>Output: a table by default; with {@code --json} one JSON object per text or JSON input
 * ({@code {"file"?, "findings":[…]}}) and, for JSONL, one line per input line
 * ({@code {"id": <the line's id or null>, "findings":[…]}}) in input order. Each finding is
 * {@code {"path"?, "start", "end", "type", "score", "text"?}} with UTF-16 offsets into the string it was
 * found in; {@code path} names that string in JSON input (and in JSONL when the path can select
 * several); {@code text} only with {@code --show-text}.
 *
 * <p><b>Security:</b> findings are personal data only when {@code --show-text} prints their values;
 * without it the output holds positions and types only.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true, sortOptions = false,
    synopsisHeading = "Usage: ",
    description = {
        "Finds personal data in text, JSON or JSONL and reports where it is.",
        "Offsets are UTF-16 indices into the text (or into each selected JSON string)."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  veil analyze notes.txt",
        "  echo 'Mail jane@example.com' | veil analyze --json --show-text",
        "  veil analyze --format jsonl --field '$.messages[*].content' --json chats.jsonl",
        "",
        "Exit status: 0 done, 1 detection or output failed, 2 bad input or usage."})
public final class AnalyzeCommand extends TextCommand {

  @Option(names = "--json", description = "Print findings as JSON (one object per input, one line per JSONL record).")
  boolean json;

  @Option(names = "--show-text",
      description = "Include each finding's text. The output then contains personal data: handle it as such.")
  boolean showText;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Write the report to FILE (whole or not at all) instead of standard output.")
  Path output;

  /** Replaces the policy's analyzer when set (tests, embedding). */
  Analyzer analyzerOverride;

  private Analyzer analyzer;
  private JsonGenerator gen;
  private Writer out;
  private final Map<EntityType, Integer> totals = new TreeMap<>();
  private boolean headerPrinted;

  @Override
  void execute(List<InputSource> inputs) throws IOException {
    Policy loaded = Policies.load(policy); // checked even when the analyzer is given
    analyzer = analyzerOverride != null ? analyzerOverride : loaded.newAnalyzer();
    if (output == null) {
      out = spec.commandLine().getOut();
      report(inputs);
      out.flush();
      return;
    }
    AtomicFileWriter file;
    try {
      file = AtomicFileWriter.create(output);
    } catch (IOException e) {
      throw new OutputException(output + ": cannot write (" + e.getClass().getSimpleName() + ")");
    }
    try (file) {
      out = file.writer();
      report(inputs);
      try {
        file.commit();
      } catch (IOException e) {
        throw new OutputException(output + ": cannot write (" + e.getClass().getSimpleName() + ")");
      }
    }
  }

  private void report(List<InputSource> inputs) throws IOException {
    gen = new JsonSupport("", 1).mapper().getFactory().createGenerator(out);
    gen.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
    // one object per line: without this Jackson puts a space before every root value after the first
    gen.setRootValueSeparator(null);
    for (InputSource in : inputs) {
      analyzeInput(in, inputs.size() > 1);
    }
    gen.flush();
    if (!json) {
      int n = totals.values().stream().mapToInt(Integer::intValue).sum();
      StringBuilder sb = new StringBuilder();
      sb.append(n == 0 ? "no findings" : n + (n == 1 ? " finding" : " findings"));
      if (n > 0) {
        sb.append(": ");
        totals.forEach((t, c) -> sb.append(t.name()).append(' ').append(c).append(", "));
        sb.setLength(sb.length() - 2);
      }
      out.write(sb.append(System.lineSeparator()).toString());
    }
  }

  private void analyzeInput(InputSource in, boolean several) throws IOException {
    InputFormat f = formatOf(in);
    ProgressBar bar = progressFor(in);
    InputStream stream = openCounting(in, bar);
    try {
      switch (f) {
        case TEXT -> {
          String text = readWhole(in, stream);
          List<Finding> found = analyzer.analyze(text, lang);
          if (json) {
            gen.writeStartObject();
            if (!in.isStdin()) {
              gen.writeStringField("file", in.name());
            }
            gen.writeArrayFieldStart("findings");
            writeFindings(null, text, found);
            gen.writeEndArray();
            gen.writeEndObject();
            newline();
          } else {
            table(in.name(), text, found);
          }
        }
        case JSON -> {
          String text = readWhole(in, stream);
          JsonNode root = new JsonSupport(in.name(), maxBytes).parse(text, 0);
          JsonPath path = pathFor(f);
          if (json) {
            gen.writeStartObject();
            if (!in.isStdin()) {
              gen.writeStringField("file", in.name());
            }
            gen.writeArrayFieldStart("findings");
          }
          path.apply(root, (where, value) -> {
            analyzeString(in.name() + " " + where, where, value);
            return null;
          });
          if (json) {
            gen.writeEndArray();
            gen.writeEndObject();
            newline();
          }
        }
        case JSONL -> analyzeLines(in, stream, pathFor(f));
      }
    } finally {
      bar.finish();
      closeQuietlyUnlessStdin(in, stream);
    }
  }

  private void analyzeLines(InputSource in, InputStream stream, JsonPath path) throws IOException {
    JsonSupport jsonSupport = new JsonSupport(in.name(), maxBytes);
    LineReader lines = new LineReader(stream, in.name(), maxBytesInt());
    boolean withPath = !path.isDefinite();
    String line;
    while ((line = lines.next()) != null) {
      if (line.isBlank()) {
        continue;
      }
      long number = lines.lineNumber();
      JsonNode record = jsonSupport.parse(line, number);
      if (json) {
        gen.writeStartObject();
        gen.writeFieldName("id");
        JsonNode id = record.isObject() ? record.get("id") : null;
        if (id == null) {
          gen.writeNull();
        } else {
          gen.writeTree(id);
        }
        gen.writeArrayFieldStart("findings");
      }
      String where = in.name() + ":" + number;
      path.apply(record, (p, value) -> {
        analyzeString(withPath ? where + " " + p : where, withPath ? p : null, value);
        return null;
      });
      if (json) {
        gen.writeEndArray();
        gen.writeEndObject();
        newline();
      }
      checkWritable(out);
    }
  }

  /** Analyses one selected JSON string; writes its findings into the open array or the table. */
  private void analyzeString(String where, String path, String value) {
    List<Finding> found = analyzer.analyze(value, lang);
    try {
      if (json) {
        writeFindings(path, value, found);
      } else {
        table(where, value, found);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void writeFindings(String path, String text, List<Finding> found) throws IOException {
    for (Finding f : found) {
      totals.merge(f.type(), 1, Integer::sum);
      gen.writeStartObject();
      if (path != null) {
        gen.writeStringField("path", path);
      }
      gen.writeNumberField("start", f.start());
      gen.writeNumberField("end", f.end());
      gen.writeStringField("type", f.type().name());
      gen.writeNumberField("score", f.score());
      if (showText) {
        gen.writeStringField("text", f.value(text));
      }
      gen.writeEndObject();
    }
  }

  private void newline() throws IOException {
    gen.flush();
    out.write('\n');
  }

  private void table(String where, String text, List<Finding> found) throws IOException {
    if (found.isEmpty()) {
      return;
    }
    if (!headerPrinted) {
      headerPrinted = true;
      out.write(row("SOURCE", "START", "END", "TYPE", "SCORE", showText ? "TEXT" : null));
    }
    for (Finding f : found) {
      totals.merge(f.type(), 1, Integer::sum);
      out.write(row(where, Integer.toString(f.start()), Integer.toString(f.end()), f.type().name(),
          String.format(Locale.ROOT, "%.2f", f.score()), showText ? printable(f.value(text)) : null));
    }
  }

  private static String row(String where, String start, String end, String type, String score, String text) {
    String r = String.format(Locale.ROOT, "%-24s %7s %7s  %-14s %5s", where, start, end, type, score);
    return (text == null ? r : r + "  " + text) + System.lineSeparator();
  }

  /** The value on one line: control characters shown as escapes. */
  private static String printable(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    s.codePoints().forEach(cp -> {
      switch (cp) {
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (Character.isISOControl(cp)) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", cp));
          } else {
            sb.appendCodePoint(cp);
          }
        }
      }
    });
    return sb.toString();
  }

}
