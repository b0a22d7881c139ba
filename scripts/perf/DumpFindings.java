import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.core.Analyzer;
import io.veil.core.Finding;
import io.veil.core.Policy;
import io.veil.core.Recognizer;
import io.veil.core.recognizers.BuiltInRecognizers;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes every finding of every built-in recognizer (alone, called directly and through an analyzer)
 * and of the default analyzer and the analyzer with the gazetteer NER (language null and the data set's
 * language) on the given data sets, one
 * line per finding, so that two builds can be compared with {@code cmp}.
 *
 * <pre>
 * java -cp veil-core/target/classes:$(cat /tmp/cp.txt) scripts/perf/DumpFindings.java \
 *     ../shared/data out.txt presidio_synth_v2 wnut17 ...
 * </pre>
 * (the class path from {@code mvn -q -pl veil-core dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt}).
 */
public class DumpFindings {
  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    ObjectMapper json = new ObjectMapper();
    Analyzer whole = Policy.defaults().newAnalyzer();
    Analyzer wholeGazetteer = Policy.defaults().newAnalyzer(io.veil.core.NerEngines.byName("gazetteer"));
    List<Analyzer> single = new ArrayList<>();
    for (Recognizer r : BuiltInRecognizers.all()) {
      single.add(Analyzer.builder().addRecognizer(r).build());
    }
    Analyzer structured = Analyzer.builder().addRecognizers(BuiltInRecognizers.all()).build();
    try (BufferedWriter out = Files.newBufferedWriter(Path.of(args[1]), StandardCharsets.UTF_8)) {
      for (int d = 2; d < args.length; d++) {
        String set = args[d];
        int line = 0;
        for (String l : Files.readAllLines(data.resolve(set).resolve("eval.jsonl"), StandardCharsets.UTF_8)) {
          if (l.isBlank()) {
            continue;
          }
          JsonNode node = json.readTree(l);
          String text = node.get("text").asText();
          String lang = node.hasNonNull("lang") ? node.get("lang").asText() : null;
          String at = set + ":" + line++;
          for (Recognizer r : BuiltInRecognizers.all()) {
            write(out, at + " direct " + r.name(), r.analyze(text, null));
          }
          for (int i = 0; i < single.size(); i++) {
            write(out, at + " alone " + BuiltInRecognizers.all().get(i).name(), single.get(i).analyze(text, null));
          }
          write(out, at + " structured", structured.analyze(text, null));
          write(out, at + " whole-null", whole.analyze(text, null));
          write(out, at + " whole-" + lang, whole.analyze(text, lang));
          write(out, at + " gazetteer-null", wholeGazetteer.analyze(text, null));
          write(out, at + " gazetteer-" + lang, wholeGazetteer.analyze(text, lang));
        }
      }
    }
  }

  private static void write(BufferedWriter out, String prefix, List<Finding> findings) throws Exception {
    for (Finding f : findings) {
      out.write(prefix + " " + f.start() + " " + f.end() + " " + f.type() + " " + f.score() + " " + f.recognizer());
      out.newLine();
    }
  }
}
