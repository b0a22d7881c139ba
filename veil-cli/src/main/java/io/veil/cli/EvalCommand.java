package io.veil.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.cli.eval.DatasetScore;
import io.veil.cli.eval.EvalRunner;
import io.veil.cli.eval.MatchMode;
import io.veil.cli.eval.TypeScore;
import io.veil.core.Analyzer;
import io.veil.core.Policy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code veil eval}: scores detection on labelled data (see DESIGN.md for the JSON contract). */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
        "Scores detection on labelled JSONL files (the format of shared/data/*/eval.jsonl:",
        "offsets in code points; OTHER spans ignored). Per-type precision, recall and F1,",
        "micro averages, and the leak rate: the share of labelled values whose text still",
        "appears in the redacted output."})
public final class EvalCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--data", required = true, paramLabel = "PATH",
      description = "A labelled eval.jsonl file; repeat for several datasets. Each is named by its path as given.")
  List<Path> data;

  @Option(names = "--match", defaultValue = "overlap", paramLabel = "exact|overlap",
      description = "How a prediction must meet a labelled span: exact (same start and end) or overlap (default).")
  String match;

  @Option(names = "--json", description = "Print one JSON object instead of tables.")
  boolean json;

  @Option(names = "--types", split = ",", paramLabel = "TYPE",
      description = "Score only these entity types (comma-separated), e.g. EMAIL,PHONE.")
  List<String> types;

  @Option(names = "--policy", paramLabel = "FILE",
      description = "A YAML policy whose detection settings to evaluate (default: the built-in policy).")
  Path policy;

  @Override
  public Integer call() throws Exception {
    MatchMode mode;
    try {
      mode = MatchMode.valueOf(match.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CliException("--match must be exact or overlap, not '" + match + "'");
    }
    Set<String> filter = types == null ? Set.of() : new LinkedHashSet<>(types.stream().map(String::strip).toList());
    Analyzer analyzer = Policies.load(policy).newAnalyzer();
    List<DatasetScore> scores = EvalRunner.run(analyzer, data, mode, filter);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(toJson(scores));
    } else {
      for (DatasetScore s : scores) {
        printTable(out, s);
      }
    }
    out.flush();
    return 0;
  }

  static String toJson(List<DatasetScore> scores) throws Exception {
    ObjectMapper mapper = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    ArrayNode arr = root.putArray("datasets");
    for (DatasetScore s : scores) {
      ObjectNode d = arr.addObject();
      d.put("name", s.name());
      d.put("examples", s.examples());
      d.put("match", s.match().name().toLowerCase(Locale.ROOT));
      d.set("micro", scoreNode(mapper, s.micro()));
      d.put("leak_rate", round(s.micro().leakRate()));
      ObjectNode entities = d.putObject("entities");
      for (Map.Entry<String, TypeScore> e : s.entities().entrySet()) {
        entities.set(e.getKey(), scoreNode(mapper, e.getValue()));
      }
      d.put("bytes_per_second", Math.round(s.bytesPerSecond()));
    }
    return mapper.writeValueAsString(root);
  }

  private static ObjectNode scoreNode(ObjectMapper mapper, TypeScore t) {
    ObjectNode n = mapper.createObjectNode();
    n.put("tp", t.tp());
    n.put("fp", t.fp());
    n.put("fn", t.fn());
    n.put("precision", round(t.precision()));
    n.put("recall", round(t.recall()));
    n.put("f1", round(t.f1()));
    n.put("leaked", t.leaked());
    return n;
  }

  private static double round(double v) {
    return Math.round(v * 10000.0) / 10000.0;
  }

  private static void printTable(PrintWriter out, DatasetScore s) {
    out.printf("%s  (%d examples, %s match, %.2f MB/s on all cores)%n", s.name(), s.examples(),
        s.match().name().toLowerCase(Locale.ROOT), s.bytesPerSecond() / 1e6);
    out.printf("  %-16s %6s %6s %6s %9s %7s %6s %7s%n", "type", "tp", "fp", "fn", "precision", "recall", "f1", "leaked");
    for (Map.Entry<String, TypeScore> e : s.entities().entrySet()) {
      row(out, e.getKey(), e.getValue());
    }
    row(out, "micro", s.micro());
    out.printf("  leak rate: %.2f %%%n%n", s.micro().leakRate() * 100);
  }

  private static void row(PrintWriter out, String name, TypeScore t) {
    out.printf("  %-16s %6d %6d %6d %9.3f %7.3f %6.3f %7d%n", name, t.tp(), t.fp(), t.fn(),
        t.precision(), t.recall(), t.f1(), t.leaked());
  }
}
