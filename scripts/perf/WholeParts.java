import io.veil.core.Analyzer;
import io.veil.core.NerEngine;
import io.veil.core.NerEngines;
import io.veil.core.Policy;
import io.veil.core.Recognizer;
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
import java.util.Random;
import java.util.function.ToIntFunction;

/**
 * Where the whole engine's time goes, by subtraction: per-text thread CPU time of its parts in one JVM (one
 * build of veil-core), rounds alternating over the parts, 20th percentile of the rounds after the first
 * quarter (as AbPerRecognizer). Three modes:
 *
 * <ul>
 *   <li>(default) The parts: the empty analyzer (TextTraits and the analyzer loop), the NER
 *       tokenizer alone ({@code new Tokens}: tokenizing and the lexicon/closed-list look-ups) once per text and
 *       twice per text (the second call finds the lexicon lines of that text's words in the cache), the
 *       gazetteer NER engine alone, the analyzer with the NER alone, the structured recognizers, the whole
 *       engine (default policy, gazetteer NER), and the structured analyzer followed by the bare NER engine on
 *       each text, and the empty analyzer followed by it (against the parts measured in separate loops: the
 *       cost of running both on one text, one after the other).
 *   <li>{@code minus}: each recognizer's marginal cost inside the whole engine (the built-ins and the
 *       gazetteer NER, default threshold): the whole analyzer against the same analyzer without that one
 *       recognizer, the order of the configurations rotating from round to round. Unlike a recognizer's cost
 *       in a loop of its own, this includes what it costs the others to run beside it.
 *   <li>{@code twice} ({@code twice-tokens}: the tokenizer {@code new Tokens} instead of the NER engine): why
 *       the gazetteer NER reads a text faster the second time, warm data (the lexicon and closed-list lines
 *       of the text's words) or the text's exact sequence (branch history)? Per text A: the engine on A; on
 *       A' (A's space-separated words shuffled: the same words, another order) alone; A then A again; A then
 *       A'; another text B then A'. If "A then A'" costs what "B then A'" costs, the saving of "A then A" is
 *       not the words' data.
 * </ul>
 *
 * <pre>
 * java -cp veil-core/target/classes:$(cat /tmp/cp.txt) scripts/perf/WholeParts.java \
 *     ../shared/data/presidio_synth_v2/eval.jsonl[,MORE.jsonl] SECONDS [minus|twice|twice-tokens]
 * </pre>
 */
