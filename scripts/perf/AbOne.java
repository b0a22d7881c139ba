import java.lang.management.*;
import java.lang.reflect.Method;
import java.net.*;
import java.nio.file.*;
import java.util.*;
/**
 * A/B of {@code TextTraits.of} alone and of an analyzer with the built-in recognizers (all of them, or with
 * {@code -Donly=NAME} those whose {@code toString()} contains NAME, e.g. {@code -Donly=phone}): two builds of
 * veil-core (class folders) in two class loaders in one JVM, many short rounds alternating old/new, the 20th
 * percentile of thread CPU time per text after the first quarter of rounds. For ablations: build NEW with a piece
 * cut out (and a system property to switch it, passed with -D) to size what that piece costs.
 *
 * <pre>
 * java -Donly=phone -cp "$(cat /tmp/cp.txt)" scripts/perf/AbOne.java OLD_CLASSES NEW_CLASSES "$(cat /tmp/cp.txt)" \
 *     ../shared/data/presidio_synth_v2/eval.jsonl SECONDS
 * </pre>
 */
@SuppressWarnings("unchecked")
public class AbOne {
  public static void main(String[] a) throws Exception {
    List<String> texts = new ArrayList<>();
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String l : Files.readAllLines(Path.of(a[3]))) if (!l.isBlank()) texts.add(json.readTree(l).get("text").asText());
    Method[] of = new Method[2]; Method[] an = new Method[2]; Object[] analyzer = new Object[2];
    for (int k = 0; k < 2; k++) {
      List<URL> urls = new ArrayList<>(); urls.add(Path.of(a[k]).toUri().toURL());
      for (String p : a[2].split(":")) urls.add(Path.of(p).toUri().toURL());
      ClassLoader cl = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
      of[k] = cl.loadClass("io.veil.core.TextTraits").getMethod("of", CharSequence.class);
      Class<?> A = cl.loadClass("io.veil.core.Analyzer");
      List<?> all = (List<?>) cl.loadClass("io.veil.core.recognizers.BuiltInRecognizers").getMethod("all").invoke(null);
      String only = System.getProperty("only", "");
      all = all.stream().filter(r -> r.toString().contains(only)).toList();
      Object b = A.getMethod("builder").invoke(null);
      b.getClass().getMethod("addRecognizers", Iterable.class).invoke(b, all);
      analyzer[k] = b.getClass().getMethod("build").invoke(b);
      an[k] = A.getMethod("analyze", String.class, String.class);
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    List<Double>[][] res = new List[2][2];
    for (int k = 0; k < 2; k++) for (int c = 0; c < 2; c++) res[k][c] = new ArrayList<>();
    long until = System.nanoTime() + Long.parseLong(a[4]) * 1_000_000_000L; long sink = 0; int round = 0;
    while (System.nanoTime() < until) {
      for (int kk = 0; kk < 2; kk++) {
        int k = (round + kk) % 2;
        long t0 = mx.getCurrentThreadCpuTime();
        for (String t : texts) sink += of[k].invoke(null, t).hashCode() & 1;
        res[k][0].add((mx.getCurrentThreadCpuTime() - t0) / 1e3 / texts.size());
        t0 = mx.getCurrentThreadCpuTime();
        for (String t : texts) sink += ((List<?>) an[k].invoke(analyzer[k], t, null)).size();
        res[k][1].add((mx.getCurrentThreadCpuTime() - t0) / 1e3 / texts.size());
      }
      round++;
    }
    System.out.printf("rounds %d sink %d%n", round, sink);
    String[] names = {"TextTraits.of", System.getProperty("only", "").isEmpty() ? "structured" : "only " + System.getProperty("only")};
    for (int c = 0; c < 2; c++) {
      double o = pct(res[0][c]), n = pct(res[1][c]);
      System.out.printf("%-14s old %.3f us  new %.3f us  x%.3f%n", names[c], o, n, o / n);
    }
  }
  static double pct(List<Double> v) { List<Double> w = new ArrayList<>(v.subList(v.size() / 4, v.size())); Collections.sort(w); return w.get(w.size() / 5); }
}
