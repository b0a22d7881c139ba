package io.veil.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.cli.eval.DatasetScore;
import io.veil.cli.eval.EvalRunner;
import io.veil.cli.eval.MatchMode;
import io.veil.cli.eval.TypeGroup;
import io.veil.cli.eval.TypeScore;
import io.veil.core.NerEngine;
import io.veil.core.NerEngines;
import io.veil.core.Policy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
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
      description = "A labelled eval.jsonl file; repeat for several datasets. Each is named by its path as given."
          + " '-' reads standard input (once).")
  List<Path> data;

  @Option(names = "--match", defaultValue = "overlap", paramLabel = "exact|overlap",
      description = "How a prediction must meet a labelled span: exact (same start and end) or overlap (default).")
  String match;

  @Option(names = "--json", description = "Print one JSON object instead of tables.")
  boolean json;

  @Option(names = "--types", split = ",", paramLabel = "TYPE",
      description = "Score only these entity types (comma-separated), e.g. EMAIL,PHONE.")
  List<String> types;

  @Option(names = "--group", paramLabel = "TYPE+TYPE",
      description = "Also score these types together as one (repeatable; default LOCATION+ADDRESS): a labelled span of"
          + " any member type counts as found when a prediction of any member type matches it, and a prediction is a"
          + " false positive only when it matches no labelled span of any member type. Shown where two or more member"
          + " types are labelled; does not change the per-type rows or the micro average.")
  List<String> group;

  @Option(names = "--ner", split = ",", paramLabel = "ENGINE",
      description = "Score each of these NER engines (comma-separated: model, model-union, gazetteer, none, or an"
          + " installed provider such as corenlp, see VEIL_PLUGINS) on the same data, one after the other, with the policy's other settings; also"
          + " measures each engine alone on one thread (MB/s). Default: the policy's engine.")
  List<String> ner;

  @Option(names = "--ner-option", paramLabel = "KEY=VALUE",
      description = "A setting for an installed NER provider named in --ner (repeatable), e.g."
          + " --ner-option model=/opt/ner/model.onnx. Default: the policy's ner_options.")
  Map<String, String> nerOptions;

  @Option(names = "--language", defaultValue = "data", paramLabel = "data|auto",
      description = "data (default): analyze each text in the language its line gives (\"lang\"); auto: ignore it and let"
          + " the engine guess, as the gateway does (it is never told a language).")
  String language;

  @Option(names = "--policy", paramLabel = "FILE",
      description = "A YAML policy whose detection settings to evaluate (default: the built-in policy).")
  Path policy;

  /** Standard input, for {@code --data -} (tests replace it). */
  java.io.InputStream stdin = System.in;

  @Override
  public Integer call() throws Exception {
    MatchMode mode;
    try {
      mode = MatchMode.valueOf(match.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CliException("--match must be exact or overlap, not '" + match + "'");
    }
    Set<String> filter = types == null ? Set.of() : new LinkedHashSet<>(types.stream().map(String::strip).toList());
    List<TypeGroup> groups = new ArrayList<>();
    try {
      for (String g : group == null ? List.of(TypeGroup.LOCATION_ADDRESS.name()) : group) {
        groups.add(TypeGroup.parse(g));
      }
    } catch (IllegalArgumentException e) {
      throw new CliException("--group: " + e.getMessage());
    }
    Policy loaded = Policies.load(policy);
    if (!language.equals("data") && !language.equals("auto")) {
      throw new CliException("--language must be data or auto, not '" + language + "'");
    }
    List<EvalRunner.Dataset> datasets = EvalRunner.load(data, stdin);
    if (language.equals("auto")) {
      datasets = EvalRunner.withoutLanguage(datasets);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (ner == null || ner.isEmpty()) {
      List<DatasetScore> scores = EvalRunner.score(loaded.newAnalyzer(), datasets, mode, filter, groups);
      if (json) {
        out.println(toJson(scores.stream().map(s -> new EngineScore(null, s, Double.NaN)).toList()));
      } else {
        for (DatasetScore s : scores) {
          printTable(out, s, null, Double.NaN);
        }
      }
      out.flush();
      return 0;
    }
    List<String> engines = ner.stream().map(String::strip).distinct().toList();
    List<EngineScore> all = new ArrayList<>();
    for (String name : engines) {
      NerEngine engine;
      try {
        engine = NerEngines.byName(name, nerOptions == null ? loaded.nerOptions() : nerOptions);
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new CliException("--ner: " + e.getMessage());
      }
      List<DatasetScore> scores = EvalRunner.score(loaded.newAnalyzer(engine), datasets, mode, filter, groups);
      for (int i = 0; i < scores.size(); i++) {
        double mbps = engine == null ? Double.NaN : EvalRunner.throughput(engine, datasets.get(i));
        all.add(new EngineScore(name, scores.get(i), mbps));
      }
    }
    // group by dataset, engines side by side
    all.sort(java.util.Comparator.comparingInt((EngineScore e) -> data.indexOf(Path.of(e.score().name())))
        .thenComparingInt(e -> engines.indexOf(e.engine())));
    if (json) {
      out.println(toJson(all));
    } else {
      for (EngineScore e : all) {
        printTable(out, e.score(), e.engine(), e.nerBytesPerSecond());
      }
    }
    out.flush();
    return 0;
  }

  /** One engine's score on one dataset; {@code engine} null when --ner was not given. */
  record EngineScore(String engine, DatasetScore score, double nerBytesPerSecond) {}

  static String toJson(List<EngineScore> scores) throws Exception {
    ObjectMapper mapper = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    ArrayNode arr = root.putArray("datasets");
    for (EngineScore es : scores) {
      DatasetScore s = es.score();
      ObjectNode d = arr.addObject();
      d.put("name", s.name());
      if (es.engine() != null) {
        d.put("ner", es.engine());
      }
      d.put("examples", s.examples());
      d.put("match", s.match().name().toLowerCase(Locale.ROOT));
      d.set("micro", scoreNode(mapper, s.micro()));
      d.put("leak_rate", round(s.micro().leakRate()));
      ObjectNode entities = d.putObject("entities");
      for (Map.Entry<String, TypeScore> e : s.entities().entrySet()) {
        entities.set(e.getKey(), scoreNode(mapper, e.getValue()));
      }
      if (!s.groups().isEmpty()) {
        ObjectNode groups = d.putObject("groups");
        for (Map.Entry<String, TypeScore> e : s.groups().entrySet()) {
          groups.set(e.getKey(), scoreNode(mapper, e.getValue()));
        }
      }
      d.put("bytes_per_second", Math.round(s.bytesPerSecond()));
      if (!Double.isNaN(es.nerBytesPerSecond())) {
        d.put("ner_bytes_per_second_one_thread", Math.round(es.nerBytesPerSecond()));
      }
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

  private static void printTable(PrintWriter out, DatasetScore s, String engine, double nerBytesPerSecond) {
    out.printf("%s%s  (%d examples, %s match, %.2f MB/s on all cores%s)%n", s.name(),
        engine == null ? "" : "  [ner: " + engine + "]", s.examples(),
        s.match().name().toLowerCase(Locale.ROOT), s.bytesPerSecond() / 1e6,
        Double.isNaN(nerBytesPerSecond) ? "" : String.format(Locale.ROOT, "; NER alone %.2f MB/s on one thread",
            nerBytesPerSecond / 1e6));
    out.printf("  %-16s %6s %6s %6s %9s %7s %6s %7s%n", "type", "tp", "fp", "fn", "precision", "recall", "f1", "leaked");
    for (Map.Entry<String, TypeScore> e : s.entities().entrySet()) {
      row(out, e.getKey(), e.getValue());
    }
    for (Map.Entry<String, TypeScore> e : s.groups().entrySet()) {
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
