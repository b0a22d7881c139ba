import io.veil.core.Analyzer;
import io.veil.core.NerEngine;
import io.veil.core.NerEngines;
import io.veil.core.Policy;
import io.veil.core.recognizers.BuiltInRecognizers;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where the whole engine's time goes, by subtraction: per-text thread CPU time of its parts in one JVM (one
 * build of veil-core), rounds alternating over the parts, 20th percentile of the rounds after the first
 * quarter (as AbPerRecognizer). The parts: the empty analyzer (TextTraits and the analyzer loop), the NER
 * tokenizer alone ({@code new Tokens}: tokenizing and the lexicon/closed-list look-ups) once per text and
 * twice per text (the second call finds the lexicon lines of that text's words in the cache: the
 * difference is the cost of cold look-ups), the gazetteer NER engine alone, the analyzer with the NER
 * alone, the structured recognizers, the whole engine (default policy, gazetteer NER), and the structured
 * analyzer followed by the bare NER engine on each text, and the empty analyzer followed by it (against the
 * parts measured in separate loops: the cost of running both on one text, one after the other).
 *
 * <pre>
 * java -cp veil-core/target/classes:$(cat /tmp/cp.txt) scripts/perf/WholeParts.java \
 *     ../shared/data/presidio_synth_v2/eval.jsonl[,MORE.jsonl] SECONDS
 * </pre>
 */
public class WholeParts {
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
    Class<?> lexiconClass = Class.forName("io.veil.core.ner.Lexicon");
    Method lexiconOf = Class.forName("io.veil.core.ner.GazetteerNerEngine").getDeclaredMethod("lexicon");
    lexiconOf.setAccessible(true);
    Object lexicon = lexiconOf.invoke(null);
    Constructor<?> tokens = Class.forName("io.veil.core.ner.Tokens").getDeclaredConstructor(String.class, lexiconClass);
    tokens.setAccessible(true);
    NerEngine ner = NerEngines.byName("gazetteer");
    Analyzer empty = Analyzer.builder().build();
    Analyzer structured = Analyzer.builder().addRecognizers(BuiltInRecognizers.all()).build();
    Analyzer nerOnly = Analyzer.builder().addRecognizer(ner).build();
    Analyzer whole = Policy.defaults().newAnalyzer(ner);
    String[] names = {"empty analyzer", "Tokens", "Tokens, twice per text", "NER engine alone",
        "analyzer(NER only)", "structured", "whole (gazetteer NER)", "structured, then NER engine, per text",
        "empty analyzer, then NER engine, per text"};
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    List<List<Double>> res = new ArrayList<>();
    for (int c = 0; c < names.length; c++) {
      res.add(new ArrayList<>());
    }
    long until = System.nanoTime() + Long.parseLong(a[1]) * 1_000_000_000L;
    long sink = 0;
    while (System.nanoTime() < until) {
      for (int c = 0; c < names.length; c++) {
        long t0 = mx.getCurrentThreadCpuTime();
        for (String t : texts) {
          switch (c) {
            case 0 -> sink += empty.analyze(t, null).size();
            case 1 -> sink += tokens.newInstance(t, lexicon).hashCode() & 1;
            case 2 -> sink += (tokens.newInstance(t, lexicon).hashCode() & 1) + (tokens.newInstance(t, lexicon).hashCode() & 1);
            case 3 -> sink += ner.analyze(t, null).size();
            case 4 -> sink += nerOnly.analyze(t, null).size();
            case 5 -> sink += structured.analyze(t, null).size();
            case 6 -> sink += whole.analyze(t, null).size();
            case 7 -> sink += structured.analyze(t, null).size() + ner.analyze(t, null).size();
            default -> sink += empty.analyze(t, null).size() + ner.analyze(t, null).size();
          }
        }
        res.get(c).add((mx.getCurrentThreadCpuTime() - t0) / 1e3 / texts.size());
      }
    }
    System.out.printf("%d rounds, %d texts, sink %d; us per text (20th percentile of the rounds after the first quarter)%n",
        res.get(0).size(), texts.size(), sink);
    double once = pct(res.get(1));
    double twice = pct(res.get(2));
    for (int c = 0; c < names.length; c++) {
      System.out.printf("%-40s %8.3f%n", names[c], pct(res.get(c)));
    }
    System.out.printf("%-40s %8.3f%n", "Tokens, 2nd call alone (2 calls - 1)", twice - once);
  }

  private static double pct(List<Double> v) {
    List<Double> w = new ArrayList<>(v.subList(v.size() / 4, v.size()));
    Collections.sort(w);
    return w.get(w.size() / 5);
  }
}
