import io.veil.core.Analyzer;
import io.veil.core.NerEngine;
import io.veil.core.NerEngines;
import io.veil.core.Recognizer;
import io.veil.core.recognizers.BuiltInRecognizers;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What each recognizer costs inside the whole engine (the built-ins and the gazetteer NER, default threshold):
 * per text, the whole analyzer against the same analyzer without that one recognizer, in one JVM, all
 * configurations in every round (the order rotating from round to round), thread CPU time, the 20th
 * percentile of the rounds after the first quarter. Unlike a recognizer's cost in a loop of its own, this
 * includes what it costs the others to run beside it (cold lines, branch history).
 *
 * <pre>
 * java -cp veil-core/target/classes:$(cat /tmp/cp.txt) scripts/perf/WholeMinus.java \
 *     ../shared/data/presidio_synth_v2/eval.jsonl[,MORE.jsonl] SECONDS
 * </pre>
 */
public class WholeMinus {
  public static void main(String[] a) throws Exception {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> texts = new ArrayList<>();
    for (String f : a[0].split(",")) {
      for (String l : Files.readAllLines(Path.of(f))) {
        if (!l.isBlank()) {
          texts.add(json.readTree(l).get("text").asText());
        }
      }
    }
    NerEngine ner = NerEngines.byName("gazetteer");
    List<Recognizer> all = new ArrayList<>(BuiltInRecognizers.all());
    all.add(ner);
    List<String> names = new ArrayList<>();
    List<Analyzer> analyzers = new ArrayList<>();
    names.add("whole");
    analyzers.add(Analyzer.builder().addRecognizers(all).build());
    for (Recognizer r : all) {
      List<Recognizer> minus = new ArrayList<>(all);
      minus.remove(r);
      names.add("without " + r.name());
      analyzers.add(Analyzer.builder().addRecognizers(minus).build());
    }
    names.add("empty analyzer");
    analyzers.add(Analyzer.builder().build());
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    List<List<Double>> res = new ArrayList<>();
    for (int c = 0; c < analyzers.size(); c++) {
      res.add(new ArrayList<>());
    }
    long until = System.nanoTime() + Long.parseLong(a[1]) * 1_000_000_000L;
    long sink = 0;
    int round = 0;
    while (System.nanoTime() < until) {
      for (int cc = 0; cc < analyzers.size(); cc++) {
        int c = (cc + round) % analyzers.size();
        Analyzer x = analyzers.get(c);
        long t0 = mx.getCurrentThreadCpuTime();
        for (String t : texts) {
          sink += x.analyze(t, null).size();
        }
        res.get(c).add((mx.getCurrentThreadCpuTime() - t0) / 1e3 / texts.size());
      }
      round++;
    }
    System.out.printf("%d rounds, %d texts, sink %d; us per text (20th percentile of the rounds after the first quarter)%n",
        round, texts.size(), sink);
    double whole = pct(res.get(0));
    for (int c = 0; c < analyzers.size(); c++) {
      double v = pct(res.get(c));
      System.out.printf("%-26s %8.3f   whole minus this %7.3f%n", names.get(c), v, whole - v);
    }
  }

  private static double pct(List<Double> v) {
    List<Double> s = new ArrayList<>(v.subList(v.size() / 4, v.size()));
    Collections.sort(s);
    return s.get(s.size() / 5);
  }
}
