// A/B of the NER tokenizer alone (new Tokens(text, lexicon), the lexicon and closed-list look-ups included): two
// builds of veil-core (class folders) in two class loaders in one JVM, alternating rounds, thread CPU time, the 20th
// percentile of the rounds after the first quarter.
// usage: java -cp "$(cat /tmp/cp.txt)" scripts/perf/AbTokens.java OLD_CLASSES NEW_CLASSES "$(cat /tmp/cp.txt)" ../shared/data/btc/eval.jsonl SECONDS
import java.lang.management.*;
import java.lang.reflect.*;
import java.net.*;
import java.nio.file.*;
import java.util.*;
public class AbTokens {
  public static void main(String[] a) throws Exception {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> texts = new ArrayList<>();
    for (String l : Files.readAllLines(Path.of(a[3]))) if (!l.isBlank()) texts.add(json.readTree(l).get("text").asText());
    Constructor<?>[] ctor = new Constructor<?>[2]; Object[] lex = new Object[2];
    for (int k = 0; k < 2; k++) {
      List<URL> urls = new ArrayList<>(); urls.add(Path.of(a[k]).toUri().toURL());
      for (String p : a[2].split(":")) urls.add(Path.of(p).toUri().toURL());
      ClassLoader cl = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
      Class<?> lx = cl.loadClass("io.veil.core.ner.Lexicon");
      Method m = cl.loadClass("io.veil.core.ner.GazetteerNerEngine").getDeclaredMethod("lexicon"); m.setAccessible(true);
      lex[k] = m.invoke(null);
      ctor[k] = cl.loadClass("io.veil.core.ner.Tokens").getDeclaredConstructor(String.class, lx); ctor[k].setAccessible(true);
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long until = System.nanoTime() + Long.parseLong(a[4]) * 1_000_000_000L; long sink = 0; int round = 0;
    List<List<Double>> res = List.of(new ArrayList<>(), new ArrayList<>());
    while (System.nanoTime() < until) {
      for (int kk = 0; kk < 2; kk++) {
        int k = (round + kk) % 2;
        long t0 = mx.getCurrentThreadCpuTime();
        for (String t : texts) sink += ctor[k].newInstance(t, lex[k]).hashCode();
        res.get(k).add((mx.getCurrentThreadCpuTime() - t0) / 1e3 / texts.size());
      }
      round++;
    }
    double[] p = new double[2];
    for (int k = 0; k < 2; k++) { List<Double> r = new ArrayList<>(res.get(k).subList(res.get(k).size() / 4, res.get(k).size())); Collections.sort(r); p[k] = r.get(r.size() / 5); }
    System.out.printf("rounds %d  tokens old %.3f us/text  new %.3f us/text  x%.2f  (sink %d)%n", round, p[0], p[1], p[0] / p[1], sink % 10);
  }
}
