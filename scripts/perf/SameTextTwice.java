import io.veil.core.NerEngine;
import io.veil.core.NerEngines;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.ToIntFunction;

/**
 * Why the gazetteer NER (or, with {@code -Dtokens=true}, its tokenizer {@code new Tokens} alone) costs less
 * the second time it reads a text: warm data (the lexicon and closed-list lines of the text's words) or the
 * text's exact sequence (branch history)? Per text A, in one JVM, alternating, thread CPU time, 20th percentile
 * of the rounds after the first quarter: the engine on A; on A' (A's space-separated words shuffled: the same
 * words, another order) alone; on A then A again; on A then A'; on another text B then A'.
 * If "A then A'" costs what "B then A'" costs, the saving of "A then A" is not the words' data.
 *
 * <pre>
 * java [-Dtokens=true] -cp veil-core/target/classes:$(cat /tmp/cp.txt) scripts/perf/SameTextTwice.java \
 *     ../shared/data/presidio_synth_v2/eval.jsonl[,MORE.jsonl] SECONDS
 * </pre>
 */
public class SameTextTwice {
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
    List<String> shuffled = new ArrayList<>();
    Random rnd = new Random(7);
    for (String t : texts) {
      List<String> words = new ArrayList<>(List.of(t.split(" ")));
      Collections.shuffle(words, rnd);
      shuffled.add(String.join(" ", words));
    }
    ToIntFunction<String> run;
    if (Boolean.getBoolean("tokens")) {
      Class<?> lexiconClass = Class.forName("io.veil.core.ner.Lexicon");
      Method lexiconOf = Class.forName("io.veil.core.ner.GazetteerNerEngine").getDeclaredMethod("lexicon");
      lexiconOf.setAccessible(true);
      Object lexicon = lexiconOf.invoke(null);
      Constructor<?> tokens = Class.forName("io.veil.core.ner.Tokens").getDeclaredConstructor(String.class, lexiconClass);
      tokens.setAccessible(true);
      run = t -> {
        try {
          return tokens.newInstance(t, lexicon).hashCode() & 1;
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      };
    } else {
      NerEngine ner = NerEngines.byName("gazetteer");
      run = t -> ner.analyze(t, null).size();
    }
    String[] names = {"A", "A' alone", "A, then A again", "A, then A'", "B (another text), then A'"};
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    List<List<Double>> res = new ArrayList<>();
    for (int c = 0; c < names.length; c++) {
      res.add(new ArrayList<>());
    }
    long until = System.nanoTime() + Long.parseLong(a[1]) * 1_000_000_000L;
    long sink = 0;
    int round = 0;
    int n = texts.size();
    while (System.nanoTime() < until) {
      for (int cc = 0; cc < names.length; cc++) {
        int c = (cc + round) % names.length;
        long t0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
          String t = texts.get(i);
          String s = shuffled.get(i);
          switch (c) {
            case 0 -> sink += run.applyAsInt(t);
            case 1 -> sink += run.applyAsInt(s);
            case 2 -> sink += run.applyAsInt(t) + run.applyAsInt(t);
            case 3 -> sink += run.applyAsInt(t) + run.applyAsInt(s);
            default -> sink += run.applyAsInt(texts.get((i + n / 2) % n)) + run.applyAsInt(s);
          }
        }
        res.get(c).add((mx.getCurrentThreadCpuTime() - t0) / 1e3 / n);
      }
      round++;
    }
    System.out.printf("%d rounds, %d texts, sink %d; us per text (20th percentile of the rounds after the first quarter)%n",
        round, n, sink);
    for (int c = 0; c < names.length; c++) {
      System.out.printf("%-28s %8.3f%n", names[c], pct(res.get(c)));
    }
  }

  private static double pct(List<Double> v) {
    List<Double> s = new ArrayList<>(v.subList(v.size() / 4, v.size()));
    Collections.sort(s);
    return s.get(s.size() / 5);
  }
}