public class WholeParts {
  /** One part measured: adds what it returns to a sink so that nothing is optimised away. */
  private interface Part {
    long run(int text) throws Exception;
  }

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
    long seconds = Long.parseLong(a[1]);
    String mode = a.length > 2 ? a[2] : "parts";
    switch (mode) {
      case "minus" -> minus(texts, seconds);
      case "twice" -> twice(texts, seconds, false);
      case "twice-tokens" -> twice(texts, seconds, true);
      case "interference" -> interference(texts, seconds);
      case "interference-kind" -> interferenceKind(texts, seconds);
      case "interference-each" -> interferenceEach(texts, seconds);
      case "order" -> order(texts, seconds);
      case "batch" -> batch(texts, seconds);
      default -> parts(texts, seconds);
    }
  }

  private static ToIntFunction<String> tokenizer() throws Exception {
    Class<?> lexiconClass = Class.forName("io.veil.core.ner.Lexicon");
    Method lexiconOf = Class.forName("io.veil.core.ner.GazetteerNerEngine").getDeclaredMethod("lexicon");
    lexiconOf.setAccessible(true);
    Object lexicon = lexiconOf.invoke(null);
    Constructor<?> tokens = Class.forName("io.veil.core.ner.Tokens").getDeclaredConstructor(String.class, lexiconClass);
    tokens.setAccessible(true);
    return t -> {
      try {
        return tokens.newInstance(t, lexicon).hashCode() & 1;
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  private static void parts(List<String> texts, long seconds) throws Exception {
    ToIntFunction<String> tokens = tokenizer();
    NerEngine ner = NerEngines.byName("gazetteer");
    Analyzer empty = Analyzer.builder().build();
    Analyzer structured = Analyzer.builder().addRecognizers(BuiltInRecognizers.all()).build();
    Analyzer nerOnly = Analyzer.builder().addRecognizer(ner).build();
    Analyzer whole = Policy.defaults().newAnalyzer(ner);
    String[] names = {"empty analyzer", "Tokens", "Tokens, twice per text", "NER engine alone",
        "analyzer(NER only)", "structured", "whole (gazetteer NER)", "structured, then NER engine, per text",
        "empty analyzer, then NER engine, per text"};
    List<Part> parts = new ArrayList<>();
    parts.add(i -> empty.analyze(texts.get(i), null).size());
    parts.add(i -> tokens.applyAsInt(texts.get(i)));
    parts.add(i -> tokens.applyAsInt(texts.get(i)) + tokens.applyAsInt(texts.get(i)));
    parts.add(i -> ner.analyze(texts.get(i), null).size());
    parts.add(i -> nerOnly.analyze(texts.get(i), null).size());
    parts.add(i -> structured.analyze(texts.get(i), null).size());
    parts.add(i -> whole.analyze(texts.get(i), null).size());
    parts.add(i -> structured.analyze(texts.get(i), null).size() + ner.analyze(texts.get(i), null).size());
    parts.add(i -> empty.analyze(texts.get(i), null).size() + ner.analyze(texts.get(i), null).size());
    List<List<Double>> res = alternate(parts, texts.size(), seconds, false);
    for (int c = 0; c < names.length; c++) {
      System.out.printf("%-40s %8.3f%n", names[c], pct(res.get(c)));
    }
    System.out.printf("%-40s %8.3f%n", "Tokens, 2nd call alone (2 calls - 1)", pct(res.get(2)) - pct(res.get(1)));
  }

  /** Where {@link #interference} parks its garbage so that the allocation is not optimised away. */
  static volatile Object keep;

  /**
   * Why the NER costs more after the structured recognizers than alone: the NER engine on text A after
   * each of: nothing; the structured analyzer on A; the structured analyzer on another text B (half the set
   * away: its own data and branches, not A's); the empty analyzer on A; ~1.3 KB of garbage in 12 arrays
   * (what the structured pass allocates per text, engine12's -prof gc); a read of one int per line of a
   * 256 KB array (cache lines evicted, no branches). Each "X then NER" beside X alone.
   */
  private static void interference(List<String> texts, long seconds) throws Exception {
    NerEngine ner = NerEngines.byName("gazetteer");
    Analyzer empty = Analyzer.builder().build();
    Analyzer structured = Analyzer.builder().addRecognizers(BuiltInRecognizers.all()).build();
    int n = texts.size();
    int[] sweep = new int[64 * 1024];
    for (int k = 0; k < sweep.length; k++) {
      sweep[k] = k;
    }
    Part garbage = i -> {
      Object[] o = new Object[12];
      for (int k = 0; k < o.length; k++) {
        o[k] = new byte[96];
      }
      keep = o;
      return 0;
    };
    Part read = i -> {
      int s = 0;
      for (int k = (i & 15); k < sweep.length; k += 16) {
        s += sweep[k];
      }
      return s & 1;
    };
    String[] names = {"NER alone", "structured(A) alone", "structured(A), then NER(A)",
        "structured(B), then NER(A)", "empty(A) alone", "empty(A), then NER(A)", "garbage alone",
        "garbage, then NER(A)", "256 KB read alone", "256 KB read, then NER(A)"};
    List<Part> parts = List.of(
        i -> ner.analyze(texts.get(i), null).size(),
        i -> structured.analyze(texts.get(i), null).size(),
        i -> structured.analyze(texts.get(i), null).size() + ner.analyze(texts.get(i), null).size(),
        i -> structured.analyze(texts.get((i + n / 2) % n), null).size() + ner.analyze(texts.get(i), null).size(),
        i -> empty.analyze(texts.get(i), null).size(),
        i -> empty.analyze(texts.get(i), null).size() + ner.analyze(texts.get(i), null).size(),
        garbage,
        i -> garbage.run(i) + ner.analyze(texts.get(i), null).size(),
        read,
        i -> read.run(i) + ner.analyze(texts.get(i), null).size());
    List<List<Double>> res = alternate(parts, n, seconds, true);
    double alone = pct(res.get(0));
    for (int c = 0; c < names.length; c++) {
      double v = pct(res.get(c));
      String extra = c == 2 || c == 3 ? String.format("   NER's extra %7.3f", v - pct(res.get(1)) - alone)
          : c == 5 || c == 7 || c == 9 ? String.format("   NER's extra %7.3f", v - pct(res.get(c - 1)) - alone) : "";
      System.out.printf("%-32s %8.3f%s%n", names[c], v, extra);
    }
  }

  /**
   * What kind of state the structured pass takes from the NER: the tokenizer ({@code new Tokens}) alone and
   * after the structured pass on another text (is the tokenizer the part that pays?); the NER after a loop of
   * data-dependent branches over 4 KB of random bytes (branch history, almost no data) and after a read of one
   * int per line of 1 MB (data only, no branches that depend on data); and the NER after the NER on B (the same
   * code on other data: the control).
   */
  private static void interferenceKind(List<String> texts, long seconds) throws Exception {
    ToIntFunction<String> tokens = tokenizer();
    NerEngine ner = NerEngines.byName("gazetteer");
    Analyzer structured = Analyzer.builder().addRecognizers(BuiltInRecognizers.all()).build();
    int n = texts.size();
    byte[] coins = new byte[4096];
    new Random(3).nextBytes(coins);
    int[] big = new int[256 * 1024];
    for (int k = 0; k < big.length; k++) {
      big[k] = k;
    }
    Part branches = i -> {
      int s = 0;
      for (int k = 0; k < coins.length; k++) {
        if (coins[k] < 0) {
          s += k;
        } else if ((coins[k] & 1) != 0) {
          s ^= k;
        }
      }
      return s & 1;
    };
    Part read = i -> {
      int s = 0;
      for (int k = (i & 15); k < big.length; k += 16) {
        s += big[k];
      }
      return s & 1;
    };
    String[] names = {"NER alone", "Tokens alone", "structured(B) alone", "structured(B), then Tokens(A)",
        "structured(B), then NER(A)", "branches alone", "branches, then NER(A)", "1 MB read alone",
        "1 MB read, then NER(A)", "NER(B), then NER(A)"};
    List<Part> parts = List.of(
        i -> ner.analyze(texts.get(i), null).size(),
        i -> tokens.applyAsInt(texts.get(i)),
        i -> structured.analyze(texts.get((i + n / 2) % n), null).size(),
        i -> structured.analyze(texts.get((i + n / 2) % n), null).size() + tokens.applyAsInt(texts.get(i)),
        i -> structured.analyze(texts.get((i + n / 2) % n), null).size() + ner.analyze(texts.get(i), null).size(),
        branches,
        i -> branches.run(i) + ner.analyze(texts.get(i), null).size(),
        read,
        i -> read.run(i) + ner.analyze(texts.get(i), null).size(),
        i -> ner.analyze(texts.get((i + n / 2) % n), null).size() + ner.analyze(texts.get(i), null).size());
    List<List<Double>> res = alternate(parts, n, seconds, true);
    double[] v = new double[names.length];
    for (int c = 0; c < names.length; c++) {
      v[c] = pct(res.get(c));
    }
    double[] extra = {0, 0, 0, v[3] - v[2] - v[1], v[4] - v[2] - v[0], 0, v[6] - v[5] - v[0], 0, v[8] - v[7] - v[0],
        v[9] - 2 * v[0]};
    for (int c = 0; c < names.length; c++) {
      System.out.printf("%-32s %8.3f%s%n", names[c], v[c], extra[c] != 0 ? String.format("   extra %7.3f", extra[c]) : "");
    }
  }

  /**
   * Which structured recognizer costs the NER: per built-in X, X alone (in an analyzer of its own) on text B
   * (half the set away) and X on B, then the NER on A; the NER's extra is the pair minus both alone.
   */
  private static void interferenceEach(List<String> texts, long seconds) throws Exception {
    NerEngine ner = NerEngines.byName("gazetteer");
    int n = texts.size();
    List<String> names = new ArrayList<>();
    List<Part> parts = new ArrayList<>();
    names.add("NER alone");
    parts.add(i -> ner.analyze(texts.get(i), null).size());
    for (Recognizer r : BuiltInRecognizers.all()) {
      Analyzer x = Analyzer.builder().addRecognizer(r).build();
      names.add(r.name());
      parts.add(i -> x.analyze(texts.get((i + n / 2) % n), null).size());
      names.add(r.name() + ", then NER");
      parts.add(i -> x.analyze(texts.get((i + n / 2) % n), null).size() + ner.analyze(texts.get(i), null).size());
    }
    List<List<Double>> res = alternate(parts, n, seconds, true);
    double alone = pct(res.get(0));
    System.out.printf("%-26s %8.3f%n", names.get(0), alone);
    for (int c = 1; c < names.size(); c += 2) {
      double x = pct(res.get(c));
      double pair = pct(res.get(c + 1));
      System.out.printf("%-26s alone %7.3f   then NER %7.3f   NER's extra %7.3f%n", names.get(c), x, pair, pair - x - alone);
    }
  }

  /**
   * What a text's predecessor gives it: the NER engine, the structured analyzer and the whole engine over the
   * texts in file order (neighbours in a data set are often alike: the same template, the same thread) and in a
   * fixed random order (seed 11).
   */
  private static void order(List<String> texts, long seconds) throws Exception {
    NerEngine ner = NerEngines.byName("gazetteer");
    Analyzer structured = Analyzer.builder().addRecognizers(BuiltInRecognizers.all()).build();
    Analyzer whole = Policy.defaults().newAnalyzer(ner);
    int n = texts.size();
    List<Integer> perm = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      perm.add(k);
    }
    Collections.shuffle(perm, new Random(11));
    int[] p = perm.stream().mapToInt(Integer::intValue).toArray();
    String[] names = {"NER, file order", "NER, shuffled", "structured, file order", "structured, shuffled",
        "whole, file order", "whole, shuffled"};
    List<Part> parts = List.of(
        i -> ner.analyze(texts.get(i), null).size(),
        i -> ner.analyze(texts.get(p[i]), null).size(),
        i -> structured.analyze(texts.get(i), null).size(),
        i -> structured.analyze(texts.get(p[i]), null).size(),
        i -> whole.analyze(texts.get(i), null).size(),
        i -> whole.analyze(texts.get(p[i]), null).size());
    List<List<Double>> res = alternate(parts, n, seconds, true);
    for (int c = 0; c < names.length; c += 2) {
      double a = pct(res.get(c));
      double b = pct(res.get(c + 1));
      System.out.printf("%-24s %8.3f   %-24s %8.3f   shuffled / file order x%.3f%n", names[c], a, names[c + 1], b, b / a);
    }
  }

  /**
   * What a batch entry point could save (several messages of one request): per group of k texts
   * ({@code -Dbatch=k}, 8 by default), the structured analyzer and then the NER engine on each text in turn,
   * against the structured analyzer on all k and then the NER engine on all k (each half's code and data stay
   * warm for k texts).
   */
  private static void batch(List<String> texts, long seconds) throws Exception {
    NerEngine ner = NerEngines.byName("gazetteer");
    Analyzer structured = Analyzer.builder().addRecognizers(BuiltInRecognizers.all()).build();
    int k = Integer.getInteger("batch", 8);
    int n = texts.size() / k * k;
    List<Part> parts = List.of(
        g -> {
          long s = 0;
          for (int i = k * g; i < k * g + k; i++) {
            s += structured.analyze(texts.get(i), null).size() + ner.analyze(texts.get(i), null).size();
          }
          return s;
        },
        g -> {
          long s = 0;
          for (int i = k * g; i < k * g + k; i++) {
            s += structured.analyze(texts.get(i), null).size();
          }
          for (int i = k * g; i < k * g + k; i++) {
            s += ner.analyze(texts.get(i), null).size();
          }
          return s;
        });
    List<List<Double>> res = alternate(parts, n / k, seconds, true);
    double a = pct(res.get(0)) / k;
    double b = pct(res.get(1)) / k;
    System.out.printf("per text: structured then NER, text by text %8.3f   in batches of %d %8.3f   x%.3f%n", a, k, b, a / b);
  }

  private static void minus(List<String> texts, long seconds) throws Exception {
    List<Recognizer> all = new ArrayList<>(BuiltInRecognizers.all());
    all.add(NerEngines.byName("gazetteer"));
    List<String> names = new ArrayList<>();
    List<Analyzer> analyzers = new ArrayList<>();
    names.add("whole");
    analyzers.add(Analyzer.builder().addRecognizers(all).build());
    for (Recognizer r : all) {
      List<Recognizer> without = new ArrayList<>(all);
      without.remove(r);
      names.add("without " + r.name());
      analyzers.add(Analyzer.builder().addRecognizers(without).build());
    }
    names.add("empty analyzer");
    analyzers.add(Analyzer.builder().build());
    List<Part> parts = new ArrayList<>();
    for (Analyzer x : analyzers) {
      parts.add(i -> x.analyze(texts.get(i), null).size());
    }
    List<List<Double>> res = alternate(parts, texts.size(), seconds, true);
    double whole = pct(res.get(0));
    for (int c = 0; c < names.size(); c++) {
      double v = pct(res.get(c));
      System.out.printf("%-26s %8.3f   whole minus this %7.3f%n", names.get(c), v, whole - v);
    }
  }

  private static void twice(List<String> texts, long seconds, boolean tokensOnly) throws Exception {
    List<String> shuffled = new ArrayList<>();
    Random rnd = new Random(7);
    for (String t : texts) {
      List<String> words = new ArrayList<>(List.of(t.split(" ")));
      Collections.shuffle(words, rnd);
      shuffled.add(String.join(" ", words));
    }
    NerEngine ner = NerEngines.byName("gazetteer");
    ToIntFunction<String> run = tokensOnly ? tokenizer() : t -> ner.analyze(t, null).size();
    int n = texts.size();
    String[] names = {"A", "A' alone", "A, then A again", "A, then A'", "B (another text), then A'"};
    List<Part> parts = List.of(
        i -> run.applyAsInt(texts.get(i)),
        i -> run.applyAsInt(shuffled.get(i)),
        i -> run.applyAsInt(texts.get(i)) + run.applyAsInt(texts.get(i)),
        i -> run.applyAsInt(texts.get(i)) + run.applyAsInt(shuffled.get(i)),
        i -> run.applyAsInt(texts.get((i + n / 2) % n)) + run.applyAsInt(shuffled.get(i)));
    List<List<Double>> res = alternate(parts, n, seconds, true);
    for (int c = 0; c < names.length; c++) {
      System.out.printf("%-28s %8.3f%n", names[c], pct(res.get(c)));
    }
  }

  /**
   * Runs every part over all texts once per round until {@code seconds} are up, in a fixed order or (with
   * {@code rotate}) starting one part later each round; per part, the thread CPU us per text of each round.
   */
  private static List<List<Double>> alternate(List<Part> parts, int texts, long seconds, boolean rotate)
      throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    List<List<Double>> res = new ArrayList<>();
    for (int c = 0; c < parts.size(); c++) {
      res.add(new ArrayList<>());
    }
    long until = System.nanoTime() + seconds * 1_000_000_000L;
    long sink = 0;
    int round = 0;
    while (System.nanoTime() < until) {
      for (int cc = 0; cc < parts.size(); cc++) {
        int c = rotate ? (cc + round) % parts.size() : cc;
        Part p = parts.get(c);
        long t0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < texts; i++) {
          sink += p.run(i);
        }
        res.get(c).add((mx.getCurrentThreadCpuTime() - t0) / 1e3 / texts);
      }
      round++;
    }
    System.out.printf("%d rounds, %d texts, sink %d; us per text (20th percentile of the rounds after the first quarter)%n",
        round, texts, sink);
    return res;
  }

  private static double pct(List<Double> v) {
    List<Double> w = new ArrayList<>(v.subList(v.size() / 4, v.size()));
    Collections.sort(w);
    return w.get(w.size() / 5);
  }
}
