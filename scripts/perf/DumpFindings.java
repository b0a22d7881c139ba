import io.veil.core.*;
import io.veil.core.recognizers.BuiltInRecognizers;
import io.veil.core.ner.GazetteerNerEngine;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.*;
import java.util.*;
import java.io.*;
/**
 * Writes every finding of every built-in recognizer and of the default analyzer (language null and the
 * data set's language) on all eval sets, one line each, for comparing two builds: findings must stay
 * identical across pure speed changes. Usage (run once per build, then cmp the files):
 *   java -cp "veil-core/target/classes:$(cat veil-cli/target/classpath.txt)" scripts/perf/DumpFindings.java OUT [DATA_DIR]
 */
public class DumpFindings {
  public static void main(String[] a) throws Exception {
    ObjectMapper m = new ObjectMapper();
    String dataDir = a.length > 1 ? a[1] : "../shared/data";
    List<Recognizer> rs = new ArrayList<>(BuiltInRecognizers.all()); rs.add(GazetteerNerEngine.load());
    Analyzer an = Policy.defaults().newAnalyzer();
    try (PrintWriter out = new PrintWriter(new BufferedWriter(new FileWriter(a[0])))) {
      for (String d : new String[]{"presidio_synth_v2","presidio_generated_large","wnut17","btc","germeval2014","meddocan","europeana_fr_nl"}) {
        int i = 0;
        for (String l : Files.readAllLines(Path.of(dataDir, d, "eval.jsonl"))) {
          var node = m.readTree(l);
          String t = node.get("text").asText();
          String lang = node.has("lang") ? node.get("lang").asText() : null;
          for (Recognizer r : rs) {
            List<Finding> fs = new ArrayList<>(r.analyze(t, null));
            fs.sort(Comparator.comparingInt(Finding::start).thenComparingInt(Finding::end).thenComparing(f -> f.type().toString()).thenComparingDouble(Finding::score));
            for (Finding f : fs) out.println(d+" "+i+" R "+r.name()+" "+f);
          }
          for (Finding f : an.analyze(t, null)) out.println(d+" "+i+" A "+f);
          for (Finding f : an.analyze(t, lang)) out.println(d+" "+i+" L "+f);
          i++;
        }
      }
    }
  }
}
