import java.lang.management.*;
import java.lang.reflect.Method;
import java.net.*;
import java.nio.file.*;
import java.util.*;
/**
 * A/B throughput per text, robust to a busy machine: two builds of veil-core (class folders) in two class
 * loaders in one JVM; many short rounds alternate old/new for the structured set, the whole engine (default
 * model NER, and with the gazetteer NER) and (with
 * a sixth argument) each built-in alone and an empty analyzer (the per-text fixed cost: TextTraits and the
 * analyzer loop); reports the 20th percentile of the rounds after the first quarter, in microseconds per
 * text and MB/s, beside one JDK regex pass (the JMH baseline) over the same texts.
 *
 * <pre>
 * java -cp "$(cat /tmp/cp.txt)" scripts/perf/AbPerRecognizer.java OLD_CLASSES NEW_CLASSES "$(cat /tmp/cp.txt)" \
 *     ../shared/data/presidio_synth_v2/eval.jsonl[,MORE.jsonl] SECONDS [per]
 * </pre>
 * ({@code -DnoModel=true}: without the whole engine with the default model NER, the slowest configuration.)
 * (the class path from {@code mvn -q -pl veil-core dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt}).
 */
@SuppressWarnings("unchecked")
public class AbPerRecognizer {
  public static void main(String[] a) throws Exception {
    List<String> texts = new ArrayList<>();
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String f : a[3].split(",")) for (String l : Files.readAllLines(Path.of(f))) { if (l.isBlank()) continue; texts.add(json.readTree(l).get("text").asText()); }
    boolean noModel = Boolean.getBoolean("noModel");
    long bytes = 0; for (String t : texts) bytes += t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    boolean per = a.length > 5;
    List<String> names = new ArrayList<>(); List<Object[]> an = new ArrayList<>(); Method[] m = new Method[2];
    for (int k = 0; k < 2; k++) {
      List<URL> urls = new ArrayList<>(); urls.add(Path.of(a[k]).toUri().toURL());
      for (String p : a[2].split(":")) urls.add(Path.of(p).toUri().toURL());
      ClassLoader cl = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
      Class<?> A = cl.loadClass("io.veil.core.Analyzer");
      List<?> all = (List<?>) cl.loadClass("io.veil.core.recognizers.BuiltInRecognizers").getMethod("all").invoke(null);
      List<Object> list = new ArrayList<>();
      Object b = A.getMethod("builder").invoke(null);
      b.getClass().getMethod("addRecognizers", Iterable.class).invoke(b, all);
      list.add(b.getClass().getMethod("build").invoke(b));
      Class<?> P = cl.loadClass("io.veil.core.Policy");
      if (!noModel) list.add(P.getMethod("newAnalyzer").invoke(P.getMethod("defaults").invoke(null)));
      Class<?> NE = cl.loadClass("io.veil.core.NerEngine");
      Object gazetteer = cl.loadClass("io.veil.core.NerEngines").getMethod("byName", String.class).invoke(null, "gazetteer");
      list.add(P.getMethod("newAnalyzer", NE).invoke(P.getMethod("defaults").invoke(null), gazetteer));
      if (k == 0) { names.add("structured"); if (!noModel) names.add("whole"); names.add("whole (gazetteer NER)"); }
      if (per) for (Object r : all) {
        Object bb = A.getMethod("builder").invoke(null);
        bb.getClass().getMethod("addRecognizer", cl.loadClass("io.veil.core.Recognizer")).invoke(bb, r);
        list.add(bb.getClass().getMethod("build").invoke(bb));
        if (k == 0) names.add(r.toString());
      }
      if (per) { Object bb = A.getMethod("builder").invoke(null); list.add(bb.getClass().getMethod("build").invoke(bb)); if (k == 0) names.add("(empty analyzer)"); }
      an.add(list.toArray());
      m[k] = A.getMethod("analyze", String.class, String.class);
    }
    java.util.regex.Pattern re = java.util.regex.Pattern.compile("\\b\\d{3}-\\d{2}-\\d{4}\\b");
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    int cfg = names.size();
    List<List<Double>>[] res = new List[2]; for (int k = 0; k < 2; k++) { res[k] = new ArrayList<>(); for (int c = 0; c < cfg; c++) res[k].add(new ArrayList<>()); }
    List<Double> rx = new ArrayList<>();
    long until = System.nanoTime() + Long.parseLong(a[4]) * 1_000_000_000L; long sink = 0; int round = 0;
    while (System.nanoTime() < until) {
      for (int c = 0; c < cfg; c++) for (int kk = 0; kk < 2; kk++) {
        int k = (round + kk) % 2;
        long t0 = mx.getCurrentThreadCpuTime();
        for (String t : texts) sink += ((List<?>) m[k].invoke(an.get(k)[c], t, null)).size();
        res[k].get(c).add((mx.getCurrentThreadCpuTime() - t0) / 1e3 / texts.size());
      }
      long t0 = mx.getCurrentThreadCpuTime();
      for (String t : texts) { var mm = re.matcher(t); while (mm.find()) sink++; }
      rx.add((mx.getCurrentThreadCpuTime() - t0) / 1e3 / texts.size());
      round++;
    }
    double bpt = (double) bytes / texts.size();
    System.out.printf("rounds %d, %.1f bytes/text, sink %d; us/text at the 20th percentile of rounds after warm-up (MB/s)%n", round, bpt, sink);
    double r = pct(rx);
    System.out.printf("%-22s %8.3f us (%6.1f MB/s)%n", "regex baseline", r, bpt / r);
    for (int c = 0; c < cfg; c++) {
      double o = pct(res[0].get(c)), n = pct(res[1].get(c));
      System.out.printf("%-22s old %8.3f us (%6.1f MB/s, %.3f of regex)  new %8.3f us (%6.1f MB/s, %.3f of regex)  x%.3f (medians x%.3f)%n", names.get(c), o, bpt / o, r / o, n, bpt / n, r / n, o / n, med(res[0].get(c)) / med(res[1].get(c)));
    }
  }
  static double med(List<Double> v) { List<Double> w = new ArrayList<>(v.subList(v.size() / 4, v.size())); Collections.sort(w); return w.get(w.size() / 2); }
  static double pct(List<Double> v) { List<Double> w = new ArrayList<>(v.subList(v.size() / 4, v.size())); Collections.sort(w); return w.get(w.size() / 5); }
}
